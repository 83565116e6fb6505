// Connection rate per address (--connect-rate): a token bucket for each address that connected lately,
// holding `perWindow` connections and refilled at `perWindow` per window. Addresses whose bucket is full
// again are forgotten, so the map holds only those seen within the last window.

/** The window --connect-rate counts connections over. */
export const CONNECT_RATE_WINDOW_MS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class ConnectRate {
  private readonly buckets = new Map<string, Bucket>();
  private prunedAt = 0;

  /** May `address` connect at `now`? Takes one connection from its allowance when it may. */
  allow(address: string, perWindow: number, now: number): boolean {
    if (now - this.prunedAt >= CONNECT_RATE_WINDOW_MS) this.prune(perWindow, now);
    const bucket = this.buckets.get(address);
    if (!bucket) {
      this.buckets.set(address, { tokens: perWindow - 1, at: now });
      return true;
    }
    bucket.tokens = refilled(bucket, perWindow, now);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Addresses remembered now (for tests: the map does not grow with addresses long gone). */
  get size(): number {
    return this.buckets.size;
  }

  private prune(perWindow: number, now: number): void {
    this.prunedAt = now;
    for (const [address, bucket] of this.buckets)
      if (refilled(bucket, perWindow, now) >= perWindow) this.buckets.delete(address);
  }
}

function refilled(bucket: Bucket, perWindow: number, now: number): number {
  return Math.min(perWindow, bucket.tokens + ((now - bucket.at) * perWindow) / CONNECT_RATE_WINDOW_MS);
}
