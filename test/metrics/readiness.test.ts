// /readyz follows the bus: ready while Redis is reachable, 503 once the node knows it is not, ready again
// once Redis is back.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import type { LineClient } from "../support/line-client.js";
import { redisServerSkipReason, testPrefix } from "../support/redis.js";
import { connectIrc, joinIrc, startRoomsServer } from "../support/rooms.js";
import { DEFAULT_WAIT_MS, SUITE_TIMEOUT_MS } from "../support/timing.js";
import { webPort } from "../support/websocket.js";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** A redis-server of this test's own; resolves once it accepts connections. */
function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.stdout?.setEncoding("utf8").on("data", (text: string) => {
      out += text;
      if (out.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

describe("readiness and the bus", { timeout: SUITE_TIMEOUT_MS }, () => {
  it("ready with the bus up; 503 with the reason once the node knows the bus is down; ready once it is back", {
    skip: redisServerSkipReason(),
  }, async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const nodes: RunningServer[] = [];
    const clients: LineClient[] = [];
    try {
      const bus = { bus: `redis://127.0.0.1:${port}`, busPrefix: testPrefix("readyz") };
      // Two nodes; the metrics of a process are those of the server started last in it: the one with the web.
      nodes.push(await startRoomsServer("evented", bus));
      nodes.push(await startRoomsServer("evented", bus, { web: { port: 0, origins: null, tls: null } }));
      const [a, b] = nodes as [RunningServer, RunningServer];
      const web = webPort(b);
      const ready = await fetch(`http://127.0.0.1:${web}/readyz`);
      assert.equal(ready.status, 200);
      assert.equal(await ready.text(), "ready\n");
      const metrics = await (await fetch(`http://127.0.0.1:${web}/metrics`)).text();
      assert.match(metrics, /^tcpchat_bus_connected 1$/m);
      const there = await connectIrc(a.port, "there");
      const here = await connectIrc(b.port, "here");
      clients.push(there, here);
      await joinIrc(there, "there", "#r");
      await joinIrc(here, "here", "#r");
      await there.until(/^:here!\S+ JOIN #r/);
      const flowed = await (await fetch(`http://127.0.0.1:${web}/metrics`)).text();
      assert.match(flowed, /^tcpchat_bus_messages_total\{direction="in"\} [1-9]/m);
      assert.match(flowed, /^tcpchat_bus_messages_total\{direction="out"\} [1-9]/m);

      redis.kill("SIGKILL");
      // The node drops the other node's users once the bus has been down a while: by then it knows.
      await here.until(/^:there!\S+ QUIT :Lost the link to its node/, 15_000);
      const down = await fetch(`http://127.0.0.1:${web}/readyz`);
      assert.equal(down.status, 503);
      assert.equal(await down.text(), "not ready: the bus is not connected\n");
      // Alive all the same.
      assert.equal((await fetch(`http://127.0.0.1:${web}/healthz`)).status, 200);

      // Redis again on the same port: each node reconnects and tells the other its users. The web node's
      // user reaching the other node proves its bus is up again (a node publishes only while it is).
      redis = await startRedis(port);
      await there.until(/^:here!\S+ JOIN #r\r?$/, DEFAULT_WAIT_MS);
      await here.until(/^:there!\S+ JOIN #r\r?$/, DEFAULT_WAIT_MS);
      const back = await fetch(`http://127.0.0.1:${web}/readyz`);
      assert.equal(back.status, 200);
      assert.equal(await back.text(), "ready\n");
      assert.match(
        await (await fetch(`http://127.0.0.1:${web}/metrics`)).text(),
        /^tcpchat_bus_connected 1$/m,
      );
      // And the rooms flow between the nodes again.
      there.send("PRIVMSG #r :after the outage");
      await here.until(/^:there!\S+ PRIVMSG #r :after the outage\r?$/);
    } finally {
      for (const client of clients) client.destroy();
      redis.kill("SIGKILL");
      await Promise.all(nodes.map((node) => node.shutdown()));
    }
  });
});
