// The write queue on a manual clock: nothing is written before the window ends, everything by then; a full
// batch goes at once; one write at a time; a failed write is retried with what came since, and the oldest
// rows go past the bound; close writes what waits.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock } from "../../src/rooms/core/clock.js";
import { WriteQueue, type WriteQueueEvents } from "../../src/store/write-queue.js";

const OPTIONS = { maxDelayMs: 50, maxRows: 4, maxPending: 6 };

/** Lets the queue's promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup(fail: () => boolean = () => false) {
  const clock = new ManualClock();
  const writes: number[][] = [];
  const events: string[] = [];
  let release: (() => void) | null = null;
  let hold = false;
  const sink: WriteQueueEvents = {
    failed: (err) => events.push(`failed ${(err as Error).message}`),
    recovered: () => events.push("recovered"),
    dropped: (count) => events.push(`dropped ${count}`),
  };
  const queue = new WriteQueue<number>(
    async (rows) => {
      if (hold) await new Promise<void>((resolve) => (release = resolve));
      if (fail()) throw new Error("down");
      writes.push(rows);
    },
    clock,
    sink,
    OPTIONS,
  );
  return {
    clock,
    writes,
    events,
    queue,
    holdWrites: () => (hold = true),
    releaseWrite: () => {
      hold = false;
      release?.();
    },
  };
}

describe("write queue", () => {
  it("writes a row within the window of its arrival, with what came since, in one write", async () => {
    const { clock, writes, queue } = setup();
    queue.push(1);
    clock.advance(30);
    queue.push(2);
    clock.advance(19);
    await settle();
    assert.deepEqual(writes, []);
    clock.advance(1);
    await settle();
    assert.deepEqual(writes, [[1, 2]]);
    queue.push(3);
    clock.advance(50);
    await settle();
    assert.deepEqual(writes, [[1, 2], [3]]);
  });

  it("writes a full batch at once", async () => {
    const { clock, writes, queue } = setup();
    for (const n of [1, 2, 3, 4]) queue.push(n);
    clock.advance(0);
    await settle();
    assert.deepEqual(writes, [[1, 2, 3, 4]]);
  });

  it("runs one write at a time: rows arriving meanwhile wait for the next", async () => {
    const { clock, writes, queue, holdWrites, releaseWrite } = setup();
    holdWrites();
    queue.push(1);
    clock.advance(50);
    queue.push(2);
    clock.advance(50);
    await settle();
    assert.deepEqual(writes, []);
    releaseWrite();
    await settle();
    await settle();
    assert.deepEqual(writes, [[1], [2]]);
  });

  it("keeps the rows of a failed write for the next, says so once, and drops the oldest past the bound", async () => {
    let down = true;
    const { clock, writes, events, queue } = setup(() => down);
    for (const n of [1, 2, 3]) queue.push(n);
    clock.advance(50);
    await settle();
    for (const n of [4, 5, 6, 7]) queue.push(n);
    clock.advance(50);
    await settle();
    assert.deepEqual(events, ["failed down", "dropped 1"]);
    down = false;
    clock.advance(50);
    await settle();
    assert.deepEqual(writes, [[2, 3, 4, 5, 6, 7]]);
    assert.deepEqual(events, ["failed down", "dropped 1", "recovered"]);
  });

  it("close writes what waits and takes nothing after", async () => {
    const { writes, queue } = setup();
    queue.push(1);
    await queue.close();
    queue.push(2);
    assert.deepEqual(writes, [[1]]);
    assert.equal(queue.size, 0);
  });
});
