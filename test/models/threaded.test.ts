// The lesson of the seeds: under an event loop one slow request holds up every client; with a thread per
// client it holds up only its own.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { ModelName, RunningServer } from "../../src/models/index.js";
import { SLOW_EXPRESSION } from "../../src/protocol/calc/index.js";
import { BUSY_REPLY } from "../../src/services/line-rules.js";
import { LineClient } from "../support/line-client.js";
import { startTestServer } from "../support/servers.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

const SLOW_REQUESTS = 3;

/** How many of A's slow replies had arrived when B's quick reply did. */
async function slowRepliesBeforeQuickOne(model: ModelName): Promise<number> {
  const server = await startTestServer(model, "calc");
  const slow = await LineClient.connect(server.port);
  const quick = await LineClient.connect(server.port);
  try {
    // Both sessions are up (and, under threaded, both workers started) before the race begins.
    assert.equal(await slow.send1("Hi"), "Hello");
    assert.equal(await quick.send1("Hi"), "Hello");
    slow.write(`${SLOW_EXPRESSION}\n`.repeat(SLOW_REQUESTS));
    // The slow lines reach the server before the quick one: same host, sent first.
    await new Promise((resolve) => slow.socket.write("", resolve));
    assert.equal(await quick.send1("1+1", 30_000), "2");
    const seen = slow.lines.length;
    for (let i = 0; i < SLOW_REQUESTS; i++) assert.doesNotMatch(await slow.nextLine(30_000), /ERROR/);
    return seen;
  } finally {
    slow.destroy();
    quick.destroy();
    await server.shutdown();
  }
}

describe("threaded model", { timeout: SUITE_TIMEOUT_MS }, () => {
  it("answers a quick client while another client's slow requests are computed", async () => {
    // The margin is the slow client's whole queue (over 3 s measured under load), against one quick round
    // trip (40 ms at worst): the quick reply comes before the last slow one, usually before the first.
    assert.ok((await slowRepliesBeforeQuickOne("threaded")) < SLOW_REQUESTS);
  });

  it("while under evented the quick client waits for every slow request", async () => {
    assert.equal(await slowRepliesBeforeQuickOne("evented"), SLOW_REQUESTS);
  });

  describe("limits and thread ids", () => {
    let server: RunningServer;
    const clients: LineClient[] = [];
    after(async () => {
      for (const c of clients) c.destroy();
      await server?.shutdown();
    });

    it("--max-threads: a client beyond the limit gets the busy reply; a freed thread serves the next", async () => {
      server = await startTestServer("threaded", "echo", { maxThreads: 2 });
      const a = await LineClient.connect(server.port);
      const b = await LineClient.connect(server.port);
      clients.push(a, b);
      assert.equal(await a.send1("a"), "a");
      assert.equal(await b.send1("b"), "b");
      const c = await LineClient.connect(server.port);
      clients.push(c);
      assert.deepEqual(await c.linesUntilClose(), [BUSY_REPLY]);
      a.send("bye");
      await a.linesUntilClose();
      // The thread is free as soon as the server ended the session, before the client saw "Bye".
      const d = await LineClient.connect(server.port);
      clients.push(d);
      assert.equal(await d.send1("d"), "d");
      await server.shutdown();
    });

    it("--show-thread: replies carry the worker's thread id, one id per client", async () => {
      server = await startTestServer("threaded", "calc", { showThread: true });
      const a = await LineClient.connect(server.port);
      const b = await LineClient.connect(server.port);
      clients.push(a, b);
      const ra = await a.send1("2+2");
      const rb = await b.send1("2+3");
      const idA = /^\[Thread (\d+)\] 4$/.exec(ra)?.[1];
      const idB = /^\[Thread (\d+)\] 5$/.exec(rb)?.[1];
      assert.ok(idA && idB, `${ra} / ${rb}`);
      assert.notEqual(idA, idB);
      assert.equal(await a.send1("1"), `[Thread ${idA}] 1`);
      a.send("bye");
      assert.deepEqual(await a.linesUntilClose(), [`[Thread ${idA}] Bye`]);
    });
  });
});
