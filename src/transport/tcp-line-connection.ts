// A LineConnection over a TCP socket: framing on the way in, batched writes and a bounded send queue on the
// way out.
//
// Two kinds of client share the framing. Line clients end each message with LF. The labs' own clients send
// each message with one send() and no LF, and wait for the answer: for them a quiet gap after bytes with no
// LF ends the message (the framer holds the bytes, this connection owns the timer), and replies go out bare,
// as the lab servers sent them. A client that has ended a line with LF is a line client from then on.
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { counters } from "../metrics/counters.js";
import { type LineError, LineFramer, type LineSink } from "../protocol/line-framer.js";
import type { Session } from "../services/service.js";
import type { Endpoint, LineConnection, OverflowListener } from "./line-connection.js";
import { clientCertFingerprint, type Transport, transportOf } from "./tls.js";

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
  /** A quiet gap this long after bytes with no LF ends a message (`--message-gap`); 0: only LF does. */
  messageGapMs: number;
}

/** A connection that stops reading its client while the client is behind on reading the replies. */
export interface ReadThrottled {
  readingPaused: boolean;
  pauseReading(): void;
  resumeReading(): void;
}

/**
 * After a write, what the kernel would not take: true when it is over `maxSendQueueBytes` (the client does
 * not read: close it). Over the high-water mark, reading stops until the queue drains (a client that sends
 * faster than it reads). Measured after the write was tried, so a burst within one turn is not mistaken
 * for a client that does not read.
 */
export function sendQueueOverflowed(socket: Socket, limits: ConnectionLimits, conn: ReadThrottled): boolean {
  const queued = socket.writableLength;
  if (queued > limits.maxSendQueueBytes) return true;
  if (queued > limits.sendHighWaterBytes && !conn.readingPaused) {
    conn.readingPaused = true;
    conn.pauseReading();
    socket.once("drain", () => {
      conn.readingPaused = false;
      if (!socket.destroyed) conn.resumeReading();
    });
  }
  return false;
}

/** How one server's connections frame messages; one object shared by all of them. */
export interface ConnectionFraming {
  /**
   * Which held bytes a quiet gap ends:
   * - `bare-client`: any, until the client's first LF (the line services: a client that sends bare
   *   messages, or not yet shown to be a line client);
   * - `open-last-line`: only bytes left over after the lines of one read, until the client's first CR LF
   *   (the rooms: a seed-protocol client writes each request block at once and may leave its last line
   *   without LF; IRC clients end every line in CR LF, and a line arriving byte by byte is never cut).
   */
  gapRule: "bare-client" | "open-last-line";
  /** Replies follow the client: bare to a client that sends bare messages. Otherwise every line ends in LF. */
  repliesFollowClient: boolean;
  /** Before the client has sent anything, lines go out bare (the lab presets) rather than with LF. */
  bareFirst: boolean;
}

/** `serve`'s line services: the gap rule until the first LF, replies in the client's framing, LF first. */
export const LINE_SERVICE_FRAMING: ConnectionFraming = {
  gapRule: "bare-client",
  repliesFollowClient: true,
  bareFirst: false,
};

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxLineBytes: 4096,
  sendHighWaterBytes: 64 * 1024,
  maxSendQueueBytes: 1024 * 1024,
  idleTimeoutMs: 0,
  closeGraceMs: 5000,
  // Long enough that a line cut into packets (a delayed ACK holds the rest 40 ms) is not split.
  messageGapMs: 50,
};

let lastId = 0;
export function nextConnectionId(): number {
  lastId += 1;
  return lastId;
}

/** A connection a server owns: over a socket of its own (TCP, TLS, or a WebSocket's). */
export interface ServedConnection extends LineConnection {
  readonly socket: Socket;
  /** Start delivering the client's lines to `session`. */
  start(session: Session): void;
  /** Drop the connection at once, without flushing. */
  destroy(): void;
}

/** What the server that made a connection is told of its life: one object for all its connections. */
export interface ConnectionOwner {
  /** The connection started closing, from either side: its session is over. */
  connectionClosing(conn: ServedConnection): void;
  /** The socket closed and the session was told: forget the connection. */
  connectionClosed(conn: ServedConnection): void;
}

/** The connection a socket belongs to, for the socket's listeners (shared functions, not closures each). */
const CONNECTION = Symbol("tcpchat.connection");
type OwnedSocket = Socket & { [CONNECTION]: TcpLineConnection };

export class TcpLineConnection implements ServedConnection, LineSink {
  readonly id = nextConnectionId();
  overflowListener: OverflowListener | null = null;
  private readonly framer: LineFramer;
  private session: Session | null = null;
  private readonly peerAddress: string;
  private readonly peerPort: number;
  private closing = false;
  /** Written this turn, not yet handed to the socket: one chunk (the usual case under fan-out) or more. */
  private pending: string | Buffer | Array<string | Buffer> | null = null;
  /** @internal */
  readingPaused = false;
  private graceTimer: NodeJS.Timeout | null = null;
  /** Runs when the client has been quiet for the message gap with bytes held; refreshed while it sends. */
  private gapTimer: NodeJS.Timeout | null = null;
  private gapArmed = false;
  /** Lines go out without LF: the client sends bare messages (or has sent nothing yet, under a lab preset). */
  private bare: boolean;

  constructor(
    readonly socket: Socket,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
    private readonly owner: ConnectionOwner,
    private readonly framing: ConnectionFraming = LINE_SERVICE_FRAMING,
  ) {
    this.bare = framing.repliesFollowClient && framing.bareFirst;
    // Thousands of idle clients each hold one of these: the socket's own record of its peer is read once
    // (the address string is shared with it), and the local end only when asked.
    this.peerAddress = socket.remoteAddress ?? "?";
    this.peerPort = socket.remotePort ?? 0;
    this.framer = new LineFramer(limits.maxLineBytes, this);
    (socket as OwnedSocket)[CONNECTION] = this;
    socket.setNoDelay(true);
    socket.on("error", onSocketError);
    socket.on("close", onSocketClose);
  }

  get peer(): Endpoint {
    return { address: this.peerAddress, port: this.peerPort };
  }

  get local(): Endpoint {
    return { address: this.socket.localAddress ?? "?", port: this.socket.localPort ?? 0 };
  }

  get transport(): Transport {
    return transportOf(this.socket);
  }

  certFingerprint(): string | null {
    return clientCertFingerprint(this.socket);
  }

  /** Start delivering the client's lines to `session`. */
  start(session: Session): void {
    this.session = session;
    const socket = this.socket;
    if (socket.destroyed) {
      session.closed();
      return;
    }
    socket.on("data", onSocketData);
    socket.on("end", onSocketEnd);
    socket.resume(); // the listener may have accepted it paused
    if (this.limits.idleTimeoutMs > 0) {
      socket.setTimeout(this.limits.idleTimeoutMs);
      socket.on("timeout", onSocketTimeout);
    }
  }

  /** @internal Bytes from the client. */
  received(chunk: Buffer): void {
    this.framer.deferOverlong = this.mayBeBare();
    this.framer.push(chunk);
    if (this.gapRuleApplies(chunk)) this.armGap();
    else if (this.gapArmed) this.disarmGap();
    // The replies to this chunk's lines go out now, not at the end of the turn: a burst of clients (5,000
    // registering at once) would otherwise hold every reply in memory until the last of them was read.
    // What the lines sent to others waits for the end of the turn as before, one write per recipient.
    this.flush();
  }

  /** This client may still be one that sends bare messages. */
  private mayBeBare(): boolean {
    return this.limits.messageGapMs > 0 && this.framing.gapRule === "bare-client" && !this.framer.sawLineEnd;
  }

  /** Bytes with no LF are held that a quiet gap would end (see ConnectionFraming.gapRule). */
  private gapRuleApplies(chunk: Buffer): boolean {
    if (this.closing || !this.framer.holding || this.limits.messageGapMs <= 0) return false;
    if (this.framing.gapRule === "bare-client") return !this.framer.sawLineEnd;
    // The held bytes came with lines in this read: the rest of a block written at once.
    return !this.framer.sawCrLf && chunk.length > 1 && chunk.lastIndexOf(LF) !== -1;
  }

  private armGap(): void {
    this.gapArmed = true;
    if (this.gapTimer === null) {
      this.gapTimer = setTimeout(onGap, this.limits.messageGapMs, this);
    } else {
      this.gapTimer.refresh();
    }
  }

  private disarmGap(): void {
    this.gapArmed = false;
    if (this.gapTimer === null) return;
    clearTimeout(this.gapTimer);
    this.gapTimer = null;
  }

  /** @internal The client has been quiet for the message gap: what it sent since its last LF is a message. */
  gapElapsed(): void {
    if (!this.gapArmed) return;
    this.gapArmed = false;
    this.framer.flush();
    this.flush();
  }

  /** @internal The socket closed: the session is told once, then the owner. */
  socketClosed(): void {
    this.markClosing();
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.framer.stop();
    this.session?.closed();
    this.owner.connectionClosed(this);
  }

  /** @internal The client's input ended: a last line without LF still counts. */
  inputEnded(): void {
    this.disarmGap();
    this.framer.end();
    if (!this.closing) this.session?.end();
  }

  /** @internal */
  socketError(err: NodeJS.ErrnoException): void {
    // Resets and broken pipes are how clients leave; they concern nobody else.
    this.log.debug({ conn: this.id, code: err.code }, "socket error: %s", err.message);
  }

  get isClosing(): boolean {
    return this.closing;
  }

  line(text: string, terminated: boolean): void {
    counters.linesIn += 1;
    this.follow(terminated);
    if (!this.closing) this.session?.line(text);
  }

  lineError(error: LineError, terminated?: boolean): void {
    if (terminated !== undefined) this.follow(terminated);
    if (!this.closing) this.session?.lineError(error);
  }

  /** Replies go out in the framing of the request: LF for a line client, bare for a bare one. */
  private follow(terminated: boolean): void {
    if (this.framing.repliesFollowClient) this.bare = !terminated && !this.framer.sawLineEnd;
  }

  send(line: string): void {
    if (this.closing) return;
    counters.deliveriesOut += 1;
    this.write(this.framed(line));
  }

  /** One line as this client reads them: with LF, or bare. */
  framed(line: string): string {
    return this.bare ? line : `${line}\n`;
  }

  sendBytes(bytes: Buffer): void {
    if (this.closing) return;
    counters.deliveriesOut += 1;
    this.write(bytes);
  }

  close(lastLine?: string): void {
    if (this.closing) return;
    this.markClosing();
    this.framer.stop();
    if (lastLine !== undefined) this.write(this.framed(lastLine));
    this.flush();
    const socket = this.socket;
    socket.end();
    // A peer that never reads would keep the socket forever.
    this.graceTimer = setTimeout(() => socket.destroy(), this.limits.closeGraceMs);
    this.graceTimer.unref();
  }

  /** Drop the connection at once, without flushing. */
  destroy(): void {
    this.markClosing();
    this.pending = null;
    this.socket.destroy();
  }

  private write(data: string | Buffer): void {
    const socket = this.socket;
    if (!socket.writable) return;
    // Coalesce the lines written to this socket into one syscall: at the end of the turn of the event
    // loop, or sooner when they answer the client's own input (see `received`). Held here rather than in
    // a corked socket: one line in a turn then goes out in one plain write, with no stream bookkeeping.
    const pending = this.pending;
    if (pending === null) {
      this.pending = data;
      pendingConnections.push(this);
      if (pendingConnections.length === 1) setImmediate(flushPending);
    } else if (Array.isArray(pending)) {
      pending.push(data);
    } else {
      this.pending = [pending, data];
    }
  }

  /** @internal Write what was queued, then see what the kernel would not take. */
  flush(): void {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    const socket = this.socket;
    // The client may have gone between the write and the end of the turn: what it would have got is dropped.
    if (!socket.writable) return;
    if (!Array.isArray(pending)) {
      socket.write(pending);
    } else {
      // Several chunks: one writev, each Buffer (shared by every recipient) written without a copy.
      socket.cork();
      for (const chunk of pending) socket.write(chunk);
      socket.uncork();
    }
    if (this.closing || socket.destroyed) return;
    if (sendQueueOverflowed(socket, this.limits, this)) this.overflow(socket.writableLength);
  }

  /** @internal */
  pauseReading(): void {
    this.socket.pause();
  }

  /** @internal */
  resumeReading(): void {
    this.socket.resume();
  }

  /**
   * The client does not read: stop reading it, queue the service's last line, and give the socket the
   * usual grace to flush before it is destroyed. Nothing more is queued, so the memory it holds is bounded.
   */
  private overflow(queued: number): void {
    this.log.warn({ conn: this.id, queued }, "send queue exceeded, closing");
    counters.sendQueueDisconnects += 1;
    const listener = this.overflowListener;
    this.overflowListener = null;
    this.markClosing();
    this.framer.stop();
    const socket = this.socket;
    const last = listener?.sendQueueOverflowed();
    if (last !== undefined) socket.write(this.framed(last));
    socket.end();
    this.graceTimer = setTimeout(() => socket.destroy(), this.limits.closeGraceMs);
    this.graceTimer.unref();
  }

  private markClosing(): void {
    if (this.closing) return;
    this.closing = true;
    this.disarmGap();
    this.owner.connectionClosing(this);
  }
}

// The socket's listeners, the same functions for every socket; `this` is the socket.
function onSocketData(this: OwnedSocket, chunk: Buffer): void {
  this[CONNECTION].received(chunk);
}
function onSocketEnd(this: OwnedSocket): void {
  this[CONNECTION].inputEnded();
}
function onSocketClose(this: OwnedSocket): void {
  this[CONNECTION].socketClosed();
}
function onSocketError(this: OwnedSocket, err: NodeJS.ErrnoException): void {
  this[CONNECTION].socketError(err);
}
const LF = 0x0a;

function onGap(conn: TcpLineConnection): void {
  conn.gapElapsed();
}
function onSocketTimeout(this: OwnedSocket): void {
  this[CONNECTION].close("ERROR idle timeout");
}

/**
 * Sockets written to in this turn of the event loop (one may be listed twice if it was flushed early and
 * written again; its second flush does nothing). They are flushed together once every input of the
 * turn has been handled (setImmediate runs after the poll phase): a fan-out driven by many senders' lines
 * then costs one write per recipient per turn, not one per line.
 */
let pendingConnections: TcpLineConnection[] = [];

function flushPending(): void {
  const connections = pendingConnections;
  pendingConnections = [];
  for (const conn of connections) conn.flush();
}
