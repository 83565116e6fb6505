// Server bans last: over SQLite and PostgreSQL, a real server process killed with SIGKILL once the durability
// window has passed since the operator's last change comes back refusing its K-lines and D-lines, without
// the one that ended meanwhile (deleted from the store) and without the one lifted; nodes sharing PostgreSQL
// over the Redis bus write each change once, on the node that decided it, and a node started later on the
// same store holds them.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import type { RunningServer } from "../../src/models/index.js";
import { compareStamps } from "../../src/rooms/core/operations.js";
import { DURABILITY_WINDOW_MS } from "../../src/rooms/history.js";
import { openStore, type StoreConfig } from "../../src/store/index.js";
import { type BanChange, ServerBanRows } from "../../src/store/server-bans.js";
import { cliSuite } from "../support/cli.js";
import { LineClient, withoutCr } from "../support/line-client.js";
import { dropPrefix, REDIS_URL, redisSkipReason, testPrefix } from "../support/redis.js";
import { connectIrc, startRoomsServer } from "../support/rooms.js";
import { StoredServer } from "../support/stored-server.js";
import { storeBackends, type TestStore } from "../support/stores.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

/** An operator's password on the command line. */
const OPER = ["--oper", "boss:secret"];

/** An IRC operator on `port`. */
async function operator(port: number, nick = "op"): Promise<LineClient> {
  const op = await connectIrc(port, nick);
  op.send("OPER boss secret\r");
  await op.until(new RegExp(` 381 ${nick} `));
  return op;
}

/** What a registration as `user` from `localAddress` gets until the server closes, or its welcome. */
async function register(port: number, user: string, localAddress = "127.0.0.1"): Promise<string[]> {
  const client = await LineClient.connect(port, "127.0.0.1", localAddress);
  try {
    client.write(`NICK ${user}\r\nUSER ${user} 0 * :${user}\r\n`);
    const lines = await client.until(/^(:irc\.test 001 |ERROR )/);
    const last = withoutCr(lines.at(-1) ?? "");
    return last.startsWith("ERROR") ? lines.map(withoutCr) : [last.split(" :")[0] ?? ""];
  } finally {
    client.destroy();
  }
}

/** The rows of the store's ban table, as `kind mask lifted reason`, sorted. */
async function banRows(config: StoreConfig): Promise<string[]> {
  const store = await openStore(config);
  try {
    const rows = await store.db.selectFrom("server_bans").selectAll().execute();
    return rows.map((r) => `${r.kind} ${r.mask} ${Number(r.lifted)} ${r.reason}`).sort();
  } finally {
    await store.close();
  }
}

const allBackends = await storeBackends();
const backends = allBackends.filter((b) => b.name !== "memory");
const redisSkip = await redisSkipReason();

for (const backend of allBackends) {
  describe(`server ban rows over ${backend.name}`, { timeout: SUITE_TIMEOUT_MS, skip: backend.skip }, () => {
    it("keep the latest change to a mask whatever order they are written in, and delete ended bans", async () => {
      const made = await backend.create("ban-rows");
      const store = await openStore(made.config);
      try {
        const rows = new ServerBanRows(store.db, compareStamps);
        const set = (time: number, reason: string, expiresAt: number | null = null): BanChange => ({
          lifted: false,
          kind: "kline",
          key: "spam@*",
          mask: "Spam@*",
          reason,
          setBy: "op",
          setAt: time,
          expiresAt,
          stamp: { time, origin: "node", id: `id${time}` },
        });
        const lift = (time: number): BanChange => ({
          lifted: true,
          kind: "kline",
          key: "spam@*",
          mask: "Spam@*",
          stamp: { time, origin: "node", id: `id${time}` },
        });
        await rows.write([set(20, "second"), set(10, "first")]);
        assert.deepEqual(
          (await rows.load()).map((r) => (r.lifted ? "lifted" : r.reason)),
          ["second"],
        );
        await rows.write([lift(30)]);
        await rows.write([set(25, "late")]);
        assert.deepEqual(
          (await rows.load()).map((r) => [r.lifted, r.stamp.time]),
          [[true, 30]],
        );
        await rows.write([set(40, "again", 100), { ...set(41, "other", 1000), key: "x@*", mask: "x@*" }]);
        // At 100 the first has ended; lifts older than 0 are kept.
        assert.equal(await rows.expire(100, 0), 1);
        assert.deepEqual(
          (await rows.load()).map((r) => r.mask),
          ["x@*"],
        );
      } finally {
        await store.close();
        await made.remove();
      }
    });
  });
}

for (const backend of backends) {
  describe(`server bans over ${backend.name}`, { timeout: SUITE_TIMEOUT_MS, skip: backend.skip }, () => {
    const cli = cliSuite();
    const stores: TestStore[] = [];
    const clients: LineClient[] = [];
    after(async () => {
      for (const client of clients) client.destroy();
      for (const store of stores) await store.remove();
    });

    it("K-lines and D-lines refuse after kill -9 and restart; an ended one is gone, a lifted one stays lifted", async () => {
      const made = await backend.create("bans");
      stores.push(made);
      const server = new StoredServer(cli, made.config, OPER);
      const port = await server.start();
      const op = await operator(port);
      clients.push(op);
      op.send("KLINE kept@* :stay out\r");
      await op.until(/NOTICE op :Added permanent K-line for kept@\*: stay out/);
      op.send("DLINE 127.0.0.2 :wrong address\r");
      await op.until(/NOTICE op :Added permanent D-line for 127\.0\.0\.2: wrong address/);
      op.send("KLINE 1s brief@* :not for long\r");
      await op.until(/NOTICE op :Added 1s K-line for brief@\*: not for long/);
      op.send("KLINE 1h lifted@* :for a moment\r");
      await op.until(/NOTICE op :Added 1h K-line for lifted@\*: for a moment/);
      op.send("UNKLINE lifted@*\r");
      await op.until(/NOTICE op :Removed K-line for lifted@\*/);
      await server.killAfterWindow();

      // Every change is in the store: the lift as a lifted row.
      assert.deepEqual(await banRows(made.config), [
        "dline 127.0.0.2 0 wrong address",
        "kline brief@* 0 not for long",
        "kline kept@* 0 stay out",
        "kline lifted@* 1 ",
      ]);
      // The short one ends before the restart (1 s after it was set; the restart takes longer anyway).
      await delay(1000);

      const again = await server.start();
      assert.deepEqual(await register(again, "kept"), [
        ":irc.test 465 kept :You are banned from this server- K-Lined: stay out",
        "ERROR :Closing Link: 127.0.0.1 (K-Lined: stay out)",
      ]);
      assert.deepEqual(await register(again, "someone", "127.0.0.2"), [
        ":irc.test 465 * :You are banned from this server- D-Lined: wrong address",
        "ERROR :Closing Link: 127.0.0.2 (D-Lined: wrong address)",
      ]);
      assert.deepEqual(await register(again, "lifted"), [":irc.test 001 lifted"]);
      assert.deepEqual(await register(again, "brief"), [":irc.test 001 brief"]);
      const op2 = await operator(again);
      clients.push(op2);
      op2.send("STATS k\r");
      const stats = (await op2.until(/ 219 op k /)).map(withoutCr).filter((l) => / 216 /.test(l));
      assert.deepEqual(stats, [":irc.test 216 op K * * kept :stay out (permanent, set by op)"]);
      await server.stop();
      // The ended ban was deleted from the store when the bans were loaded.
      assert.deepEqual(await banRows(made.config), [
        "dline 127.0.0.2 0 wrong address",
        "kline kept@* 0 stay out",
        "kline lifted@* 1 ",
      ]);
    });
  });
}

const postgres = backends.find((b) => b.name === "postgres");
describe("server bans of nodes sharing PostgreSQL over the Redis bus", {
  timeout: SUITE_TIMEOUT_MS,
  skip: postgres?.skip || redisSkip,
}, () => {
  const nodes: RunningServer[] = [];
  const clients: LineClient[] = [];
  let made: TestStore | null = null;
  const prefix = testPrefix("bans-nodes");
  after(async () => {
    for (const client of clients) client.destroy();
    await Promise.all(nodes.map((node) => node.shutdown()));
    await made?.remove();
    await dropPrefix(REDIS_URL, prefix);
  });

  it("each change is written by the node that decided it, and a node started later holds them", async () => {
    assert.ok(postgres);
    made = await postgres.create("bans-nodes");
    const opers = [{ name: "boss", password: "secret" }];
    for (let i = 0; i < 2; i++)
      nodes.push(
        await startRoomsServer("evented", {
          bus: REDIS_URL,
          busPrefix: prefix,
          store: made.config.store,
          opers,
        }),
      );
    const [a, b] = nodes as [RunningServer, RunningServer];
    const opA = await operator(a.port, "opa");
    const opB = await operator(b.port, "opb");
    clients.push(opA, opB);
    opA.send("KLINE kept@* :from a\r");
    await opA.until(/NOTICE opa :Added permanent K-line for kept@\*: from a/);
    opA.send("KLINE 1h lifted@* :from a too\r");
    await opA.until(/NOTICE opa :Added 1h K-line for lifted@\*: from a too/);
    // B hears A's bans over the bus, and lifts one of them.
    for (;;) {
      opB.send("STATS k\r");
      const lines = await opB.until(/ 219 opb k /);
      if (lines.filter((l) => / 216 /.test(l)).length === 2) break;
      await delay(DURABILITY_WINDOW_MS);
    }
    opB.send("UNKLINE lifted@*\r");
    await opB.until(/NOTICE opb :Removed K-line for lifted@\*/);
    opB.send("DLINE 127.0.0.2 :from b\r");
    await opB.until(/NOTICE opb :Added permanent D-line for 127\.0\.0\.2: from b/);
    await Promise.all(nodes.splice(0).map((node) => node.shutdown()));

    const store = await openStore(made.config);
    let origins: Map<string, string>;
    try {
      const rows = await store.db.selectFrom("server_bans").selectAll().orderBy("mask").execute();
      assert.deepEqual(
        rows.map((r) => `${r.kind} ${r.mask} ${Number(r.lifted)} ${r.reason}`),
        ["dline 127.0.0.2 0 from b", "kline kept@* 0 from a", "kline lifted@* 1 "],
      );
      origins = new Map(rows.map((r) => [r.mask, r.stamp_origin]));
    } finally {
      await store.close();
    }
    // The lift and the D-line are B's, the K-line A's.
    assert.equal(origins.get("lifted@*"), origins.get("127.0.0.2"));
    assert.notEqual(origins.get("kept@*"), origins.get("127.0.0.2"));

    const later = await startRoomsServer("evented", { store: made.config.store });
    nodes.push(later);
    assert.deepEqual(await register(later.port, "kept"), [
      ":irc.test 465 kept :You are banned from this server- K-Lined: from a",
      "ERROR :Closing Link: 127.0.0.1 (K-Lined: from a)",
    ]);
    assert.deepEqual(await register(later.port, "someone", "127.0.0.2"), [
      ":irc.test 465 * :You are banned from this server- D-Lined: from b",
      "ERROR :Closing Link: 127.0.0.2 (D-Lined: from b)",
    ]);
    assert.deepEqual(await register(later.port, "lifted"), [":irc.test 001 lifted"]);
  });
});
