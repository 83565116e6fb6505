// A LineConnection over a TCP socket: framing on the way in, batched writes and a bounded send queue on the
// way out.
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { type LineError, LineFramer, type LineSink } from "../protocol/line-framer.js";
import type { Session } from "../services/service.js";
import type { Endpoint, LineConnection } from "./line-connection.js";

export interface ConnectionLimits {
  /** Longest line accepted, in bytes, terminator excluded. */
  maxLineBytes: number;
  /** Above this many unsent bytes, stop reading the client until its queue drains (request/response). */
  sendHighWaterBytes: number;
  /** Above this many unsent bytes, the client is not reading: close it. */
  maxSendQueueBytes: number;
  /** Close clients silent for this long; 0 turns it off. */
  idleTimeoutMs: number;
  /** How long a closing connection may take to flush before it is destroyed. */
  closeGraceMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxLineBytes: 4096,
  sendHighWaterBytes: 64 * 1024,
  maxSendQueueBytes: 1024 * 1024,
  idleTimeoutMs: 0,
  closeGraceMs: 5000,
};

let lastId = 0;
export function nextConnectionId(): number {
  lastId += 1;
  return lastId;
}

export class TcpLineConnection implements LineConnection, LineSink {
  readonly id = nextConnectionId();
  readonly peer: Endpoint;
  readonly local: Endpoint;
  private session: Session | null = null;
  private readonly framer: LineFramer;
  private closing = false;
  private corked = false;
  private readingPaused = false;
  private graceTimer: NodeJS.Timeout | null = null;
  /** Called once, when the connection starts closing from either side: the session is over. */
  onClosing: (() => void) | null = null;
  onOverflow: (() => string | undefined) | null = null;
  /** Called once the socket is closed and the session told: the server forgets the connection. */
  onClosed: (() => void) | null = null;

  constructor(
    readonly socket: Socket,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
  ) {
    this.peer = { address: socket.remoteAddress ?? "?", port: socket.remotePort ?? 0 };
    this.local = { address: socket.localAddress ?? "?", port: socket.localPort ?? 0 };
    this.framer = new LineFramer(limits.maxLineBytes, this);
    socket.setNoDelay(true);
    socket.on("error", (err: NodeJS.ErrnoException) => {
      // Resets and broken pipes are how clients leave; they concern nobody else.
      this.log.debug({ conn: this.id, code: err.code }, "socket error: %s", err.message);
    });
    // `on`, not `once`: each event comes once anyway, and `once` costs a wrapper per socket.
    socket.on("close", () => {
      this.markClosing();
      if (this.graceTimer) clearTimeout(this.graceTimer);
      this.framer.stop();
      this.session?.closed();
      this.onClosed?.();
    });
  }

  /** Start delivering the client's lines to `session`. */
  start(session: Session): void {
    this.session = session;
    const socket = this.socket;
    if (socket.destroyed) {
      session.closed();
      return;
    }
    socket.on("data", (chunk: Buffer) => this.framer.push(chunk));
    socket.on("end", () => {
      this.framer.end();
      if (!this.closing) session.end();
    });
    socket.resume(); // the listener may have accepted it paused
    if (this.limits.idleTimeoutMs > 0) {
      socket.setTimeout(this.limits.idleTimeoutMs, () => this.close("ERROR idle timeout"));
    }
  }

  get isClosing(): boolean {
    return this.closing;
  }

  line(text: string): void {
    if (!this.closing) this.session?.line(text);
  }

  lineError(error: LineError): void {
    if (!this.closing) this.session?.lineError(error);
  }

  send(line: string): void {
    if (this.closing) return;
    this.write(`${line}\n`);
  }

  sendBytes(bytes: Buffer): void {
    if (this.closing) return;
    this.write(bytes);
  }

  close(lastLine?: string): void {
    if (this.closing) return;
    this.markClosing();
    this.framer.stop();
    if (lastLine !== undefined) this.write(`${lastLine}\n`);
    const socket = this.socket;
    socket.end();
    // A peer that never reads would keep the socket forever.
    this.graceTimer = setTimeout(() => socket.destroy(), this.limits.closeGraceMs);
    this.graceTimer.unref();
  }

  /** Drop the connection at once, without flushing. */
  destroy(): void {
    this.markClosing();
    this.socket.destroy();
  }

  private write(data: string | Buffer): void {
    const socket = this.socket;
    if (!socket.writable) return;
    // Coalesce every line written in this turn of the event loop into one syscall per socket.
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      corkedConnections.push(this);
      if (corkedConnections.length === 1) setImmediate(flushCorked);
    }
    socket.write(data);
  }

  /** @internal The turn is over: write what it queued, then see what the kernel would not take. */
  uncork(): void {
    this.corked = false;
    const socket = this.socket;
    socket.uncork();
    if (this.closing || socket.destroyed) return;
    // Measured after the write was tried, so a burst within one turn is not mistaken for a client
    // that does not read.
    const queued = socket.writableLength;
    if (queued > this.limits.maxSendQueueBytes) {
      this.overflow(queued);
    } else if (queued > this.limits.sendHighWaterBytes && !this.readingPaused) {
      // The client sends faster than it reads our replies: stop reading until they drain.
      this.readingPaused = true;
      socket.pause();
      socket.once("drain", () => {
        this.readingPaused = false;
        if (!socket.destroyed) socket.resume();
      });
    }
  }

  /**
   * The client does not read: stop reading it, queue the service's last line, and give the socket the
   * usual grace to flush before it is destroyed. Nothing more is queued, so the memory it holds is bounded.
   */
  private overflow(queued: number): void {
    this.log.warn({ conn: this.id, queued }, "send queue exceeded, closing");
    const hook = this.onOverflow;
    this.onOverflow = null;
    this.markClosing();
    this.framer.stop();
    const socket = this.socket;
    const last = hook?.();
    if (last !== undefined) socket.write(`${last}\n`);
    socket.end();
    this.graceTimer = setTimeout(() => socket.destroy(), this.limits.closeGraceMs);
    this.graceTimer.unref();
  }

  private markClosing(): void {
    if (this.closing) return;
    this.closing = true;
    const listener = this.onClosing;
    this.onClosing = null;
    listener?.();
  }
}

/**
 * Sockets written to in this turn of the event loop. They are flushed together once every input of the
 * turn has been handled (setImmediate runs after the poll phase): a fan-out driven by many senders' lines
 * then costs one write per recipient per turn, not one per line.
 */
let corkedConnections: TcpLineConnection[] = [];

function flushCorked(): void {
  const connections = corkedConnections;
  corkedConnections = [];
  for (const conn of connections) conn.uncork();
}
