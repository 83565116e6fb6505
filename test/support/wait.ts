// Waiting on events, always bounded: one place for the tests' waits, so a wait that never ends fails the
// test with what it was waiting for instead of hanging it.
import type { EventEmitter } from "node:events";
import { DEFAULT_WAIT_MS } from "./timing.js";

/** `promise`, or a rejection naming `what` after `timeoutMs`. */
export async function bounded<T>(
  promise: Promise<T>,
  what: string | (() => string),
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Conditions over state that changes when something arrives: whoever changes the state calls `wake()`,
 * and each waiter checks its condition again.
 */
export class Waiters {
  private readonly waiting: Array<() => void> = [];

  /**
   * Resolves once `ready()` holds; rejects after `timeoutMs`, or as soon as `over()` holds (the source
   * ended) while `ready()` does not. `context()` is added to the error: what had arrived meanwhile.
   */
  until(
    ready: () => boolean,
    what: string,
    options: { timeoutMs?: number; over?: () => boolean; context?: () => string } = {},
  ): Promise<void> {
    const { timeoutMs = DEFAULT_WAIT_MS, over = () => false, context = () => "" } = options;
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        const seen = context();
        reject(new Error(`${why} waiting for ${what}${seen === "" ? "" : `; ${seen}`}`));
      };
      const timer = setTimeout(() => {
        const at = this.waiting.indexOf(check);
        if (at !== -1) this.waiting.splice(at, 1);
        fail(`timed out after ${timeoutMs} ms`);
      }, timeoutMs);
      const check = () => {
        if (ready()) {
          clearTimeout(timer);
          resolve();
        } else if (over()) {
          clearTimeout(timer);
          fail("ended");
        } else {
          this.waiting.push(check);
        }
      };
      check();
    });
  }

  wake(): void {
    for (const waiter of this.waiting.splice(0)) waiter();
  }
}

/** The next `event` from `emitter` whose first argument satisfies `match`, bounded. */
export function nextEvent<T>(
  emitter: EventEmitter,
  event: string,
  match: (value: T) => boolean = () => true,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (value: T) => {
      if (!match(value)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(value);
    };
    emitter.on(event, listener);
  });
}

/**
 * Until `ready()` holds, for state that changes with no event to listen to (a registry that a bus updates):
 * looked at again every few milliseconds; fails naming `what` after `timeoutMs`.
 */
export async function eventually(
  ready: () => boolean,
  what: string,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
