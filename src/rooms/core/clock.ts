// Time for the rooms: the core and the front-ends read the time and set timers only through a Clock, so
// tests drive keepalives, flood control and WHOWAS by moving a ManualClock instead of sleeping.

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Run `fn` once after `ms`. Timers never keep the process alive on their own. */
  after(ms: number, fn: () => void): Timer;
  /** Run `fn` every `ms`. */
  every(ms: number, fn: () => void): Timer;
}

export const systemClock: Clock = {
  now: Date.now,
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return { cancel: () => clearInterval(timer) };
  },
};

interface Pending {
  at: number;
  every: number | null;
  fn: () => void;
  cancelled: boolean;
  seq: number;
}

/** A clock that moves only when told: `advance` runs every timer that falls due, in order. */
export class ManualClock implements Clock {
  private time: number;
  private timers: Pending[] = [];
  private seq = 0;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  after(ms: number, fn: () => void): Timer {
    return this.add(ms, null, fn);
  }

  every(ms: number, fn: () => void): Timer {
    return this.add(ms, Math.max(1, ms), fn);
  }

  /** Move time forward by `ms`, running the timers that fall due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.time = next.at;
      if (next.every === null) this.timers = this.timers.filter((timer) => timer !== next);
      else next.at += next.every;
      next.fn();
    }
    this.time = end;
  }

  private nextDue(end: number): Pending | undefined {
    this.timers = this.timers.filter((timer) => !timer.cancelled);
    let best: Pending | undefined;
    for (const timer of this.timers)
      if (timer.at <= end && (!best || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)))
        best = timer;
    return best;
  }

  private add(ms: number, every: number | null, fn: () => void): Timer {
    const timer: Pending = { at: this.time + Math.max(0, ms), every, fn, cancelled: false, seq: this.seq++ };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }
}
