// One load-generator connection and its hand-written line scanner. The hot path runs once per delivered
// message, a million times a second across the generator, so it allocates nothing: the socket reads into
// one buffer shared by every connection of the process (`onread`: no stream machinery, no Buffer per
// read), the scanner finds each LF, reads the send time backwards from the end of the line as digits, and
// answers PING. Lines are decoded to text only while a client sets up (registration, joins).
//
// Over TLS (`tls`) the socket's reads come as Buffers of their own; over a WebSocket (`ws`, the IRCv3
// `text.ircv3.net` subprotocol) each message is one line without its LF, and each line written is one
// message. The scanning is the same.
import type { EventEmitter } from "node:events";
import { connect, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { WebSocket } from "ws";

/** How a load connection reaches the server. */
export type LoadTransport = "tcp" | "tls" | "ws";

const LF = 10;
const CR = 13;
const SPACE = 32;
const ZERO = 48;
const NINE = 57;
const P = 80;
const I = 73;
const N = 78;
const G = 71;
/** Digits of a send time: microseconds of the monotonic clock, zero-padded. */
const STAMP_DIGITS = 16;

/**
 * Every socket of this process reads into this buffer; each read is scanned before the next one, and the
 * unfinished tail of a line is copied out.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

function monotonicMicros(): number {
  const [seconds, nanos] = process.hrtime();
  return seconds * 1e6 + nanos / 1e3;
}

/**
 * performance.now() counts from this process's start; the offset turns it into the machine's monotonic
 * clock (CLOCK_MONOTONIC, shared by every process), so that a time stamped by one generator process reads
 * right in another, unmoved by wall-clock adjustments.
 */
const MONOTONIC_OFFSET_US = monotonicMicros() - performance.now() * 1000;

/** Microseconds of the machine's monotonic clock, comparable between the generator's processes. */
export function nowMicros(): number {
  return Math.round(performance.now() * 1000 + MONOTONIC_OFFSET_US);
}

/** A send time as it travels at the end of a message: 16 digits. */
export function stampText(micros: number): string {
  return String(micros).padStart(STAMP_DIGITS, "0");
}

/**
 * The send time at the end of `buf[start, end)` (a line without its LF): 16 digits after a space, then
 * an optional CR. -1 when the line carries none (join notices, numerics, anything else).
 */
export function stampAtEnd(buf: Uint8Array, start: number, end: number): number {
  let at = end - 1;
  if (at >= start && buf[at] === CR) at -= 1;
  let value = 0;
  let place = 1;
  let digits = 0;
  while (at >= start) {
    const byte = buf[at] as number;
    if (byte < ZERO || byte > NINE) break;
    value += (byte - ZERO) * place;
    place *= 10;
    digits += 1;
    at -= 1;
  }
  return digits === STAMP_DIGITS && at >= start && buf[at] === SPACE ? value : -1;
}

function isPing(buf: Uint8Array, start: number, end: number): boolean {
  return (
    end - start >= 4 &&
    buf[start] === P &&
    buf[start + 1] === I &&
    buf[start + 2] === N &&
    buf[start + 3] === G
  );
}

export interface DeliverySink {
  /** A message sent at `stampUs` (which names it) arrived at `nowUs` on `conn`. */
  delivered(stampUs: number, nowUs: number, conn: LoadConnection): void;
}

export class LoadConnection {
  private pending: Buffer | null = null;
  /** Set while setting up: every line as text. */
  onText: ((line: string) => void) | null = null;
  /** Set while measuring: deliveries only, scanned without decoding. */
  sink: DeliverySink | null = null;
  /** Request/response: called once per line received. */
  onReply: (() => void) | null = null;
  /** The TCP or TLS socket; null over a WebSocket. */
  readonly socket: Socket | null = null;
  private readonly ws: WebSocket | null = null;

  private constructor(port: number, transport: LoadTransport) {
    if (transport === "ws") {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, ["text.ircv3.net"], { perMessageDeflate: false });
      ws.on("message", (data: Buffer) => this.message(data));
      ws.on("error", () => {});
      this.ws = ws;
      return;
    }
    this.socket =
      transport === "tls"
        ? connectTls({ host: "127.0.0.1", port, rejectUnauthorized: false })
        : connect({
            host: "127.0.0.1",
            port,
            noDelay: true,
            onread: {
              buffer: READ_BUFFER,
              callback: (n: number, buf: Uint8Array) => {
                this.data(buf as Buffer, n);
                return true;
              },
            },
          });
    // node:tls takes no `onread`: its reads come as Buffers.
    if (transport === "tls") this.socket.on("data", (buf: Buffer) => this.data(buf, buf.length));
    this.socket.on("error", () => {});
  }

  static open(port: number, timeoutMs = 30_000, transport: LoadTransport = "tcp"): Promise<LoadConnection> {
    return new Promise((resolve, reject) => {
      const conn = new LoadConnection(port, transport);
      const target = conn.events;
      const timer = setTimeout(() => {
        conn.destroy();
        reject(new Error("connect timed out"));
      }, timeoutMs);
      const ready = transport === "ws" ? "open" : transport === "tls" ? "secureConnect" : "connect";
      target.once(ready, () => {
        clearTimeout(timer);
        resolve(conn);
      });
      target.once("error", (err: Error) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** Whichever emits `close`: the socket, or the WebSocket. */
  private get events(): EventEmitter {
    return (this.ws ?? this.socket) as EventEmitter;
  }

  /** Lines as the protocol writes them; over a WebSocket, each line one message without its line end. */
  write(text: string): void {
    const ws = this.ws;
    if (ws === null) {
      this.socket?.write(text);
      return;
    }
    if (ws.readyState !== ws.OPEN) return;
    let start = 0;
    while (start < text.length) {
      let lf = text.indexOf("\n", start);
      if (lf === -1) lf = text.length;
      const end = lf > start && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
      if (end > start) ws.send(text.slice(start, end));
      start = lf + 1;
    }
  }

  onceClosed(listener: () => void): void {
    this.events.once("close", listener);
  }

  offClosed(listener: () => void): void {
    this.events.off("close", listener);
  }

  destroy(): void {
    if (this.ws) this.ws.terminate();
    else this.socket?.destroy();
  }

  /** One WebSocket message: one line, without its LF. */
  private message(data: Buffer): void {
    const end = data.length;
    const sink = this.sink;
    if (sink) {
      const stamp = stampAtEnd(data, 0, end);
      if (stamp >= 0) sink.delivered(stamp, nowMicros(), this);
      else if (isPing(data, 0, end)) this.pong(data, 0, end);
    } else if (this.onReply) this.onReply();
    else if (isPing(data, 0, end)) this.pong(data, 0, end);
    else this.onText?.(data.toString("utf8", 0, data[end - 1] === CR ? end - 1 : end));
  }

  private data(buf: Buffer, length: number): void {
    let start = 0;
    if (this.pending) {
      // The tail of the last read and the head of this one make one line: scanned on their own.
      const lf = buf.indexOf(LF);
      if (lf === -1 || lf >= length) {
        this.pending = Buffer.concat([this.pending, buf.subarray(0, length)]);
        return;
      }
      const line = Buffer.concat([this.pending, buf.subarray(0, lf + 1)]);
      this.pending = null;
      this.scan(line, line.length);
      start = lf + 1;
    }
    start = this.scan(buf, length, start);
    if (start < length) this.pending = Buffer.from(buf.subarray(start, length));
  }

  /** Handles every whole line of `buf[from, length)`; returns where the unfinished tail starts. */
  private scan(buf: Buffer, length: number, from = 0): number {
    const sink = this.sink;
    let start = from;
    let lf = buf.indexOf(LF, start);
    if (sink) {
      const now = nowMicros();
      while (lf !== -1 && lf < length) {
        const stamp = stampAtEnd(buf, start, lf);
        if (stamp >= 0) sink.delivered(stamp, now, this);
        else if (isPing(buf, start, lf)) this.pong(buf, start, lf);
        start = lf + 1;
        lf = buf.indexOf(LF, start);
      }
    } else {
      while (lf !== -1 && lf < length) {
        if (this.onReply) this.onReply();
        else if (isPing(buf, start, lf)) this.pong(buf, start, lf);
        else this.onText?.(buf.toString("utf8", start, buf[lf - 1] === CR ? lf - 1 : lf));
        start = lf + 1;
        lf = buf.indexOf(LF, start);
      }
    }
    return start;
  }

  private pong(buf: Buffer, start: number, end: number): void {
    this.write(`PONG${buf.toString("latin1", start + 4, end).trimEnd()}\r\n`);
  }

  /** Resolves at the first line `match` accepts; rejects on close or after `timeoutMs`. */
  waitFor(match: (line: string) => boolean, timeoutMs = 60_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const onClose = () => finish(new Error("closed during setup"));
      const timer = setTimeout(() => finish(new Error("timed out during setup")), timeoutMs);
      const finish = (err: Error | null, line = "") => {
        clearTimeout(timer);
        this.offClosed(onClose);
        this.onText = null;
        if (err) reject(err);
        else resolve(line);
      };
      this.onText = (line) => {
        if (match(line)) finish(null, line);
      };
      this.onceClosed(onClose);
    });
  }
}
