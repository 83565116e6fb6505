// The load generator: several processes (so that it is not the bottleneck), each running load-worker with
// its share of the clients. Their results are merged here.
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Histogram } from "./histogram.js";
import type { LoadClient, Protocol, WorkerCommand, WorkerReport } from "./load-worker.js";

const WORKER = fileURLToPath(
  new URL(import.meta.url.endsWith(".ts") ? "./load-worker.ts" : "./load-worker.js", import.meta.url),
);

export interface RunResult {
  sent: number;
  received: number;
  histogram: Histogram;
  /** Seconds from the first send to the last delivery, over every process. */
  seconds: number;
  /** Each generator process's CPU while it sent, in % of one core. */
  generatorCpu: number[];
  /** Connections the server closed during the run. */
  closed: number;
}

export class Generator {
  private constructor(private readonly workers: ChildProcess[]) {}

  static start(processes: number): Generator {
    const workers = Array.from({ length: Math.max(1, processes) }, () =>
      fork(WORKER, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] }),
    );
    return new Generator(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Open and register the clients, dealt to the processes in turn; resolves when all are ready. */
  async setup(
    protocol: Protocol,
    port: number,
    clients: LoadClient[],
    wave = 200,
    timeoutMs = 60_000,
  ): Promise<{ setupMs: number; failed: number }> {
    const n = this.workers.length;
    const reports = await Promise.all(
      this.workers.map((worker, w) =>
        this.ask(worker, {
          t: "setup",
          protocol,
          port,
          clients: clients.filter((_, i) => i % n === w),
          wave: Math.max(1, Math.ceil(wave / n)),
          timeoutMs,
        }),
      ),
    );
    let setupMs = 0;
    let failed = 0;
    for (const report of reports) {
      if (report.t !== "ready") throw new Error(report.t === "error" ? report.message : "unexpected report");
      setupMs = Math.max(setupMs, report.setupMs);
      failed += report.failed;
    }
    return { setupMs, failed };
  }

  /** Fan-out: `messagesPerSecond` in all, split evenly between the processes. */
  fanout(messagesPerSecond: number, durationMs: number, maxDrainMs: number): Promise<RunResult> {
    const share = messagesPerSecond / this.workers.length;
    return this.run({ t: "fanout", messagesPerSecond: share, durationMs, maxDrainMs });
  }

  reqrep(request: string, durationMs: number): Promise<RunResult> {
    return this.run({ t: "reqrep", request, durationMs });
  }

  private async run(command: WorkerCommand): Promise<RunResult> {
    const reports = await Promise.all(this.workers.map((worker) => this.ask(worker, command)));
    const histogram = new Histogram();
    const result: RunResult = { sent: 0, received: 0, histogram, seconds: 0, generatorCpu: [], closed: 0 };
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    for (const report of reports) {
      if (report.t !== "done") throw new Error(report.t === "error" ? report.message : "unexpected report");
      result.sent += report.sent;
      result.received += report.received;
      result.closed += report.closed;
      const part = new Histogram(report.counts);
      part.max = report.max;
      histogram.merge(part);
      result.generatorCpu.push(report.cpuPercent);
      first = Math.min(first, report.firstSendUs);
      last = Math.max(last, report.lastReceiveUs);
    }
    result.seconds = Math.max(0, (last - first) / 1e6);
    return result;
  }

  close(): void {
    for (const worker of this.workers) {
      if (worker.connected) worker.send({ t: "close" } satisfies WorkerCommand);
      setTimeout(() => worker.kill("SIGKILL"), 2000).unref();
    }
  }

  private ask(worker: ChildProcess, command: WorkerCommand): Promise<WorkerReport> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`a generator process exited (${code})`));
      worker.once("exit", onExit);
      worker.once("message", (report: WorkerReport) => {
        worker.off("exit", onExit);
        resolve(report);
      });
      worker.send(command);
    });
  }
}
