// What every concurrency model shares: the listening socket, the service and its hub, the live
// connections, and an orderly shutdown. A model decides only what happens to an accepted socket.
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import type { LogOptions } from "../log.js";
import type { Clock } from "../rooms/core/clock.js";
import { createService, type ServiceConfig } from "../services/index.js";
import { BUSY_REPLY, SHUTDOWN_REPLY } from "../services/line-rules.js";
import type { ConsoleIO } from "../services/operator.js";
import type { Hub, HubAttachment, Service } from "../services/service.js";
import { type Endpoint, formatEndpoint } from "../transport/line-connection.js";
import {
  type ConnectionFraming,
  type ConnectionLimits,
  type ConnectionOwner,
  LINE_SERVICE_FRAMING,
  type ServedConnection,
  TcpLineConnection,
} from "../transport/tcp-line-connection.js";
import { readTlsFiles, type TlsFiles, type TlsListenerConfig } from "../transport/tls.js";
import { maxMessageBytes, WebSocketLineConnection } from "../transport/websocket-line-connection.js";
import { addEndpoints } from "../web/endpoints.js";
import { WebListener, type WebListenerConfig, type WebSocketAcceptor } from "../web/listener.js";
import { servePage } from "../web/page.js";

export const BUSY_POLICIES = ["queue", "reply", "refuse"] as const;
export type BusyPolicy = (typeof BUSY_POLICIES)[number];

export interface ServerConfig {
  host: string;
  port: number;
  service: ServiceConfig;
  limits: ConnectionLimits;
  /** `single`: what happens to clients while one is served. */
  busy: BusyPolicy;
  /** `threaded`: sessions at once; beyond it, the busy reply. */
  maxThreads: number;
  /** `threaded`: prefix replies with the worker's thread id. */
  showThread: boolean;
  /** `cluster`: processes sharing the port (default: one per core). */
  workers?: number;
  /** Pending connections the kernel holds for us (and, under `single --busy queue`, clients waiting). */
  backlog: number;
  log: Logger;
  /** Workers build their own logger from this. */
  logOptions: LogOptions;
  console: ConsoleIO | null;
  /** A second listener for the same clients over TLS; none when absent. */
  tls?: TlsListenerConfig | null;
  /** The plain listener; only `--no-plain` (with TLS) turns it off. */
  plain?: boolean;
  /** The HTTP listener: WebSocket clients and the web endpoints; none when absent. */
  web?: WebListenerConfig | null;
  /** The rooms' time and timers, in the main thread; the system's unless a test drives them. */
  clock?: Clock;
}

/** A socket the server listens on, as the command line announces it. */
export interface Listening {
  kind: "plain" | "tls" | "web";
  host: string;
  port: number;
  /** The web listener speaks HTTPS. */
  secure?: boolean;
}

/** The TLS handshake must be over within this long, or the connection is dropped. */
const TLS_HANDSHAKE_MS = 10_000;

/**
 * The rooms frame by lines, a quiet gap ending only the open last line of a block written at once (see
 * ConnectionFraming), and every line they send ends in LF. The line services follow each client's framing; under a lab preset (a wording),
 * what the server says before the client speaks goes out bare, as the lab servers sent it.
 */
function framingFor(service: ServiceConfig): ConnectionFraming {
  if (service.name === "rooms")
    return { gapRule: "open-last-line", repliesFollowClient: false, bareFirst: false };
  return service.wording ? { ...LINE_SERVICE_FRAMING, bareFirst: true } : LINE_SERVICE_FRAMING;
}

export interface RunningServer {
  readonly host: string;
  /** The first listener's port (the plain one, unless it is off). */
  readonly port: number;
  /** Every listener, plain first. */
  readonly listeners: readonly Listening[];
  /**
   * Read the TLS certificate and key again: new connections get the new ones, connections already made
   * keep theirs. A bad file rejects (TlsFilesError) and leaves the running ones.
   */
  reloadCertificates(files: TlsFiles): Promise<void>;
  /** Resolves once the server has shut down, whoever asked (a signal, KILL_SERVICE). */
  readonly stopped: Promise<void>;
  /** Stop accepting, tell every client, close them, resolve when all are gone (or the grace ran out). */
  shutdown(): Promise<void>;
}

export abstract class LineServer implements RunningServer, ConnectionOwner, WebSocketAcceptor {
  protected server: Server;
  private tlsServer: TlsServer | null = null;
  /** The HTTP listener, when configured: routes may be added to it before `listen`. */
  readonly web: WebListener | null = null;
  private bound: Listening[] = [];
  /** Every listener is bound. */
  private ready = false;
  protected readonly service: Service;
  protected readonly hub: Hub | null;
  /** Every open connection, with its place in the hub (null without a hub). */
  protected readonly live = new Map<ServedConnection, HubAttachment | null>();
  protected readonly log: Logger;
  protected readonly framing: ConnectionFraming;
  private boundPort = 0;
  private stopping = false;
  private markStopped: () => void = () => {};
  readonly stopped = new Promise<void>((resolve) => {
    this.markStopped = resolve;
  });

  constructor(protected readonly config: ServerConfig) {
    this.log = config.log;
    this.framing = framingFor(config.service);
    this.service = createService(config.service, {
      log: config.log,
      console: config.console,
      clock: config.clock,
    });
    this.hub = this.service.createHub?.({ stopServer: () => void this.shutdown() }) ?? null;
    this.server = this.newListener();
    if (config.tls) this.tlsServer = this.newTlsListener(config.tls);
    if (config.web) {
      const limit = maxMessageBytes(config.limits.maxLineBytes);
      this.web = new WebListener(config.web, this, limit, this.log);
      addEndpoints(this.web, () =>
        this.stopping ? "shutting down" : this.ready ? null : "not listening yet",
      );
      servePage(this.web);
    }
  }

  get host(): string {
    return this.config.host;
  }

  get port(): number {
    return this.bound[0]?.port ?? this.boundPort;
  }

  get listeners(): readonly Listening[] {
    return this.bound;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** A model's answer to one accepted socket. */
  protected abstract accept(socket: Socket): void;

  /** Options for the listening socket; `single` holds queued clients without reading them. */
  protected pauseOnConnect(): boolean {
    return false;
  }

  async listen(): Promise<void> {
    await this.hub?.ready;
    const { host, tls } = this.config;
    if (this.config.plain !== false || !tls) {
      await this.listenOn(this.config.port);
      this.bound.push({ kind: "plain", host, port: this.boundPort });
    }
    if (this.tlsServer && tls) {
      const port = await listenSocket(this.tlsServer, host, tls.port, this.config.backlog);
      this.bound.push({ kind: "tls", host, port });
    }
    if (this.web) {
      const port = await this.web.listen(host, this.config.backlog).catch((err: Error) => {
        throw Object.assign(err, {
          endpoint: formatEndpoint({ address: host, port: this.config.web?.port ?? 0 }),
        });
      });
      this.bound.push({ kind: "web", host, port, secure: this.web.secure });
    }
    this.listening();
  }

  /** Every listener is bound: what depends on their ports may start. */
  protected listening(): void {
    this.ready = true;
    const sts = this.config.service.rooms.sts;
    const tls = this.bound.find((l) => l.kind === "tls");
    // A port of 0 is known only now; STS tells clients the real one.
    if (sts && tls) sts.port = tls.port;
  }

  private newTlsListener(tls: TlsListenerConfig): TlsServer {
    const server = createTlsServer(
      {
        ...readTlsFiles(tls),
        // Asked for, never required: a client certificate's fingerprint shows in WHOIS.
        requestCert: true,
        rejectUnauthorized: false,
        handshakeTimeout: TLS_HANDSHAKE_MS,
        allowHalfOpen: true,
        noDelay: true,
      },
      (socket) => {
        if (this.stopping) socket.destroy();
        else this.accept(socket);
      },
    );
    // A client that fails its handshake (plain text, an old protocol, too slow) concerns nobody else.
    server.on("tlsClientError", (err: NodeJS.ErrnoException, socket) => {
      this.log.debug({ code: err.code, peer: socket.remoteAddress }, "TLS handshake failed: %s", err.message);
      socket.destroy();
    });
    server.on("error", (err) => {
      if (server.listening) this.log.error({ err }, "TLS listener error");
    });
    return server;
  }

  async reloadCertificates(files: TlsFiles): Promise<void> {
    // readTlsFiles throws on a bad file before anything changes: the running certificate stays.
    const context = readTlsFiles(files);
    this.tlsServer?.setSecureContext(context);
    this.web?.reloadCertificates(files);
  }

  /** A WebSocket client: served in this thread, whatever the model, like any client of the hub. */
  websocket(ws: WebSocket, socket: Socket, binary: boolean, client: Endpoint): void {
    if (this.stopping) {
      ws.terminate();
      return;
    }
    const { limits } = this.config;
    const conn = new WebSocketLineConnection(ws, socket, binary, client, limits, this.log, this.webOwner);
    const hub = this.track(conn);
    conn.start(this.service.open(conn, hub));
  }

  /** WebSocket clients are no model's to count (`single` serves one TCP client at a time beside them). */
  private readonly webOwner: ConnectionOwner = {
    connectionClosing: () => {},
    connectionClosed: (conn) => this.forget(conn),
  };

  protected newListener(): Server {
    const server = createServer(
      { allowHalfOpen: true, noDelay: true, pauseOnConnect: this.pauseOnConnect() },
      (socket) => {
        if (this.stopping) socket.destroy();
        else this.accept(socket);
      },
    );
    // A failure to listen is the caller's to report (listenOn rejects); later errors are logged here.
    server.on("error", (err) => {
      if (server.listening) this.log.error({ err }, "listener error");
    });
    return server;
  }

  protected async listenOn(port: number): Promise<void> {
    this.boundPort = await listenSocket(this.server, this.config.host, port, this.config.backlog);
  }

  /** Wrap a socket, attach it to the hub, track it until it closes. */
  protected connect(socket: Socket): { conn: TcpLineConnection; hub: HubAttachment | null } {
    const conn = new TcpLineConnection(socket, this.config.limits, this.log, this, this.framing);
    return { conn, hub: this.track(conn) };
  }

  /** Attach a connection to the hub and track it until it closes. */
  protected track(conn: ServedConnection): HubAttachment | null {
    const hub = this.hub?.attach(conn) ?? null;
    this.live.set(conn, hub);
    if (this.log.isLevelEnabled("debug"))
      this.log.debug({ conn: conn.id, peer: formatEndpoint(conn.peer) }, "connected");
    return hub;
  }

  /** What a client turned away while another is served gets: the preset's words, or the clean ones. */
  protected get busyReply(): string {
    return this.config.service.wording?.busy ?? BUSY_REPLY;
  }

  /** Close a socket that is not served, with one line framed as a client that has not spoken reads it. */
  protected turnAway(socket: Socket, line: string): void {
    socket.on("error", () => {});
    // What it sent unread (a queued client's early lines) is read and dropped: a socket closed with input
    // left unread is reset, and a reset can cut the line it is told.
    socket.resume();
    socket.end(this.framing.repliesFollowClient && this.framing.bareFirst ? line : `${line}\n`);
  }

  /** Run the session in this thread (the `single` and `evented` models). */
  protected serveHere(socket: Socket): TcpLineConnection {
    const { conn, hub } = this.connect(socket);
    conn.start(this.service.open(conn, hub));
    return conn;
  }

  /**
   * A connection started closing, from either side: its session is over. A model that counts sessions
   * (single, threaded) takes the next client here, while the last bytes are flushed.
   */
  connectionClosing(_conn: ServedConnection): void {}

  connectionClosed(conn: ServedConnection): void {
    this.forget(conn);
  }

  private forget(conn: ServedConnection): void {
    const hub = this.live.get(conn);
    this.live.delete(conn);
    hub?.detach();
    this.log.debug({ conn: conn.id }, "disconnected");
  }

  async shutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.server.close();
    this.tlsServer?.close();
    this.web?.close();
    // The hub says goodbye in its own protocol first; close() below is then a no-op for those.
    const closing = this.hub?.close();
    const gone = [...this.live.keys()].map(
      (conn) => new Promise<void>((resolve) => conn.socket.once("close", () => resolve())),
    );
    for (const conn of this.live.keys()) conn.close(SHUTDOWN_REPLY);
    await Promise.all([...gone, closing]);
    this.markStopped();
  }
}

/** Listen; resolves with the port bound. A failure says which address it was for (`endpoint`). */
export function listenSocket(server: Server, host: string, port: number, backlog: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error) =>
      reject(Object.assign(err, { endpoint: formatEndpoint({ address: host, port }) }));
    server.once("error", fail);
    server.listen({ host, port, backlog }, () => {
      server.off("error", fail);
      const address = server.address();
      resolve(address && typeof address === "object" ? address.port : port);
    });
  });
}
