// The memory reducer: its policy from heap samples, and a real server giving memory back after thousands
// of clients registered at once.
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { after, describe, it } from "node:test";
import { type HeapSample, ReducerPolicy, type ReducerThresholds } from "../src/memory-reducer.js";
import { type CliRun, runCli } from "./support/cli.js";
import { SUITE_TIMEOUT_MS } from "./support/timing.js";

const MB = 1024 * 1024;
const THRESHOLDS: ReducerThresholds = {
  quietChecks: 3,
  quietGrowthBytes: MB / 2,
  growthBytes: 8 * MB,
  maxTries: 3,
};
const heap = (usedMb: number, committedMb: number): HeapSample => ({
  used: usedMb * MB,
  committed: committedMb * MB,
});

describe("memory reducer policy", () => {
  it("waits for quiet checks in a row after the heap grew, and not before", () => {
    const policy = new ReducerPolicy(heap(5, 10), THRESHOLDS);
    // A burst: the used heap climbs, the committed heap grows by 40 MB.
    assert.equal(policy.sample(heap(20, 30)), false);
    assert.equal(policy.sample(heap(40, 50)), false);
    // Quiet: the used heap barely moves.
    assert.equal(policy.sample(heap(40.1, 50)), false);
    assert.equal(policy.sample(heap(40.2, 50)), false);
    assert.equal(policy.sample(heap(40.2, 50)), true);
  });

  it("starts counting again when the process allocates or something else collects", () => {
    const policy = new ReducerPolicy(heap(5, 10), THRESHOLDS);
    policy.sample(heap(40, 50));
    policy.sample(heap(40, 50));
    policy.sample(heap(40, 50));
    assert.equal(policy.sample(heap(42, 50)), false, "2 MB in one check is not quiet");
    policy.sample(heap(42, 50));
    policy.sample(heap(42, 50));
    assert.equal(policy.sample(heap(30, 50)), false, "the used heap fell: V8 collected by itself");
    policy.sample(heap(30, 50));
    policy.sample(heap(30, 50));
    assert.equal(policy.sample(heap(30, 50)), true);
  });

  it("does nothing for a heap that did not grow, however quiet", () => {
    const policy = new ReducerPolicy(heap(5, 10), THRESHOLDS);
    for (let i = 0; i < 20; i++) assert.equal(policy.sample(heap(5, 17)), false);
  });

  it("tries again a quiet period later while the heap stays large, then takes its size as the new normal", () => {
    const policy = new ReducerPolicy(heap(5, 10), THRESHOLDS);
    const quietly = (sample: HeapSample) => [1, 2, 3].map(() => policy.sample(sample));
    assert.equal(policy.sample(heap(30, 50)), false, "the burst");
    assert.deepEqual(quietly(heap(30, 50)), [false, false, true]);
    policy.collected(heap(26, 46)); // the promoted garbage went, the young generation stayed
    assert.deepEqual(
      quietly(heap(26, 46)),
      [false, false, true],
      "a second collection, a quiet period later",
    );
    policy.collected(heap(25, 45));
    assert.deepEqual(quietly(heap(25, 45)), [false, false, true]);
    policy.collected(heap(25, 45)); // three tries: 45 MB is this process's size now
    for (let i = 0; i < 10; i++) assert.equal(policy.sample(heap(25, 45)), false);
    // Only new growth beyond it counts.
    assert.equal(policy.sample(heap(40, 60)), false);
    assert.deepEqual(quietly(heap(40, 60)), [false, false, true]);
  });

  it("rests once a collection brought the heap back down", () => {
    const policy = new ReducerPolicy(heap(5, 10), THRESHOLDS);
    for (let i = 0; i < 3; i++) policy.sample(heap(30, 50));
    assert.equal(policy.sample(heap(30, 50)), true);
    policy.collected(heap(12, 16));
    for (let i = 0; i < 10; i++) assert.equal(policy.sample(heap(12, 16)), false);
  });
});

/** `count` IRC clients registering at once; resolves when every one has its end of MOTD. */
async function registerAll(port: number, count: number, sockets: Socket[]): Promise<void> {
  await Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          const socket = connect({ host: "127.0.0.1", port });
          sockets.push(socket);
          let seen = "";
          socket.setEncoding("latin1");
          socket.once("error", reject);
          socket.on("connect", () => socket.write(`NICK idle${i}\r\nUSER idle${i} 0 * :idle\r\n`));
          const onData = (text: string) => {
            seen = (seen + text).slice(-200);
            if (/ (376|422) /.test(seen)) {
              socket.off("data", onData);
              resolve();
            }
          };
          socket.on("data", onData);
        }),
    ),
  );
}

describe("memory reducer in a real server", { timeout: SUITE_TIMEOUT_MS }, () => {
  const sockets: Socket[] = [];
  let run: CliRun | null = null;
  after(() => {
    for (const socket of sockets) socket.destroy();
    run?.kill();
  });

  // What the heap gives back reaches RSS when V8 unmaps the pages, in the background: the bench measures
  // that (`tcpchat bench connections`); this checks the heap V8 reports.
  it("gives back what a burst of 3,000 registrations grew, once the server is quiet", async () => {
    run = runCli(
      [
        "serve",
        "--service",
        "rooms",
        "--port",
        "0",
        "--backlog",
        "4096",
        "--no-flood-limit",
        "--log-format",
        "json",
      ],
      { built: true },
    );
    const port = await run.listening();
    await registerAll(port, 3000, sockets);
    // One collection, or two a quiet period apart (V8 decides when the young generation may shrink).
    const collections = () =>
      [...(run as CliRun).stderr.matchAll(/"heapBeforeMb":([\d.]+),"heapAfterMb":([\d.]+)/g)].map((m) => ({
        before: Number(m[1]),
        after: Number(m[2]),
      }));
    const gaveBack = () => collections().find((c) => c.after < c.before - 10);
    await run.until(() => gaveBack() !== undefined, "a collection giving back over 10 MB", 40_000);
    assert.ok(collections().length <= 2, JSON.stringify(collections()));
    // Still serving every client.
    const probe = sockets[1234] as Socket;
    const pong = new Promise<void>((resolve) =>
      probe.on("data", (text: string) => {
        if (text.includes("PONG")) resolve();
      }),
    );
    probe.write("PING :still-here\r\n");
    await pong;
  });
});
