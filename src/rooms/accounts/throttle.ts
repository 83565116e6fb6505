// Failed logins, counted per account and per address: after too many within a window, further attempts
// are refused until the window has passed, right password or not. Both maps are bounded: the oldest
// entries go first, so a flood of names cannot grow memory.
import type { Clock } from "../core/clock.js";

export interface ThrottleLimits {
  /** Failures per account within the window before it is locked. */
  perAccount: number;
  /** Failures per address within the window before it is locked (several users may share one). */
  perAddress: number;
  windowMs: number;
  /** Entries kept per map. */
  maxEntries: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = {
  perAccount: 5,
  perAddress: 10,
  windowMs: 60_000,
  maxEntries: 10_000,
};

interface Failures {
  count: number;
  since: number;
}

class FailureCounts {
  private readonly entries = new Map<string, Failures>();

  constructor(
    private readonly limit: number,
    private readonly limits: ThrottleLimits,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  wait(key: string): number {
    const entry = this.current(key);
    if (!entry || entry.count < this.limit) return 0;
    return entry.since + this.limits.windowMs - this.clock.now();
  }

  fail(key: string): void {
    const entry = this.current(key) ?? { count: 0, since: this.clock.now() };
    entry.count += 1;
    // Re-inserted: Map order is then the order of last failure, and the first entry the one to drop.
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.limits.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private current(key: string): Failures | undefined {
    const entry = this.entries.get(key);
    if (entry && this.clock.now() - entry.since >= this.limits.windowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}

export class LoginThrottle {
  private readonly accounts: FailureCounts;
  private readonly addresses: FailureCounts;

  constructor(
    clock: Clock,
    readonly limits: ThrottleLimits = DEFAULT_THROTTLE,
  ) {
    this.accounts = new FailureCounts(limits.perAccount, limits, clock);
    this.addresses = new FailureCounts(limits.perAddress, limits, clock);
  }

  /** Milliseconds before a login to `account` from `address` is heard again; 0 when it is now. */
  wait(account: string, address: string): number {
    return Math.max(this.accounts.wait(account), this.addresses.wait(address));
  }

  failed(account: string, address: string): void {
    this.accounts.fail(account);
    this.addresses.fail(address);
  }

  /** A login succeeded: the account's count starts again (the address's stays, for other accounts). */
  succeeded(account: string): void {
    this.accounts.clear(account);
  }

  /** Entries held, for tests of the bounds. */
  get sizes(): { accounts: number; addresses: number } {
    return { accounts: this.accounts.size, addresses: this.addresses.size };
  }
}
