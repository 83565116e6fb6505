// Latencies in a fixed histogram (50 µs buckets to 100 ms, 1 ms buckets to 10 s): constant memory however
// many messages, mergeable across generator processes, percentiles within a bucket's width.
const FINE_MS = 0.05;
const FINE_BUCKETS = 2000; // to 100 ms
const COARSE_MS = 1;
const COARSE_BUCKETS = 9900; // to 10 s

export class Histogram {
  readonly counts: number[];
  count = 0;
  max = 0;

  constructor(counts?: number[]) {
    this.counts = counts ?? new Array(FINE_BUCKETS + COARSE_BUCKETS + 1).fill(0);
    for (const n of this.counts) this.count += n;
  }

  record(ms: number): void {
    const value = ms < 0 ? 0 : ms;
    const bucket =
      value < FINE_BUCKETS * FINE_MS
        ? Math.floor(value / FINE_MS)
        : Math.min(
            FINE_BUCKETS + Math.floor((value - FINE_BUCKETS * FINE_MS) / COARSE_MS),
            this.counts.length - 1,
          );
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.count += 1;
    if (value > this.max) this.max = value;
  }

  merge(other: Histogram): void {
    for (let i = 0; i < this.counts.length; i++)
      this.counts[i] = (this.counts[i] ?? 0) + (other.counts[i] ?? 0);
    this.count += other.count;
    this.max = Math.max(this.max, other.max);
  }

  /** The value at quantile q (0..1): the upper edge of its bucket. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank)
        return i < FINE_BUCKETS
          ? (i + 1) * FINE_MS
          : FINE_BUCKETS * FINE_MS + (i - FINE_BUCKETS + 1) * COARSE_MS;
    }
    return this.max;
  }
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
