// A service decides what a session does with the lines it receives. It knows nothing of sockets or of the
// concurrency model: the model hands it a LineConnection and feeds it lines.
import type { Worker } from "node:cluster";
import type { LineError } from "../protocol/line-framer.js";
import type { LineConnection } from "../transport/line-connection.js";

/** One client's conversation with a service. Every callback runs in the session's own thread. */
export interface Session {
  /** A complete line from the client, without its terminator. */
  line(text: string): void;
  /** A line that could not be delivered (too long, not UTF-8). The connection stays up. */
  lineError(error: LineError): void;
  /** The client's input ended (half-close); every line it sent has been delivered. */
  end(): void;
  /** The connection is gone, for whatever reason. Release timers and shared state. */
  closed(): void;
}

/**
 * State shared by every session of one server, owned by the main thread (the operator's console, the
 * rooms). Sessions reach it through a HubLink; the hub answers through the connections it is given, which
 * are always the main thread's real ones.
 */
export interface Hub {
  /** A new client: what its session posts goes in through the attachment, until it is detached. */
  attach(conn: LineConnection): HubAttachment;
  /** The server is shutting down; a promise settles when what the hub keeps is put away. */
  close(): void | Promise<void>;
  /** Settles when the hub can take clients (the rooms' bus is joined); the server listens after it. */
  readonly ready?: Promise<void>;
}

/** A session's way to its hub: a direct call in one thread, a MessagePort hop from a worker. */
export interface HubLink {
  post(message: unknown): void;
}

/** One client's place in the hub, held by the server beside the connection (not a closure per client). */
export interface HubAttachment extends HubLink {
  /** The connection is gone. */
  detach(): void;
}

/** What a hub may ask of the server that runs it. */
export interface HubEnv {
  /** Shut the whole server down (the rooms protocol's KILL_SERVICE). */
  stopServer(): void;
}

export interface Service {
  readonly name: string;
  /** Called once per server, in the main thread, for services with shared state. */
  createHub?(env: HubEnv): Hub;
  /** Called once per connection, in the thread that runs the session. */
  open(conn: LineConnection, hub: HubLink | null): Session;
}

/** What a service says of its connections, unless the user says otherwise. */
export interface ServiceDefaults {
  port?: number;
  /** The longest line its protocol takes, terminator excluded. */
  maxLineBytes?: number;
}

/** The primary process's part in a service run by several processes: it hears of each worker. */
export interface ClusterPrimary {
  add(worker: Worker): void;
  remove(worker: Worker): void;
}
