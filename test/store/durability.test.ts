// History lasts: over SQLite and PostgreSQL, a real server process killed with SIGKILL once the durability
// window has passed since the last delivery has written every message (the timer's batches and the full
// batches alike); nodes sharing PostgreSQL over the Redis bus write each message once, whichever node
// decided it, and answer CHATHISTORY the same. Messages arrive many to a packet.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { History } from "../../src/store/history.js";
import { openStore } from "../../src/store/index.js";
import { cliSuite } from "../support/cli.js";
import { LineClient } from "../support/line-client.js";
import { dropPrefix, REDIS_URL, redisSkipReason, testPrefix } from "../support/redis.js";
import { joinIrc, startRoomsServer } from "../support/rooms.js";
import { StoredServer } from "../support/stored-server.js";
import { storeBackends, type TestStore } from "../support/stores.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

/** Registered with message-tags, so that each message shows its msgid. */
async function tagged(port: number, nick: string): Promise<LineClient> {
  const client = await LineClient.connect(port);
  client.write(
    `CAP REQ :message-tags server-time batch draft/chathistory\r\nNICK ${nick}\r\nUSER ${nick} 0 * :${nick}\r\nCAP END\r\n`,
  );
  await client.until(/^:irc\.test (376|422) /);
  return client;
}

/** The msgids of `count` PRIVMSGs to `room` as `client` receives them, in order. */
async function receive(client: LineClient, room: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < count) {
    const line = await client.nextLine();
    const m = /^@\S*\bmsgid=([^; ]+)\S* :\S+ PRIVMSG (\S+) :/.exec(line);
    if (m && m[2] === room) ids.push(m[1] as string);
  }
  return ids;
}

/** The msgids of CHATHISTORY LATEST on `room`, as `client`'s node answers it. */
async function latest(client: LineClient, room: string): Promise<string[]> {
  client.send(`CHATHISTORY LATEST ${room} * 1000\r`);
  const lines = await client.until(/ BATCH -\S+\r?$/);
  return lines.flatMap((line) => {
    const m = /msgid=([^; ]+)\S* :\S+ PRIVMSG /.exec(line);
    return m ? [m[1] as string] : [];
  });
}

const backends = (await storeBackends()).filter((b) => b.name !== "memory");
const redisSkip = await redisSkipReason();

for (const backend of backends) {
  describe(`history durability over ${backend.name}`, {
    timeout: SUITE_TIMEOUT_MS,
    skip: backend.skip,
  }, () => {
    const cli = cliSuite();
    const stores: TestStore[] = [];
    const clients: LineClient[] = [];
    after(async () => {
      for (const client of clients) client.destroy();
      for (const store of stores) await store.remove();
    });

    it("kill -9 once the window has passed since the last delivery loses nothing", async () => {
      const made = await backend.create("kill9");
      stores.push(made);
      const server = new StoredServer(cli, made.config);
      const port = await server.start();
      const alice = await tagged(port, "alice");
      const bob = await tagged(port, "bob");
      clients.push(alice, bob);
      await joinIrc(alice, "alice", "#durable");
      await joinIrc(bob, "bob", "#durable");
      // 600 messages in one write (a batch full at 500 rows starts at once), then 50 more after they were
      // delivered: only the timer writes those.
      const texts = Array.from({ length: 650 }, (_, i) => `message ${i} ${"é".repeat(i % 7)}`);
      const lines = texts.map((text) => `PRIVMSG #durable :${text}\r\n`);
      alice.write(lines.slice(0, 600).join(""));
      const delivered = await receive(bob, "#durable", 600);
      alice.write(lines.slice(600).join(""));
      delivered.push(...(await receive(bob, "#durable", 50)));
      await server.killAfterWindow();

      const store = await openStore(made.config);
      try {
        const kept = await new History(store.db).latest("#durable", null, 1000);
        assert.deepEqual(
          kept.map((m) => m.msgid),
          delivered,
        );
        assert.deepEqual(
          kept.map((m) => m.text),
          texts,
        );
        assert.deepEqual(
          new Set(kept.map((m) => `${m.kind} ${m.sender} ${m.account}`)),
          new Set(["privmsg alice!alice@127.0.0.1 null"]),
        );
      } finally {
        await store.close();
      }
    });

    it("an orderly stop writes what waits, and a restart upgrades nothing and keeps it", async () => {
      const made = await backend.create("restart");
      stores.push(made);
      const server = new StoredServer(cli, made.config);
      const port = await server.start();
      const alice = await tagged(port, "alice");
      clients.push(alice);
      await joinIrc(alice, "alice", "#kept");
      alice.write("PRIVMSG #kept :one\r\nNOTICE #kept :two\r\nTAGMSG #kept\r\nPRIVMSG alice :to myself\r\n");
      await alice.until(/ PRIVMSG alice :to myself/);
      await server.stop();
      await server.start();
      await server.stop();
      const store = await openStore(made.config);
      try {
        const kept = await new History(store.db).latest("#kept", null, 10);
        assert.deepEqual(
          kept.map((m) => [m.kind, m.text]),
          [
            ["privmsg", "one"],
            ["notice", "two"],
          ],
        );
        // Only rooms' messages: TAGMSG has no text, and a message to one user is not kept.
        const rows = await store.db.selectFrom("messages").select("target").execute();
        assert.deepEqual(rows.map((r) => r.target).sort(), ["#kept", "#kept"]);
      } finally {
        await store.close();
      }
    });
  });
}

const postgres = backends.find((b) => b.name === "postgres");
describe("history of nodes sharing PostgreSQL over the Redis bus", {
  timeout: SUITE_TIMEOUT_MS,
  skip: postgres?.skip || redisSkip,
}, () => {
  const nodes: RunningServer[] = [];
  const clients: LineClient[] = [];
  let made: TestStore | null = null;
  const prefix = testPrefix("history-nodes");
  after(async () => {
    for (const client of clients) client.destroy();
    await Promise.all(nodes.map((node) => node.shutdown()));
    await made?.remove();
    await dropPrefix(REDIS_URL, prefix);
  });

  it("writes each message once, on the node that decided it", async () => {
    assert.ok(postgres);
    made = await postgres.create("nodes");
    for (let i = 0; i < 2; i++)
      nodes.push(
        await startRoomsServer("evented", { bus: REDIS_URL, busPrefix: prefix, store: made.config.store }),
      );
    const [a, b] = nodes as [RunningServer, RunningServer];
    const alice = await tagged(a.port, "alice");
    const bob = await tagged(b.port, "bob");
    clients.push(alice, bob);
    await joinIrc(alice, "alice", "#shared");
    await joinIrc(bob, "bob", "#shared");
    await alice.until(/ JOIN :?#shared/);
    alice.write(Array.from({ length: 30 }, (_, i) => `PRIVMSG #shared :from a ${i}\r\n`).join(""));
    bob.write(Array.from({ length: 30 }, (_, i) => `PRIVMSG #shared :from b ${i}\r\n`).join(""));
    // Each sees the other's 30 (its own are not echoed back).
    const fromBob = await receive(alice, "#shared", 30);
    const fromAlice = await receive(bob, "#shared", 30);
    // A read writes its own node's waiting messages first: bob's read writes B's, alice's then sees all,
    // and so does bob's second.
    await latest(bob, "#shared");
    const seenOnA = await latest(alice, "#shared");
    const seenOnB = await latest(bob, "#shared");
    assert.equal(seenOnA.length, 60);
    assert.deepEqual(seenOnB, seenOnA);
    assert.deepEqual(new Set(seenOnA), new Set([...fromAlice, ...fromBob]));
    // An orderly stop writes what each node holds.
    await Promise.all(nodes.splice(0).map((node) => node.shutdown()));
    const store = await openStore(made.config);
    try {
      const rows = await store.db.selectFrom("messages").select(["msgid", "sender"]).execute();
      assert.equal(rows.length, 60);
      assert.deepEqual(new Set(rows.map((r) => r.msgid)), new Set([...fromAlice, ...fromBob]));
      assert.equal(rows.filter((r) => r.sender.startsWith("alice!")).length, 30);
    } finally {
      await store.close();
    }
  });
});
