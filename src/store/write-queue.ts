// Writes off the fan-out path: rows wait in memory and go to the store together, in one transaction, at most
// `maxDelayMs` after the first of them arrived (or at once when `maxRows` are waiting). One write runs at a
// time; a write that fails is retried with what came since, and beyond `maxPending` the oldest rows go.
import type { Clock, Timer } from "../rooms/core/clock.js";

export interface WriteQueueOptions {
  /** The durability window: a row is handed to the store within this long of its arrival. */
  maxDelayMs: number;
  /** Rows that start a write at once. */
  maxRows: number;
  /** Rows kept while the store does not answer; older ones are dropped. */
  maxPending: number;
}

export const DEFAULT_WRITE_QUEUE: WriteQueueOptions = { maxDelayMs: 50, maxRows: 500, maxPending: 100_000 };

export interface WriteQueueEvents {
  /** A write failed (the first of an outage); its rows are kept for the next try. */
  failed(err: unknown): void;
  /** Writes succeed again after a failure. */
  recovered(): void;
  /** Rows dropped because too many waited. */
  dropped(count: number): void;
}

export class WriteQueue<T> {
  private pending: T[] = [];
  private timer: Timer | null = null;
  private writing: Promise<void> | null = null;
  private failing = false;
  private closed = false;

  constructor(
    private readonly write: (rows: T[]) => Promise<void>,
    private readonly clock: Clock,
    private readonly events: WriteQueueEvents,
    private readonly options: WriteQueueOptions = DEFAULT_WRITE_QUEUE,
  ) {}

  /** Rows waiting to be written. */
  get size(): number {
    return this.pending.length;
  }

  push(row: T): void {
    if (this.closed) return;
    this.pending.push(row);
    if (this.pending.length >= this.options.maxRows) this.schedule(0);
    else if (this.timer === null) this.schedule(this.options.maxDelayMs);
  }

  /** Write everything waiting now; settles when it is written (or failed). */
  async flush(): Promise<void> {
    this.timer?.cancel();
    this.timer = null;
    while (this.writing) await this.writing;
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.writing = this.write(rows).then(
      () => {
        if (this.failing) this.events.recovered();
        this.failing = false;
      },
      (err) => {
        if (!this.failing) this.events.failed(err);
        this.failing = true;
        this.pending = rows.concat(this.pending);
        const over = this.pending.length - this.options.maxPending;
        if (over > 0) {
          this.pending.splice(0, over);
          this.events.dropped(over);
        }
      },
    );
    await this.writing;
    this.writing = null;
    // What arrived during the write has its own timer: a failed write is retried with it.
    if (this.pending.length > 0 && this.timer === null && !this.closed)
      this.schedule(this.options.maxDelayMs);
  }

  /** Write what is waiting, then take no more. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.timer?.cancel();
    this.timer = null;
  }

  private schedule(ms: number): void {
    this.timer?.cancel();
    this.timer = this.clock.after(ms, () => {
      this.timer = null;
      void this.flush();
    });
  }
}
