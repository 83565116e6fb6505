// A LineConnection over a WebSocket, as the IRCv3 WebSocket specification has it
// (https://ircv3.net/specs/extensions/websocket): one IRC line per message, without CR LF; text frames
// under `text.ircv3.net`, binary frames under `binary.ircv3.net`. The same limits as over TCP: line length
// (a longer message is reported as a too-long line and the client stays; one past twice that closes it),
// one batch of writes per turn of the event loop, the send queue's read back-pressure and its bound.
import { isUtf8 } from "node:buffer";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import { counters } from "../metrics/counters.js";
import { LineError } from "../protocol/line-framer.js";
import type { Session } from "../services/service.js";
import type { Endpoint, OverflowListener } from "./line-connection.js";
import {
  type ConnectionLimits,
  type ConnectionOwner,
  nextConnectionId,
  type ServedConnection,
  sendQueueOverflowed,
} from "./tcp-line-connection.js";
import { clientCertFingerprint, type Transport, transportOf } from "./tls.js";

export const TEXT_SUBPROTOCOL = "text.ircv3.net";
export const BINARY_SUBPROTOCOL = "binary.ircv3.net";

/** Close codes (RFC 6455 section 7.4.1). */
const CLOSE_NORMAL = 1000;
const CLOSE_POLICY = 1008;

const LF = 0x0a;
const CR = 0x0d;

/** The message limit a WebSocket server enforces for lines of `maxLineBytes`: past it, the client is closed. */
export function maxMessageBytes(maxLineBytes: number): number {
  return 2 * maxLineBytes + 2;
}

export class WebSocketLineConnection implements ServedConnection {
  readonly id = nextConnectionId();
  readonly websocket = true;
  overflowListener: OverflowListener | null = null;
  private session: Session | null = null;
  private closing = false;
  /** Lines written this turn, each one message. */
  private pending: Buffer[] | null = null;
  /** @internal */
  readingPaused = false;
  /** The WebSocket has closed and everyone was told. */
  private done = false;
  private graceTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly socket: Socket,
    /** `binary.ircv3.net`: binary frames both ways, and the client's bytes checked for UTF-8 here. */
    private readonly binary: boolean,
    /** The client: the socket's peer, or whom a trusted reverse proxy forwarded. */
    readonly peer: Endpoint,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
    private readonly owner: ConnectionOwner,
  ) {
    ws.on("error", (err: NodeJS.ErrnoException) => {
      // Invalid UTF-8 in a text frame, an oversize message, a bad frame: ws closes with the right code.
      this.log.debug({ conn: this.id, code: err.code }, "websocket error: %s", err.message);
    });
    ws.on("close", () => this.closed());
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

  get isClosing(): boolean {
    return this.closing;
  }

  start(session: Session): void {
    if (this.done) {
      session.closed();
      return;
    }
    this.session = session;
    this.ws.on("message", (data: Buffer, isBinary: boolean) => this.received(data, isBinary));
    if (this.limits.idleTimeoutMs > 0) {
      this.socket.setTimeout(this.limits.idleTimeoutMs);
      this.socket.on("timeout", () => this.close("ERROR idle timeout"));
    }
  }

  /** One message: one line. A trailing CR LF is forgiven; lines within it are taken one by one, as over TCP. */
  private received(data: Buffer, isBinary: boolean): void {
    if (this.closing) return;
    let end = data.length;
    if (end > 0 && data[end - 1] === LF) end -= 1;
    if (end > 0 && data[end - 1] === CR) end -= 1;
    let start = 0;
    while (start <= end && !this.closing) {
      let lf = data.indexOf(LF, start);
      if (lf === -1 || lf > end) lf = end;
      const stop = lf > start && data[lf - 1] === CR ? lf - 1 : lf;
      this.line(data.subarray(start, stop), isBinary);
      start = lf + 1;
    }
    this.flush();
  }

  private line(bytes: Buffer, isBinary: boolean): void {
    const session = this.session;
    if (!session) return;
    counters.linesIn += 1;
    if (bytes.length > this.limits.maxLineBytes) session.lineError(LineError.TooLong);
    // ws checks text frames; binary ones are checked here, as the TCP framer checks every line.
    else if (isBinary && !isUtf8(bytes)) session.lineError(LineError.InvalidUtf8);
    else session.line(bytes.toString("utf8"));
  }

  send(line: string): void {
    if (this.closing) return;
    counters.deliveriesOut += 1;
    this.write(messageOf(line));
  }

  /** Bytes holding whole lines with their terminators: each line becomes one message, without it. */
  sendBytes(bytes: Buffer): void {
    if (this.closing) return;
    counters.deliveriesOut += 1;
    let start = 0;
    while (start < bytes.length) {
      let lf = bytes.indexOf(LF, start);
      if (lf === -1) lf = bytes.length;
      const stop = lf > start && bytes[lf - 1] === CR ? lf - 1 : lf;
      if (stop > start) this.write(bytes.subarray(start, stop));
      start = lf + 1;
    }
  }

  close(lastLine?: string): void {
    if (this.closing) return;
    if (lastLine !== undefined) this.write(messageOf(lastLine));
    this.markClosing();
    this.flush(true);
    this.ws.close(CLOSE_NORMAL);
    this.startGrace();
  }

  destroy(): void {
    this.markClosing();
    this.pending = null;
    this.ws.terminate();
  }

  private write(message: Buffer): void {
    const pending = this.pending;
    if (pending !== null) {
      pending.push(message);
      return;
    }
    this.pending = [message];
    pendingConnections.push(this);
    if (pendingConnections.length === 1) setImmediate(flushPending);
  }

  /** @internal Send what was queued this turn, then see what the kernel would not take. */
  flush(closing = false): void {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    const ws = this.ws;
    if (ws.readyState !== ws.OPEN || (this.closing && !closing)) return;
    const socket = this.socket;
    socket.cork();
    for (const message of pending) ws.send(message, { binary: this.binary, compress: false, fin: true });
    socket.uncork();
    if (this.closing || socket.destroyed) return;
    if (sendQueueOverflowed(socket, this.limits, this)) this.overflow(socket.writableLength);
  }

  /** @internal */
  pauseReading(): void {
    this.ws.pause();
  }

  /** @internal */
  resumeReading(): void {
    this.ws.resume();
  }

  /** The client does not read: its last line, a close, and the usual grace before the socket is dropped. */
  private overflow(queued: number): void {
    this.log.warn({ conn: this.id, queued }, "send queue exceeded, closing");
    counters.sendQueueDisconnects += 1;
    const listener = this.overflowListener;
    this.overflowListener = null;
    this.markClosing();
    const last = listener?.sendQueueOverflowed();
    if (last !== undefined) this.ws.send(messageOf(last), { binary: this.binary, compress: false });
    this.ws.close(CLOSE_POLICY, "SendQ exceeded");
    this.startGrace();
  }

  private startGrace(): void {
    if (this.graceTimer) return;
    const ws = this.ws;
    this.graceTimer = setTimeout(() => ws.terminate(), this.limits.closeGraceMs);
    this.graceTimer.unref();
  }

  private markClosing(): void {
    if (this.closing) return;
    this.closing = true;
    this.owner.connectionClosing(this);
  }

  /** The WebSocket closed: the session is told once, then the owner. */
  private closed(): void {
    if (this.done) return;
    this.done = true;
    this.markClosing();
    if (this.graceTimer) clearTimeout(this.graceTimer);
    const session = this.session;
    this.session = null;
    session?.closed();
    this.owner.connectionClosed(this);
  }
}

/** A line as one message: without the CR that a line written for TCP may end in (`lastLine` gives CR). */
function messageOf(line: string): Buffer {
  return Buffer.from(line.endsWith("\r") ? line.slice(0, -1) : line);
}

let pendingConnections: WebSocketLineConnection[] = [];

function flushPending(): void {
  const connections = pendingConnections;
  pendingConnections = [];
  for (const conn of connections) conn.flush();
}
