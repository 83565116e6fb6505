// Registered channels in the store. The store's channels (over SQLite, memory and PostgreSQL) and the
// in-memory one keep a channel whole: founder, topic with setter and time, modes, key, limit, and the +b, +e
// and +I lists in order. A real server over SQLite and PostgreSQL, killed with kill -9, comes back with a
// registered channel exactly as it was (its founder opped, its modes and lists applied to whoever joins); a drop lasts;
// nodes sharing PostgreSQL over the Redis bus see one node's registration and changes, and so does a node
// started later.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import {
  type ChannelStore,
  MemoryChannelStore,
  type RegisteredChannel,
} from "../../src/rooms/services/channels-store.js";
import { SqlChannelStore } from "../../src/store/channels.js";
import { ask, saslConnect } from "../support/accounts.js";
import { cliSuite } from "../support/cli.js";
import { Irc } from "../support/irc.js";
import { redisSkipReason } from "../support/redis.js";
import { sharedStoreNodes } from "../support/shared-store-nodes.js";
import { StoredServer } from "../support/stored-server.js";
import { storeBackends, type TestStore, withFreshStore } from "../support/stores.js";
import { DEFAULT_WAIT_MS, SUITE_TIMEOUT_MS } from "../support/timing.js";

const KEPT: RegisteredChannel = {
  name: "#Kept",
  founder: "Alice",
  registeredAt: 1000,
  topic: { text: "a topic", setBy: "alice!alice@127.0.0.1", setAt: 2000 },
  modes: {
    inviteOnly: true,
    moderated: false,
    noExternal: true,
    secret: true,
    topicLocked: false,
    key: "sesame",
    limit: 5,
  },
  bans: [
    { mask: "z!*@*", setBy: "alice", setAt: 3000 },
    { mask: "a!*@*", setBy: "alice", setAt: 3001 },
  ],
  exceptions: [{ mask: "ok!*@*", setBy: "alice", setAt: 3002 }],
  inviteExceptions: [{ mask: "in!*@*", setBy: "alice", setAt: 3003 }],
};

async function conforms(channels: ChannelStore): Promise<void> {
  await channels.save("#kept", KEPT);
  const bare: RegisteredChannel = {
    ...KEPT,
    name: "#bare",
    topic: null,
    modes: { ...KEPT.modes, inviteOnly: false, key: null, limit: null },
    bans: [],
    exceptions: [],
    inviteExceptions: [],
  };
  await channels.save("#bare", bare);
  assert.deepEqual(await channels.find("#kept"), KEPT);
  assert.equal(await channels.find("#none"), null);
  assert.deepEqual(
    (await channels.list()).sort((a, b) => (a.name < b.name ? -1 : 1)),
    [KEPT, bare],
  );
  // A save replaces the channel whole: the lists too.
  const changed: RegisteredChannel = {
    ...KEPT,
    topic: null,
    bans: [{ mask: "a!*@*", setBy: "alice", setAt: 3001 }],
    exceptions: [],
  };
  await channels.save("#kept", changed);
  assert.deepEqual(await channels.find("#kept"), changed);
  await channels.drop("#kept");
  assert.equal(await channels.find("#kept"), null);
  assert.deepEqual(
    (await channels.list()).map((c) => c.name),
    ["#bare"],
  );
}

const allBackends = await storeBackends();
const backends = allBackends.filter((b) => b.name !== "memory");
const redisSkip = await redisSkipReason();

describe("channel store in memory", () => {
  it("keeps channels as the store's does", () => conforms(new MemoryChannelStore()));
});

for (const backend of allBackends) {
  describe(`channel rows over ${backend.name}`, { skip: backend.skip }, () => {
    it("keep a channel whole, its lists in order, replaced by each save", async () => {
      await withFreshStore(backend, "channel-rows", async (store) => {
        await conforms(new SqlChannelStore(store.db));
      });
    });
  });
}

/** The lines `c` gets for `MODE <channel> <list>` up to the list's end, its nick left out. */
async function maskList(c: Irc, channel: string, list: "b" | "e" | "I"): Promise<string[]> {
  c.send(`MODE ${channel} ${list}`);
  const lines = await c.raw.until(/ (368|349|347) /);
  return lines.map((line) => line.replace(/\r$/, "")).filter((line) => / (367|348|346) /.test(line));
}

/** What a member sees of a channel: its topic, who set it and when, its modes and its lists. */
async function state(c: Irc, channel: string): Promise<string[]> {
  c.send(`TOPIC ${channel}`);
  const topic = [await c.numeric("332"), await c.numeric("333")];
  c.send(`MODE ${channel}`);
  const modes = await c.numeric("324");
  return [
    ...topic,
    modes,
    ...(await maskList(c, channel, "b")),
    ...(await maskList(c, channel, "e")),
    ...(await maskList(c, channel, "I")),
  ].map((line) => line.replace(/^(:irc\.test \d{3} )?\S+ /, "$1"));
}

for (const backend of backends) {
  describe(`registered channels over ${backend.name}`, {
    timeout: SUITE_TIMEOUT_MS,
    skip: backend.skip,
  }, () => {
    const cli = cliSuite();
    const stores: TestStore[] = [];
    const clients: Irc[] = [];
    const keep = (c: Irc) => {
      clients.push(c);
      return c;
    };
    after(async () => {
      for (const client of clients) client.close();
      for (const store of stores) await store.remove();
    });

    it("come back after kill -9 as they were, applied to whoever joins; the founder is opped; a drop lasts", async () => {
      const made = await backend.create("channels");
      stores.push(made);
      const server = new StoredServer(cli, made.config);
      let port = await server.start();
      const founder = keep(await Irc.register(port, "founder"));
      assert.match(await ask(founder, "REGISTER founder-password"), /^Account founder registered/);
      await founder.join("#kept");
      founder.send("MODE #kept +imsk sesame");
      founder.send("MODE #kept +l 5");
      founder.send("MODE #kept +bb bad*!*@* other!*@*");
      founder.send("MODE #kept +e badok!*@*");
      founder.send("MODE #kept +II invited!*@* bad*!*@*");
      await founder.expect(/ MODE #kept \+II /);
      founder.send("TOPIC #kept :before registering");
      await founder.expect(/ TOPIC #kept /);
      assert.equal(await ask(founder, "REGISTER #kept", "ChanServ"), "#kept is registered to founder.");
      // A change after the registration is kept too.
      founder.send("TOPIC #kept :the kept topic");
      await founder.expect(/ TOPIC #kept :the kept topic/);
      founder.send("MODE #kept -b other!*@*");
      await founder.expect(/ MODE #kept -b /);
      const before = await state(founder, "#kept");
      assert.deepEqual(before.slice(0, 3), ["#kept :the kept topic", before[1], "#kept +iklmnst sesame :5"]);
      assert.match(before[1] as string, /^#kept founder!founder@127\.0\.0\.1 :\d+$/);
      assert.deepEqual(
        before.slice(3).map((line) => line.replace(/ :\d+$/, "")),
        [
          ":irc.test 367 #kept bad*!*@* founder!founder@127.0.0.1",
          ":irc.test 348 #kept badok!*@* founder!founder@127.0.0.1",
          ":irc.test 346 #kept invited!*@* founder!founder@127.0.0.1",
          ":irc.test 346 #kept bad*!*@* founder!founder@127.0.0.1",
        ],
      );
      // Empty while registered.
      founder.send("PART #kept");
      await founder.expect(/ PART #kept/);
      await server.killAfterWindow();

      port = await server.start();
      // The founder, logged in, comes back first: as its operator, past its own modes.
      const { c: back, outcome } = await saslConnect(port, "founder", "founder", "founder-password", "PLAIN");
      keep(back);
      assert.equal(outcome, "903");
      const names = await back.join("#kept");
      assert.ok(
        names.some((line) => / 353 founder \S #kept :@founder$/.test(line)),
        names.join("\n"),
      );
      assert.deepEqual(await state(back, "#kept"), before);
      const guest = keep(await Irc.register(port, "guest"));
      guest.send("JOIN #kept sesame");
      assert.equal(await guest.numeric("473"), "guest #kept :Cannot join channel (+i)");
      const invited = keep(await Irc.register(port, "invited"));
      invited.send("JOIN #kept");
      assert.equal(await invited.numeric("475"), "invited #kept :Cannot join channel (+k)");
      const bad = keep(await Irc.register(port, "badone"));
      bad.send("JOIN #kept sesame");
      assert.equal(await bad.numeric("474"), "badone #kept :Cannot join channel (+b)");
      const exempt = keep(await Irc.register(port, "badok"));
      const joined = await exempt.join("#kept", "sesame");
      assert.ok(
        joined.some((line) => / 353 badok \S #kept :@founder badok$/.test(line)),
        joined.join("\n"),
      );
      assert.deepEqual(await state(exempt, "#kept"), before);
      assert.equal(await ask(back, "DROP #kept", "ChanServ"), "#kept is no longer registered.");
      await server.stop();

      port = await server.start();
      const later = keep(await Irc.register(port, "later"));
      assert.equal(await ask(later, "INFO #kept", "ChanServ"), "#kept is not registered.");
      const fresh = await later.join("#kept");
      assert.ok(
        fresh.some((line) => / 353 later \S #kept :@later$/.test(line)),
        fresh.join("\n"),
      );
      await server.stop();
    });
  });
}

const postgres = backends.find((b) => b.name === "postgres");
describe("registered channels of nodes sharing PostgreSQL over the Redis bus", {
  timeout: SUITE_TIMEOUT_MS,
  skip: postgres?.skip || redisSkip,
}, () => {
  assert.ok(postgres);
  const shared = sharedStoreNodes(postgres, "channels-nodes");
  const clients = shared.clients;

  it("a channel registered on one node is registered on the other, with changes from either", async () => {
    const [a, b] = (await shared.start(2)) as [RunningServer, RunningServer];
    const alice = await Irc.register(a.port, "alice");
    clients.push(alice);
    assert.match(await ask(alice, "REGISTER alice-password"), /^Account alice registered/);
    await alice.join("#shared");
    assert.equal(await ask(alice, "REGISTER #shared", "ChanServ"), "#shared is registered to alice.");
    const bob = await Irc.register(b.port, "bob");
    clients.push(bob);
    // B hears of the registration and reads the channel from the store.
    const deadline = Date.now() + DEFAULT_WAIT_MS;
    while (!(await ask(bob, "INFO #shared", "ChanServ")).startsWith("#shared: founder alice,"))
      assert.ok(Date.now() < deadline, "B's ChanServ never knew #shared");
    // A change decided on B, the founder's: alice logs in on B too, and sets the topic there.
    const aliceOnB = await saslConnect(b.port, "alice_b", "alice", "alice-password", "PLAIN");
    clients.push(aliceOnB.c);
    assert.equal(aliceOnB.outcome, "903");
    await aliceOnB.c.join("#shared");
    aliceOnB.c.send("TOPIC #shared :set on B");
    await alice.expect(/ TOPIC #shared :set on B/);
    alice.send("MODE #shared +k fromA");
    await aliceOnB.c.expect(/ MODE #shared \+k fromA/);
    await shared.stop();

    // A node started later on the same store, alone, has the channel as both left it.
    const later = await shared.startOffBus();
    const carol = await Irc.register(later.port, "carol");
    clients.push(carol);
    carol.send("JOIN #shared");
    assert.equal(await carol.numeric("475"), "carol #shared :Cannot join channel (+k)");
    const joined = await carol.join("#shared", "fromA");
    assert.ok(
      joined.some((line) => / 332 carol #shared :set on B$/.test(line)),
      joined.join("\n"),
    );
    const founder = await saslConnect(later.port, "alice", "alice", "alice-password", "PLAIN");
    clients.push(founder.c);
    const names = await founder.c.join("#shared", "fromA");
    assert.ok(
      names.some((line) => / 353 alice \S #shared :carol @alice$/.test(line)),
      names.join("\n"),
    );
  });
});
