// The load generator: several processes (so that it is not the bottleneck), each running load-worker with
// its share of the clients. Their results are merged here.
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Histogram } from "./histogram.js";
import type { LoadTransport } from "./load-client.js";
import type { LoadClient, Protocol, WorkerCommand, WorkerReport } from "./load-worker.js";
import { prioritise } from "./proc.js";

const WORKER = fileURLToPath(
  new URL(import.meta.url.endsWith(".ts") ? "./load-worker.ts" : "./load-worker.js", import.meta.url),
);

export interface RunResult {
  sent: number;
  received: number;
  histogram: Histogram;
  /** Seconds from the first send to the last delivery, over every process. */
  seconds: number;
  /** How late each message left against its schedule (open loop): the generator's own delay. */
  lag: Histogram;
  /** Each generator process's CPU while it sent, in % of one core. */
  generatorCpu: number[];
  /** All generator processes' CPU from the first send to the end of the drain, µs. */
  generatorCpuMicros: number;
  /** Connections the server closed during the run. */
  closed: number;
}

export class Generator {
  private constructor(private readonly workers: ChildProcess[]) {}

  static start(processes: number): Generator {
    const workers = Array.from({ length: Math.max(1, processes) }, () =>
      fork(WORKER, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] }),
    );
    for (const worker of workers) prioritise(worker.pid);
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
    transport: LoadTransport = "tcp",
  ): Promise<{ setupMs: number; failed: number; registerTimes: Histogram }> {
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
          transport,
        }),
      ),
    );
    let setupMs = 0;
    let failed = 0;
    const registerTimes = new Histogram();
    for (const report of reports) {
      if (report.t !== "ready") throw new Error(report.t === "error" ? report.message : "unexpected report");
      setupMs = Math.max(setupMs, report.setupMs);
      failed += report.failed;
      const part = new Histogram(report.registerCounts);
      part.max = report.registerMax;
      registerTimes.merge(part);
    }
    return { setupMs, failed, registerTimes };
  }

  /**
   * Fan-out, open loop: `messagesPerSecond` in all, split evenly between the processes, whose schedules
   * are staggered.
   */
  fanout(messagesPerSecond: number, durationMs: number, maxDrainMs: number): Promise<RunResult> {
    const n = this.workers.length;
    return this.run((w) => ({
      t: "fanout",
      messagesPerSecond: messagesPerSecond / n,
      phase: w / n,
      durationMs,
      maxDrainMs,
    }));
  }

  /** Fan-out, closed loop: `window` messages in flight per sender, as fast as the server delivers. */
  closed(window: number, durationMs: number, maxDrainMs: number): Promise<RunResult> {
    return this.run(() => ({ t: "closed", window, durationMs, maxDrainMs }));
  }

  reqrep(request: string, durationMs: number): Promise<RunResult> {
    return this.run(() => ({ t: "reqrep", request, durationMs }));
  }

  private async run(command: (worker: number) => WorkerCommand): Promise<RunResult> {
    const reports = await Promise.all(this.workers.map((worker, w) => this.ask(worker, command(w))));
    const histogram = new Histogram();
    const lag = new Histogram();
    const result: RunResult = {
      sent: 0,
      received: 0,
      histogram,
      lag,
      seconds: 0,
      generatorCpu: [],
      generatorCpuMicros: 0,
      closed: 0,
    };
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
      if (report.lagCounts.length > 0) {
        const lagPart = new Histogram(report.lagCounts);
        lagPart.max = report.lagMax;
        lag.merge(lagPart);
      }
      result.generatorCpu.push(report.cpuPercent);
      result.generatorCpuMicros += report.cpuMicros;
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
