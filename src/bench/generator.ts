// The load generator: several processes (so that it is not the bottleneck), each running load-worker with
// its share of the clients. Their results are merged here.
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Histogram } from "./histogram.js";
import type { LoadClient, WorkerCommand, WorkerReport } from "./load-worker.js";

const WORKER = fileURLToPath(
  new URL(import.meta.url.endsWith(".ts") ? "./load-worker.ts" : "./load-worker.js", import.meta.url),
);

export interface RunResult {
  sent: number;
  received: number;
  histogram: Histogram;
  /** Each generator process's CPU during the run, in % of one core. */
  generatorCpu: number[];
}

export class Generator {
  private constructor(private readonly workers: ChildProcess[]) {}

  static start(processes: number): Generator {
    const workers = Array.from({ length: processes }, () =>
      fork(WORKER, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] }),
    );
    return new Generator(workers);
  }

  /** Open and register the clients, dealt to the processes in turn; resolves when all are ready. */
  async setup(
    protocol: "irc" | "seed" | "line",
    port: number,
    clients: LoadClient[],
    wave = 200,
  ): Promise<{ setupMs: number; failed: number }> {
    const shares = this.workers.map((_, w) => clients.filter((_, i) => i % this.workers.length === w));
    const reports = await Promise.all(
      this.workers.map((worker, w) =>
        this.ask(worker, { t: "setup", protocol, port, clients: shares[w] ?? [], wave }),
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

  async run(command: Omit<Extract<WorkerCommand, { t: "start" }>, "t">): Promise<RunResult> {
    const reports = await Promise.all(
      this.workers.map((worker) => this.ask(worker, { t: "start", ...command })),
    );
    const histogram = new Histogram();
    const result: RunResult = { sent: 0, received: 0, histogram, generatorCpu: [] };
    for (const report of reports) {
      if (report.t !== "done") throw new Error(report.t === "error" ? report.message : "unexpected report");
      result.sent += report.sent;
      result.received += report.received;
      const part = new Histogram(report.counts);
      part.max = report.max;
      histogram.merge(part);
      result.generatorCpu.push(report.cpuPercent);
    }
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
