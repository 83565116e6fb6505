// Flood control: a token bucket per client. A client within its burst is served at once; past it, its
// lines wait their turn (as IRC servers' "fake lag" does); a client whose backlog keeps growing is dropped.
export type Clock = () => number;

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: Clock,
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  /** Take one token if there is one. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Take `count` tokens at once, into debt if need be: the lines after wait until it is paid. */
  charge(count: number): void {
    this.refill();
    this.tokens -= count;
  }

  /** Milliseconds until the next token. */
  wait(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.perSecond);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) * this.perSecond) / 1000);
    this.updatedAt = now;
  }
}
