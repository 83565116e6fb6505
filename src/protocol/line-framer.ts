// Splits a byte stream into lines. Pure: no I/O, no timers.
//
// A line ends at LF; a CR right before the LF is dropped. A client that sends no LF at all (the lab clients:
// one send() per message) has its messages ended by its transport, which calls `flush()` after a quiet gap. Lines longer than `maxLineBytes` (terminator
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
  /** `terminated`: the line ended in LF; false for what `flush()` or `end()` delivered without one. */
  line(text: string, terminated: boolean): void;
  /** `terminated` as for `line`; absent when a line is reported before its end has arrived. */
  lineError(error: LineError, terminated?: boolean): void;
}

const LF = 0x0a;
const CR = 0x0d;

export class LineFramer {
  /** Bytes of a line whose end has not arrived yet (a copy: the caller may reuse its chunk). */
  private pending: Buffer | null = null;
  /** True while skipping the remainder of an overlong line. */
  private skipping = false;
  /** The overlong line being skipped is reported at its end, not yet. */
  private overlongUntold = false;
  /**
   * Report an overlong line at its end (LF or `flush()`) rather than as soon as it crosses the limit: a client
   * that sends bare messages then reads the error as the answer to that message, and its next message is
   * not taken for the rest of the overlong one. Set by the transport while the client may be such a one.
   */
  deferOverlong = false;
  private stopped = false;
  /** Some line has ended in LF. */
  private lfSeen = false;
  /** Some line has ended in CR LF. */
  private crlfSeen = false;
  /** The last byte before the line's end so far is a CR (held, or skipped with an overlong line). */
  private crHeld = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly sink: LineSink,
  ) {}

  /** Whether any line has ended in LF: the client frames its messages as lines. */
  get sawLineEnd(): boolean {
    return this.lfSeen;
  }

  /** Whether any line has ended in CR LF, as IRC's do. */
  get sawCrLf(): boolean {
    return this.crlfSeen;
  }

  /** Whether bytes of an unfinished line are held (or being skipped). */
  get holding(): boolean {
    return this.pending !== null || this.skipping;
  }

  /** Feed bytes; complete lines go to the sink synchronously, in order. */
  push(chunk: Uint8Array): void {
    let start = 0;
    while (start < chunk.length && !this.stopped) {
      const lf = chunk.indexOf(LF, start);
      if (lf === -1) {
        this.hold(chunk, start);
        return;
      }
      this.lfSeen = true;
      if (!this.crlfSeen && (lf > start ? chunk[lf - 1] === CR : this.crHeld)) this.crlfSeen = true;
      this.crHeld = false;
      if (this.skipping) {
        this.skipping = false;
        this.tellOverlong(true);
      } else if (this.pending !== null) {
        const head = this.pending;
        this.pending = null;
        // Check before joining, so an overlong line is never copied (CR LF may add one byte).
        if (head.length + (lf - start) > this.maxLineBytes + 1) {
          this.sink.lineError(LineError.TooLong, true);
        } else {
          const line = Buffer.concat([head, chunk.subarray(start, lf)]);
          this.emit(line, 0, line.length, true);
        }
      } else {
        this.emit(chunk, start, lf, true);
      }
      start = lf + 1;
    }
  }

  /**
   * The client went quiet: the bytes held since the last LF are one message, as each recv() was for the lab
   * servers. An overlong message (already reported) ends here too, so the next one is read.
   */
  flush(): void {
    if (this.stopped) return;
    const rest = this.pending;
    this.pending = null;
    this.skipping = false;
    this.crHeld = false;
    this.tellOverlong(false);
    if (rest !== null && rest.length > 0) this.emit(rest, 0, rest.length, false);
  }

  /** The stream ended: a last line without LF still counts as a line. */
  end(): void {
    this.flush();
  }

  /** Deliver nothing more (the connection is closing). */
  stop(): void {
    this.stopped = true;
    this.pending = null;
    this.overlongUntold = false;
  }

  private tellOverlong(terminated: boolean): void {
    if (!this.overlongUntold) return;
    this.overlongUntold = false;
    this.sink.lineError(LineError.TooLong, terminated);
  }

  private emit(bytes: Uint8Array, start: number, end: number, terminated: boolean): void {
    if (end > start && bytes[end - 1] === CR) end--;
    if (end - start > this.maxLineBytes) {
      this.sink.lineError(LineError.TooLong, terminated);
      return;
    }
    const view = bytes.subarray(start, end);
    if (!isUtf8(view)) {
      this.sink.lineError(LineError.InvalidUtf8, terminated);
      return;
    }
    this.sink.line(Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString("utf8"), terminated);
  }

  private hold(chunk: Uint8Array, start: number): void {
    this.crHeld = chunk[chunk.length - 1] === CR;
    if (this.skipping) return;
    const held = this.pending === null ? 0 : this.pending.length;
    const size = held + chunk.length - start;
    // One byte of slack: the line may still end in CR LF, and the CR does not count.
    if (size > this.maxLineBytes + 1) {
      this.pending = null;
      this.skipping = true;
      if (this.deferOverlong) this.overlongUntold = true;
      else this.sink.lineError(LineError.TooLong);
      return;
    }
    const tail = chunk.subarray(start);
    this.pending = this.pending === null ? Buffer.from(tail) : Buffer.concat([this.pending, tail]);
  }
}
