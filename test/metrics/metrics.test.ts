// /metrics, /healthz and /readyz on the web listener, with values checked after known traffic: clients of
// every protocol and transport, a room, messages and their deliveries, a flood disconnect; operations over
// the bus between two nodes and the lag they took; under cluster, one view of every worker. (Clients over
// TLS: test/transport/tls.test.ts.)
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { cliSuite } from "../support/cli.js";
import { Irc } from "../support/irc.js";
import { REDIS_URL, redisSkipReason, suitePrefixes } from "../support/redis.js";
import { SeedClient, startRoomsServer } from "../support/rooms.js";
import { DEFAULT_WAIT_MS, SUITE_TIMEOUT_MS } from "../support/timing.js";
import { WsClient, webPort } from "../support/websocket.js";

/** The samples of a Prometheus text page: `name{labels}` to value. */
async function scrape(port: number): Promise<Map<string, number>> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split("\n")) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) samples.set(m[1] as string, Number(m[2]));
  }
  return samples;
}

const value = (samples: Map<string, number>, name: string): number => {
  const found = samples.get(name);
  assert.notEqual(found, undefined, `${name} in the metrics`);
  return found as number;
};

describe("metrics and health", { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  let port = 0;
  const open: Array<{ close(): void }> = [];
  const keep = <T extends { close(): void }>(client: T): T => {
    open.push(client);
    return client;
  };

  before(async () => {
    server = await startRoomsServer(
      "evented",
      // Flood control as a server runs it, with a burst the test's own traffic stays within.
      { flood: { enabled: true, burst: 20, perSecond: 1 } },
      { web: { port: 0, origins: null, tls: null } },
    );
    port = webPort(server);
  });
  after(async () => {
    for (const client of open) client.close();
    await server.shutdown();
  });

  it("/healthz and /readyz answer once the server listens", async () => {
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), "ok\n");
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(await ready.text(), "ready\n");
  });

  it("counts connections by protocol and transport, users, rooms, lines in and deliveries out", async () => {
    const before = await scrape(port);
    const alice = keep(await Irc.register(server.port, "alice"));
    const bob = keep(await Irc.register(server.port, "bob"));
    const web = keep(await WsClient.register(port, "webby"));
    const seed = await SeedClient.connect(server.port);
    keep({ close: () => seed.raw.destroy() });
    const silent = keep(await Irc.open(server.port)); // connected, has said nothing
    await alice.join("#talk");
    await bob.join("#talk");
    web.send("JOIN #talk");
    await web.until(/ 366 webby #talk /);
    const joined = await seed.join("talk", "seedy");
    await alice.drain();

    const mid = await scrape(port);
    const delta = (name: string) => value(mid, name) - value(before, name);
    assert.equal(delta('tcpchat_connections{protocol="irc",transport="tcp"}'), 2);
    assert.equal(delta('tcpchat_connections{protocol="seed",transport="tcp"}'), 1);
    assert.equal(delta('tcpchat_connections{protocol="websocket",transport="tcp"}'), 1);
    assert.equal(delta('tcpchat_connections{protocol="unknown",transport="tcp"}'), 1);
    assert.equal(value(mid, 'tcpchat_connections{protocol="irc",transport="tls"}'), 0);
    assert.equal(value(mid, "tcpchat_users"), 4);
    assert.equal(value(mid, "tcpchat_local_users"), 4);
    assert.equal(value(mid, "tcpchat_rooms"), 1);
    assert.equal(value(mid, "tcpchat_bus_connected"), 0); // no bus
    assert.ok(value(mid, "nodejs_eventloop_lag_seconds") >= 0);

    // Ten messages from alice: ten lines in, one delivery to each of the three others per message.
    for (let i = 0; i < 10; i++) alice.send(`PRIVMSG #talk :message ${i}`);
    await bob.expect(/PRIVMSG #talk :message 9\r?$/);
    await web.until(/PRIVMSG #talk :message 9$/);
    for (let i = 0; i < 10; i++) await seed.expectChat(joined.ref, "alice", `message ${i}`);
    const after = await scrape(port);
    assert.equal(value(after, "tcpchat_lines_in_total") - value(mid, "tcpchat_lines_in_total"), 10);
    assert.equal(
      value(after, "tcpchat_deliveries_out_total") - value(mid, "tcpchat_deliveries_out_total"),
      30,
    );

    silent.close();
    web.close();
    await bob.drain();
    const gone = await scrape(port);
    assert.equal(value(gone, 'tcpchat_connections{protocol="unknown",transport="tcp"}'), 0);
    assert.equal(value(gone, 'tcpchat_connections{protocol="websocket",transport="tcp"}'), 0);
    assert.equal(value(gone, "tcpchat_users"), 3);
  });

  it("counts a client dropped for flooding", async () => {
    const before = await scrape(port);
    const flooder = keep(await Irc.register(server.port, "flooder"));
    // Far past the burst and the backlog flood control holds: the client is dropped.
    let burst = "";
    for (let i = 0; i < 300; i++) burst += `PRIVMSG flooder :${i}\r\n`;
    flooder.raw.write(burst);
    await flooder.raw.linesUntilClose(undefined, { reset: true });
    const after = await scrape(port);
    const name = 'tcpchat_disconnects_total{reason="flood"}';
    assert.equal(value(after, name) - value(before, name), 1);
  });

  it("a WebSocket client is held to the same flood control, and counted the same", async () => {
    const before = await scrape(port);
    const flooder = keep(await WsClient.register(port, "wsflood"));
    for (let i = 0; i < 300; i++) flooder.send(`PRIVMSG wsflood :${i}`);
    await flooder.until(/^ERROR :Excess Flood$/);
    await flooder.closeCode();
    const after = await scrape(port);
    const name = 'tcpchat_disconnects_total{reason="flood"}';
    assert.equal(value(after, name) - value(before, name), 1);
  });

  it("only GET and HEAD, and only the endpoints there are", async () => {
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`, { method: "POST" })).status, 405);
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`, { method: "HEAD" })).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${port}/metricsz`)).status, 404);
  });
});

describe("metrics under cluster", { timeout: SUITE_TIMEOUT_MS }, () => {
  const commands = cliSuite();

  it("one view of every worker: the connections of all of them, added up", async () => {
    const run = commands.run([
      "serve",
      "--service",
      "rooms",
      "--model",
      "cluster",
      "--workers",
      "2",
      "--port",
      "0",
      "--server-name",
      "irc.test",
    ]);
    const m = await run.waitFor(
      /^listening on 127\.0\.0\.1:(\d+)\nweb listening on http:\/\/127\.0\.0\.1:(\d+)\/\n/m,
    );
    const clients: Irc[] = [];
    try {
      // Enough connections that the primary's round robin gives both workers some.
      for (let i = 0; i < 6; i++) clients.push(await Irc.register(Number(m[1]), `user${i}`));
      for (let i = 0; i < 6; i++) await clients[i]?.join("#all");
      const samples = await scrape(Number(m[2]));
      assert.equal(value(samples, 'tcpchat_connections{protocol="irc",transport="tcp"}'), 6);
      assert.equal(value(samples, "tcpchat_local_users"), 6);
      // Every worker knows all six (the workers share the rooms): the view says six, not twelve.
      assert.equal(value(samples, "tcpchat_users"), 6);
      assert.equal(value(samples, "tcpchat_rooms"), 1);
      assert.equal(value(samples, "tcpchat_bus_connected"), 1);
      const ready = await fetch(`http://127.0.0.1:${m[2]}/readyz`);
      assert.equal(ready.status, 200);
    } finally {
      for (const client of clients) client.close();
      run.kill("SIGTERM");
    }
  });
});

const redisSkip = await redisSkipReason();

describe("metrics of the bus", { skip: redisSkip, timeout: SUITE_TIMEOUT_MS }, () => {
  const commands = cliSuite();
  const prefix = suitePrefixes(redisSkip);

  it("operations out on the sender's node, in on the other's, and the lag they took", async () => {
    const bus = ["--bus", REDIS_URL, "--bus-prefix", prefix("metrics-bus")];
    const node = async () => {
      const run = commands.run([
        "serve",
        "--service",
        "rooms",
        "--port",
        "0",
        "--server-name",
        "irc.test",
        ...bus,
      ]);
      const m = await run.waitFor(
        /^listening on 127\.0\.0\.1:(\d+)\nweb listening on http:\/\/127\.0\.0\.1:(\d+)\/\n/m,
      );
      return { run, irc: Number(m[1]), web: Number(m[2]) };
    };
    const a = await node();
    const b = await node();
    const clients: Irc[] = [];
    try {
      const ann = await Irc.register(a.irc, "ann");
      const bo = await Irc.register(b.irc, "bo");
      clients.push(ann, bo);
      await ann.join("#bus");
      await bo.join("#bus");
      await ann.expect(/^:bo!\S+ JOIN #bus\r?$/);
      // Both nodes have everything so far: what follows is the only traffic.
      ann.send("PRIVMSG #bus :settled");
      await bo.expect(/PRIVMSG #bus :settled\r?$/);
      const beforeA = await scrape(a.web);
      const beforeB = await scrape(b.web);

      for (let i = 0; i < 10; i++) ann.send(`PRIVMSG #bus :over the bus ${i}`);
      await bo.expect(/PRIVMSG #bus :over the bus 9\r?$/);
      const afterA = await scrape(a.web);
      const afterB = await scrape(b.web);
      const delta = (after: Map<string, number>, before: Map<string, number>, name: string) =>
        value(after, name) - value(before, name);
      const OUT = 'tcpchat_bus_messages_total{direction="out"}';
      const IN = 'tcpchat_bus_messages_total{direction="in"}';
      assert.deepEqual(
        [
          delta(afterA, beforeA, OUT),
          delta(afterA, beforeA, IN),
          delta(afterB, beforeB, OUT),
          delta(afterB, beforeB, IN),
        ],
        [10, 0, 0, 10],
      );
      assert.equal(value(afterA, "tcpchat_bus_connected"), 1);
      // The lag is the longest since the last scrape: the ten messages' on b, nothing on a.
      const lag = value(afterB, "tcpchat_bus_lag_seconds");
      assert.ok(lag >= 0 && lag < DEFAULT_WAIT_MS / 1000, String(lag));
      assert.equal(value(afterA, "tcpchat_bus_lag_seconds"), 0);
      // Deliveries: one to bo on b for each message; on a, none (ann has no echo-message).
      assert.equal(delta(afterB, beforeB, "tcpchat_deliveries_out_total"), 10);
      assert.equal(delta(afterA, beforeA, "tcpchat_lines_in_total"), 10);
    } finally {
      for (const client of clients) client.close();
      a.run.kill("SIGTERM");
      b.run.kill("SIGTERM");
    }
  });
});
