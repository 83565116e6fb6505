// One load-generator connection and its hand-written line scanner. The hot path runs once per delivered
// message, a million times a second across the generator, so it allocates nothing: it finds each LF in the
// chunk, reads the send time backwards from the end of the line as digits, and answers PING. Lines are
// decoded to text only while a client sets up (registration, joins), where speed does not matter.
import { connect, type Socket } from "node:net";

const LF = 10;
const CR = 13;
const SPACE = 32;
const ZERO = 48;
const NINE = 57;
const P = 80;
const I = 73;
const N = 78;
const G = 71;
/** Digits of a send time in microseconds since the epoch (16 until the year 2286). */
const STAMP_DIGITS = 16;

/** Microseconds since the epoch, comparable between the generator's processes. */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
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
  /** A message arrived at `nowUs`, `latencyUs` after it was sent. */
  delivered(latencyUs: number, nowUs: number): void;
}

export class LoadConnection {
  private pending: Buffer | null = null;
  /** Set while setting up: every line as text. */
  onText: ((line: string) => void) | null = null;
  /** Set while measuring: deliveries only, scanned without decoding. */
  sink: DeliverySink | null = null;
  /** Request/response: called once per line received. */
  onReply: (() => void) | null = null;

  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.data(chunk));
    socket.on("error", () => {});
  }

  static open(port: number, timeoutMs = 30_000): Promise<LoadConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error("connect timed out"));
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        resolve(new LoadConnection(socket));
      });
      socket.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  private data(chunk: Buffer): void {
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    const sink = this.sink;
    let start = 0;
    let lf = buf.indexOf(LF);
    if (sink) {
      const now = nowMicros();
      while (lf !== -1) {
        const stamp = stampAtEnd(buf, start, lf);
        if (stamp >= 0) sink.delivered(now - stamp, now);
        else if (isPing(buf, start, lf)) this.pong(buf, start, lf);
        start = lf + 1;
        lf = buf.indexOf(LF, start);
      }
    } else {
      while (lf !== -1) {
        if (this.onReply) this.onReply();
        else if (isPing(buf, start, lf)) this.pong(buf, start, lf);
        else this.onText?.(buf.toString("utf8", start, buf[lf - 1] === CR ? lf - 1 : lf));
        start = lf + 1;
        lf = buf.indexOf(LF, start);
      }
    }
    if (start < buf.length) this.pending = Buffer.from(buf.subarray(start));
  }

  private pong(buf: Buffer, start: number, end: number): void {
    this.socket.write(`PONG${buf.toString("latin1", start + 4, end).trimEnd()}\r\n`);
  }

  /** Resolves at the first line `match` accepts; rejects on close or after `timeoutMs`. */
  waitFor(match: (line: string) => boolean, timeoutMs = 60_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const onClose = () => finish(new Error("closed during setup"));
      const timer = setTimeout(() => finish(new Error("timed out during setup")), timeoutMs);
      const finish = (err: Error | null, line = "") => {
        clearTimeout(timer);
        this.socket.off("close", onClose);
        this.onText = null;
        if (err) reject(err);
        else resolve(line);
      };
      this.onText = (line) => {
        if (match(line)) finish(null, line);
      };
      this.socket.once("close", onClose);
    });
  }
}
