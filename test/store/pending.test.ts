// A store used before it opens (whenOpen): calls wait for the opening and then reach the real store, in the
// order made, with their own `this`; a failed opening fails each call; the wrapper is no promise itself.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { whenOpen } from "../../src/store/pending.js";

interface Counter {
  add(n: number): Promise<number>;
  total(): Promise<number>;
}

class RealCounter implements Counter {
  private sum = 0;
  async add(n: number): Promise<number> {
    this.sum += n;
    return this.sum;
  }
  async total(): Promise<number> {
    return this.sum;
  }
}

describe("whenOpen", () => {
  it("holds calls until the store opens, then runs them in order on it", async () => {
    let open: (counter: Counter) => void = () => {};
    const counter = whenOpen<Counter>(new Promise((resolve) => (open = resolve)));
    let settled = false;
    const first = counter.add(2).then((sum) => {
      settled = true;
      return sum;
    });
    const second = counter.add(3);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false);
    open(new RealCounter());
    assert.deepEqual(await Promise.all([first, second, counter.total()]), [2, 5, 5]);
    // Not a promise: awaiting it gives the wrapper back, it does not wait on `then`.
    assert.equal(await Promise.resolve(counter), counter);
  });

  it("fails each call as the opening failed", async () => {
    const counter = whenOpen<Counter>(Promise.reject(new Error("no database")));
    await assert.rejects(counter.total(), /no database/);
    await assert.rejects(counter.add(1), /no database/);
  });
});
