// Gives memory back after a burst. While thousands of clients connect at once, V8 grows its young
// generation (up to 2 × 16 MB) and promotes some of the burst's garbage; then it keeps all of that for as
// long as nothing collects, and an idle server allocates too little to collect again. So once the process
// has been quiet for a while after its heap grew, it asks for a full collection, which frees the promoted
// garbage; V8 itself shrinks the young generation when the collections it recorded over the last five
// seconds saw little allocation, at that collection or at the next, a quiet period later. An idle server
// with 5,000 registered clients goes from about 8 KB to about 1.5 KB of RSS per client (`tcpchat bench
// connections`).
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Logger } from "pino";

export interface HeapSample {
  /** Bytes of live and not-yet-collected objects. */
  used: number;
  /** Bytes the heap holds from the system. */
  committed: number;
}

export interface ReducerThresholds {
  /** Checks in a row that must find the process quiet. */
  quietChecks: number;
  /** Growth of the used heap between two checks that still counts as quiet. */
  quietGrowthBytes: number;
  /** How much the committed heap must have grown since the last reduction to be worth one. */
  growthBytes: number;
  /** Collections at most for one growth; if the heap is still as large, that is its size now. */
  maxTries: number;
}

/** Checked every 2 s: quiet means 6 s, longer than the 5 s over which V8 judges the allocation rate. */
export const CHECK_MS = 2000;
export const DEFAULT_THRESHOLDS: ReducerThresholds = {
  quietChecks: 3,
  quietGrowthBytes: 512 * 1024,
  growthBytes: 8 * 1024 * 1024,
  maxTries: 3,
};

/** When to collect, from heap samples alone (pure, so it can be tested without waiting). */
export class ReducerPolicy {
  private quiet = 0;
  private lastUsed: number;
  /** The committed heap after the last reduction, or at the start. */
  private baseline: number;
  /** Collections done since the heap last grew. */
  private tries = 0;

  constructor(
    start: HeapSample,
    private readonly thresholds: ReducerThresholds = DEFAULT_THRESHOLDS,
  ) {
    this.lastUsed = start.used;
    this.baseline = start.committed;
  }

  /** A new sample; true when a collection is due now. */
  sample(heap: HeapSample): boolean {
    const growth = heap.used - this.lastUsed;
    this.lastUsed = heap.used;
    // The used heap shrank (something collected) or grew by more than a trickle: the process is busy.
    if (growth < 0 || growth > this.thresholds.quietGrowthBytes) {
      this.quiet = 0;
      return false;
    }
    this.quiet += 1;
    return (
      this.quiet >= this.thresholds.quietChecks &&
      heap.committed - this.baseline >= this.thresholds.growthBytes
    );
  }

  /**
   * A collection was done; `heap` is what it left. V8 shrinks the young generation only when the
   * collections it recorded over the last five seconds saw little allocation, so the first collection
   * after a burst frees the garbage the burst promoted and the next one, a quiet period later, gives the
   * young generation back. After `maxTries` the heap's size is taken as the process's own.
   */
  collected(heap: HeapSample): void {
    this.quiet = 0;
    this.lastUsed = heap.used;
    this.tries += 1;
    if (
      heap.committed - this.baseline < this.thresholds.growthBytes ||
      this.tries >= this.thresholds.maxTries
    ) {
      this.baseline = heap.committed;
      this.tries = 0;
    }
  }
}

export function heapSample(): HeapSample {
  const stats = getHeapStatistics();
  return { used: stats.used_heap_size, committed: stats.total_heap_size };
}

/**
 * V8's `gc()`, without starting Node with --expose-gc: the flag applies to contexts made after it is set,
 * so a new context has the function, and it collects the whole isolate.
 */
function fullCollection(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/** Start checking, for the life of the process; the timer never keeps the process alive. */
export function startMemoryReducer(log: Logger, thresholds: ReducerThresholds = DEFAULT_THRESHOLDS): void {
  const collect = fullCollection();
  const policy = new ReducerPolicy(heapSample(), thresholds);
  const timer = setInterval(() => {
    const before = heapSample();
    if (!policy.sample(before)) return;
    collect();
    const after = heapSample();
    policy.collected(after);
    const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
    log.info(
      { heapBeforeMb: mb(before.committed), heapAfterMb: mb(after.committed) },
      "quiet after a burst: collected, heap %d MB -> %d MB",
      mb(before.committed),
      mb(after.committed),
    );
  }, CHECK_MS);
  timer.unref();
}
