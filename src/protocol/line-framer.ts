// Splits a byte stream into lines. Pure: no I/O, no timers.
//
// A line ends at LF; a CR right before the LF is dropped. Lines longer than `maxLineBytes` (terminator
// excluded) are reported once, as soon as they cross the limit, and the rest of that line is skipped, so a
// client that never sends LF cannot make the framer buffer without bound. Lines that are not valid UTF-8
// are reported instead of being decoded with replacement characters.
import { isUtf8 } from "node:buffer";

export const LineError = {
  TooLong: "line-too-long",
  InvalidUtf8: "invalid-utf8",
} as const;
export type LineError = (typeof LineError)[keyof typeof LineError];

export interface LineSink {
  line(text: string): void;
  lineError(error: LineError): void;
}

const LF = 0x0a;
const CR = 0x0d;

export class LineFramer {
  /** Bytes of a line whose end has not arrived yet (a copy: the caller may reuse its chunk). */
  private pending: Buffer | null = null;
  /** True while skipping the remainder of an overlong line. */
  private skipping = false;
  private stopped = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly sink: LineSink,
  ) {}

  /** Feed bytes; complete lines go to the sink synchronously, in order. */
  push(chunk: Uint8Array): void {
    let start = 0;
    while (start < chunk.length && !this.stopped) {
      const lf = chunk.indexOf(LF, start);
      if (lf === -1) {
        this.hold(chunk, start);
        return;
      }
      if (this.skipping) {
        this.skipping = false;
      } else if (this.pending !== null) {
        const head = this.pending;
        this.pending = null;
        // Check before joining, so an overlong line is never copied (CR LF may add one byte).
        if (head.length + (lf - start) > this.maxLineBytes + 1) {
          this.sink.lineError(LineError.TooLong);
        } else {
          const line = Buffer.concat([head, chunk.subarray(start, lf)]);
          this.emit(line, 0, line.length);
        }
      } else {
        this.emit(chunk, start, lf);
      }
      start = lf + 1;
    }
  }

  /** The stream ended: a last line without LF still counts as a line. */
  end(): void {
    if (this.stopped) return;
    const rest = this.pending;
    this.pending = null;
    if (rest !== null && !this.skipping && rest.length > 0) this.emit(rest, 0, rest.length);
    this.skipping = false;
  }

  /** Deliver nothing more (the connection is closing). */
  stop(): void {
    this.stopped = true;
    this.pending = null;
  }

  private emit(bytes: Uint8Array, start: number, end: number): void {
    if (end > start && bytes[end - 1] === CR) end--;
    if (end - start > this.maxLineBytes) {
      this.sink.lineError(LineError.TooLong);
      return;
    }
    const view = bytes.subarray(start, end);
    if (!isUtf8(view)) {
      this.sink.lineError(LineError.InvalidUtf8);
      return;
    }
    this.sink.line(Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString("utf8"));
  }

  private hold(chunk: Uint8Array, start: number): void {
    if (this.skipping) return;
    const held = this.pending === null ? 0 : this.pending.length;
    const size = held + chunk.length - start;
    // One byte of slack: the line may still end in CR LF, and the CR does not count.
    if (size > this.maxLineBytes + 1) {
      this.pending = null;
      this.skipping = true;
      this.sink.lineError(LineError.TooLong);
      return;
    }
    const tail = chunk.subarray(start);
    this.pending = this.pending === null ? Buffer.from(tail) : Buffer.concat([this.pending, tail]);
  }
}
