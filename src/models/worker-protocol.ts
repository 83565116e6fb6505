// Messages between the main thread, which owns a client's socket, and the worker thread that runs its
// session (the `threaded` model). Node cannot hand a socket to a worker, so lines travel instead.
import type { LogOptions } from "../log.js";
import type { LineError } from "../protocol/line-framer.js";
import type { ServiceConfig } from "../services/index.js";
import type { Endpoint } from "../transport/line-connection.js";

export interface SessionWorkerData {
  service: ServiceConfig;
  logOptions: LogOptions;
  showThread: boolean;
  /** Whether the service has a hub in the main thread to post to. */
  hasHub: boolean;
  conn: { id: number; peer: Endpoint; local: Endpoint };
}

/** Main thread → worker. */
export type ToWorker =
  | { t: "line"; text: string }
  | { t: "line-error"; error: LineError }
  | { t: "end" }
  | { t: "closed" };

/** Worker → main thread. */
export type FromWorker =
  | { t: "send"; line: string }
  | { t: "close"; lastLine?: string }
  | { t: "hub"; message: unknown };
