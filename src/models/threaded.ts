// threaded: every client's session runs in a worker thread of its own, created on connect and ended on
// close (seed 001's server2). The main thread keeps the socket, frames its lines and posts them to the
// worker; the worker posts back what to send. A slow request holds up only its own client.
import type { Socket } from "node:net";
import { Worker } from "node:worker_threads";
import type { Session } from "../services/service.js";
import { LineServer } from "./line-server.js";
import type { FromWorker, SessionWorkerData, ToWorker } from "./worker-protocol.js";

const WORKER_URL = new URL(
  `./session-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
  import.meta.url,
);

function startWorker(workerData: SessionWorkerData): Worker {
  if (!WORKER_URL.pathname.endsWith(".ts")) return new Worker(WORKER_URL, { workerData });
  // Running from source under tsx: a worker does not inherit tsx's loader, so it registers it first.
  const boot = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

export class ThreadedServer extends LineServer {
  private threads = 0;

  protected accept(socket: Socket): void {
    if (this.threads >= this.config.maxThreads) {
      this.turnAway(socket, this.busyReply);
      return;
    }
    // A thread counts from connect until its session ends; its worker may take a moment longer to exit.
    this.threads += 1;
    const { conn, hub } = this.connect(socket);
    const worker = startWorker({
      service: this.config.service,
      logOptions: this.config.logOptions,
      showThread: this.config.showThread,
      hasHub: this.hub !== null,
      conn: { id: conn.id, peer: conn.peer, local: conn.local },
    });
    const post = (message: ToWorker) => worker.postMessage(message);
    worker.on("message", (message: FromWorker) => {
      switch (message.t) {
        case "send":
          conn.send(message.line);
          return;
        case "close":
          conn.close(message.lastLine);
          return;
        case "hub":
          hub?.post(message.message);
          return;
      }
    });
    worker.on("error", (err) => {
      this.log.error({ conn: conn.id, err }, "session worker failed");
      conn.close("ERROR internal error");
    });
    worker.once("exit", () => conn.destroy());
    const session: Session = {
      line: (text) => post({ t: "line", text }),
      lineError: (error) => post({ t: "line-error", error }),
      end: () => post({ t: "end" }),
      closed: () => post({ t: "closed" }),
    };
    conn.start(session);
  }

  override connectionClosing(): void {
    this.threads -= 1;
  }
}
