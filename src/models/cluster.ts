// cluster: several processes share the listening port (node:cluster); each runs the evented model. A service
// says what it needs of the primary process (the rooms: a relay for their bus, unless Redis carries it).
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import type { LogOptions } from "../log.js";
import { answerMetricsRequest, type MetricsMessage } from "../metrics/cluster.js";
import { clusterPlan, type ServiceConfig } from "../services/index.js";
import type { ClusterPrimary } from "../services/service.js";
import type { ConnectionLimits } from "../transport/tcp-line-connection.js";
import { readTlsFiles, type TlsFiles, type TlsListenerConfig } from "../transport/tls.js";
import type { WebListenerConfig } from "../web/listener.js";
import type { Listening, RunningServer, ServerConfig } from "./line-server.js";

/** What a worker is started with: the plain-data part of a ServerConfig. */
export interface ClusterWorkerConfig {
  host: string;
  port: number;
  service: ServiceConfig;
  limits: ConnectionLimits;
  backlog: number;
  logOptions: LogOptions;
  tls: TlsListenerConfig | null;
  plain: boolean;
  web: WebListenerConfig | null;
}

/** Between the primary and its workers (the bus has its own messages). */
export type ClusterMessage =
  | { cluster: "listening"; listeners: Listening[] }
  | { cluster: "reload-certificates"; files: TlsFiles }
  | { cluster: "cannot-listen"; code: string | undefined; message: string }
  | { cluster: "stop-all" }
  | MetricsMessage
  | { cluster: "shutdown" };

export const CONFIG_ENV = "TCPCHAT_CLUSTER_CONFIG";
const WORKER_ENTRY = fileURLToPath(
  new URL(import.meta.url.endsWith(".ts") ? "./cluster-worker.ts" : "./cluster-worker.js", import.meta.url),
);
/** A worker that keeps dying is not restarted more often than this. */
const RESTART_DELAY_MS = 1000;

export function defaultWorkers(): number {
  return availableParallelism();
}

function isClusterMessage(message: unknown): message is ClusterMessage {
  return typeof message === "object" && message !== null && "cluster" in message;
}

export class ClusterServer implements RunningServer {
  private readonly log: Logger;
  private readonly workers = new Set<Worker>();
  /** The service's part in this process, if it has one. */
  private readonly primary: ClusterPrimary | null;
  private readonly workerConfig: ClusterWorkerConfig;
  private bound: Listening[] = [];
  private stopping = false;
  private nextNumber = 1;
  private markStopped: () => void = () => {};
  readonly stopped = new Promise<void>((resolve) => {
    this.markStopped = resolve;
  });

  constructor(
    private readonly config: ServerConfig,
    private readonly count: number,
  ) {
    this.log = config.log;
    const { service, primary } = clusterPlan(config.service);
    this.primary = primary;
    this.workerConfig = {
      host: config.host,
      port: config.port,
      service,
      limits: config.limits,
      backlog: config.backlog,
      logOptions: config.logOptions,
      tls: config.tls ?? null,
      plain: config.plain !== false,
      web: config.web ?? null,
    };
  }

  get host(): string {
    return this.config.host;
  }

  get port(): number {
    return this.bound[0]?.port ?? this.config.port;
  }

  get listeners(): readonly Listening[] {
    return this.bound;
  }

  /** Each worker reads the files again for its own listener, and logs a failure itself. */
  async reloadCertificates(files: TlsFiles): Promise<void> {
    readTlsFiles(files); // the same check as the workers', to say so here
    for (const worker of this.workers) send(worker, { cluster: "reload-certificates", files });
  }

  async listen(): Promise<void> {
    if (!cluster.isPrimary) throw new Error("the cluster model starts from the primary process");
    cluster.setupPrimary({ exec: WORKER_ENTRY, args: [], silent: false });
    let listeners: Listening[][];
    try {
      listeners = await Promise.all(Array.from({ length: this.count }, () => this.fork()));
    } catch (err) {
      // One worker could not listen: the others must not stay behind.
      this.stopping = true;
      const exits = [...this.workers].map((worker) => new Promise((resolve) => worker.once("exit", resolve)));
      for (const worker of this.workers) worker.process.kill();
      await Promise.all(exits);
      throw err;
    }
    // Workers asked for port 0 share the one port the primary opened for them.
    this.bound = listeners[0] ?? [];
    this.log.info({ workers: this.count, port: this.port }, "%d workers listening", this.count);
  }

  async shutdown(): Promise<void> {
    if (this.stopping) return this.stopped;
    this.stopping = true;
    const exits = [...this.workers].map(
      (worker) => new Promise<void>((resolve) => worker.once("exit", () => resolve())),
    );
    for (const worker of this.workers) send(worker, { cluster: "shutdown" });
    await Promise.all(exits);
    this.markStopped();
  }

  /** Start one worker; resolves with what it listens on. */
  private fork(): Promise<Listening[]> {
    const number = this.nextNumber++;
    const worker = cluster.fork({
      [CONFIG_ENV]: JSON.stringify(this.workerConfig),
      TCPCHAT_WORKER_NUMBER: String(number),
    });
    this.workers.add(worker);
    this.primary?.add(worker);
    return new Promise((resolve, reject) => {
      let listening = false;
      worker.on("message", (message: unknown) => {
        if (!isClusterMessage(message)) return;
        if (message.cluster === "listening") {
          listening = true;
          resolve(message.listeners);
        } else if (message.cluster === "cannot-listen") {
          reject(Object.assign(new Error(message.message), { code: message.code }));
        } else if (message.cluster === "metrics-request") {
          answerMetricsRequest(worker, message.id);
        } else if (message.cluster === "stop-all") {
          this.log.warn({ worker: number }, "a worker asked the whole server to stop");
          void this.shutdown();
        }
      });
      worker.once("exit", (code, signal) => {
        this.workers.delete(worker);
        this.primary?.remove(worker);
        if (!listening) {
          reject(new Error(`worker ${number} exited before listening (code ${code}, signal ${signal})`));
          return;
        }
        if (this.stopping) return;
        this.log.error({ worker: number, code, signal }, "worker %d died; starting another", number);
        setTimeout(() => {
          if (!this.stopping) this.fork().catch((err: Error) => this.log.error({ err }, "restart failed"));
        }, RESTART_DELAY_MS).unref();
      });
    });
  }
}

function send(worker: Worker, message: ClusterMessage): void {
  if (worker.isConnected()) worker.send(message);
}
