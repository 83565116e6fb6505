// IRCv3 features that cross nodes as operations of the room core: MONITOR follows users of other nodes,
// SETNAME and CHGHOST reach every node's clients. Run on the in-memory bus and on Redis with three nodes.
import assert from "node:assert/strict";
import { after, before, describe, it as test } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { LineClient } from "../support/line-client.js";
import { dropPrefix, REDIS_URL, redisSkipReason, testPrefix } from "../support/redis.js";
import { joinIrc, startRoomsServer } from "../support/rooms.js";

const CAPS = "setname chghost extended-monitor away-notify";
const strip = (line: string) => line.replace(/\r$/, "");

let memoryNetworks = 0;
const BACKENDS = [
  {
    name: "in-memory bus",
    skip: false as string | false,
    bus: () => ({ bus: `memory:monitor-${++memoryNetworks}`, busPrefix: "unused" }),
    cleanup: async (_prefix: string) => {},
  },
  {
    name: "Redis bus",
    skip: await redisSkipReason(),
    bus: () => ({ bus: REDIS_URL, busPrefix: testPrefix("nodes-monitor") }),
    cleanup: (prefix: string) => dropPrefix(REDIS_URL, prefix),
  },
];

for (const backend of BACKENDS) {
  describe(`MONITOR, SETNAME and CHGHOST across nodes (${backend.name})`, { timeout: 60_000 }, () => {
    const it = (name: string, fn: () => Promise<void>) => test(name, { skip: backend.skip }, fn);
    const nodes: RunningServer[] = [];
    const clients: LineClient[] = [];
    let prefix = "";

    before(async () => {
      if (backend.skip) return;
      const bus = backend.bus();
      prefix = bus.busPrefix;
      for (let i = 0; i < 3; i++)
        nodes.push(await startRoomsServer("evented", { ...bus, opers: [{ name: "boss", password: "pw" }] }));
    });
    after(async () => {
      for (const client of clients) client.destroy();
      await Promise.all(nodes.map((node) => node.shutdown()));
      if (!backend.skip) await backend.cleanup(prefix);
    });

    const irc = async (node: number, nick: string) => {
      const client = await LineClient.connect((nodes[node] as RunningServer).port);
      clients.push(client);
      client.write(
        `CAP LS 302\r\nCAP REQ :${CAPS}\r\nNICK ${nick}\r\nUSER ${nick} 0 * :${nick}\r\nCAP END\r\n`,
      );
      await client.until(/ (376|422) /);
      return client;
    };

    it("follows with MONITOR a user of another node as it comes, changes and goes", async () => {
      const watcher = await irc(0, "mwatch");
      watcher.send("MONITOR + mstar\r");
      assert.equal(strip((await watcher.until(/ 731 /)).at(-1) ?? ""), ":irc.test 731 mwatch :mstar");
      const star = await irc(1, "mstar");
      assert.equal(
        strip((await watcher.until(/ 730 /)).at(-1) ?? ""),
        ":irc.test 730 mwatch :mstar!mstar@127.0.0.1",
      );
      star.send("AWAY :elsewhere\r");
      assert.equal(
        strip((await watcher.until(/ AWAY /)).at(-1) ?? ""),
        ":mstar!mstar@127.0.0.1 AWAY :elsewhere",
      );
      star.send("SETNAME :Far Star\r");
      assert.equal(
        strip((await watcher.until(/ SETNAME /)).at(-1) ?? ""),
        ":mstar!mstar@127.0.0.1 SETNAME :Far Star",
      );
      // An operator on a third node changes its host: every node takes it.
      const boss = await irc(2, "mboss");
      boss.send("OPER boss pw\r");
      await boss.until(/ 381 /);
      boss.send("CHGHOST mstar cloak.example\r");
      assert.equal(
        strip((await star.until(/ CHGHOST /)).at(-1) ?? ""),
        ":mstar!mstar@127.0.0.1 CHGHOST mstar cloak.example",
      );
      assert.equal(
        strip((await watcher.until(/ CHGHOST /)).at(-1) ?? ""),
        ":mstar!mstar@127.0.0.1 CHGHOST mstar cloak.example",
      );
      watcher.send("WHOIS mstar\r");
      assert.equal(
        strip((await watcher.until(/ 311 /)).at(-1) ?? ""),
        ":irc.test 311 mwatch mstar mstar cloak.example * :Far Star",
      );
      star.send("NICK mstar2\r");
      assert.equal(strip((await watcher.until(/ 731 /)).at(-1) ?? ""), ":irc.test 731 mwatch :mstar");
      star.send("NICK mstar\r");
      assert.equal(
        strip((await watcher.until(/ 730 /)).at(-1) ?? ""),
        ":irc.test 730 mwatch :mstar!mstar@cloak.example",
      );
      star.send("QUIT\r");
      assert.equal(strip((await watcher.until(/ 731 /)).at(-1) ?? ""), ":irc.test 731 mwatch :mstar");
    });

    it("tells every node's members of a SETNAME and a CHGHOST, with the fallback for clients without chghost", async () => {
      const a = await irc(0, "sna");
      const b = await irc(1, "snb");
      const plain = await LineClient.connect((nodes[2] as RunningServer).port);
      clients.push(plain);
      plain.write("NICK snplain\r\nUSER snplain 0 * :snplain\r\n");
      await plain.until(/ (376|422) /);
      await joinIrc(a, "sna", "#far");
      await joinIrc(b, "snb", "#far");
      await joinIrc(plain, "snplain", "#far");
      await a.until(/snplain!\S+ JOIN #far/);
      await b.until(/snplain!\S+ JOIN #far/);
      b.send("SETNAME :B on node two\r");
      assert.equal(
        strip((await a.until(/ SETNAME /)).at(-1) ?? ""),
        ":snb!snb@127.0.0.1 SETNAME :B on node two",
      );
      const boss = await irc(0, "snboss");
      boss.send("OPER boss pw\r");
      await boss.until(/ 381 /);
      boss.send("CHGHOST snb vhost.example\r");
      assert.equal(
        strip((await a.until(/ CHGHOST /)).at(-1) ?? ""),
        ":snb!snb@127.0.0.1 CHGHOST snb vhost.example",
      );
      const seen = (await plain.until(/snb!snb@vhost\.example JOIN #far/)).map(strip);
      assert.deepEqual(seen.slice(-2), [
        ":snb!snb@127.0.0.1 QUIT :Changing host",
        ":snb!snb@vhost.example JOIN #far",
      ]);
      // LINKS: this node and the two others, each once.
      a.send("LINKS\r");
      const links = (await a.until(/ 365 /)).map(strip).filter((line) => / 36[45] /.test(line));
      assert.equal(links.length, 4, links.join("\n"));
      assert.match(links[0] as string, /^:irc\.test 364 sna irc\.test irc\.test :0 tcpchat node \S+$/);
      assert.match(links[1] as string, /^:irc\.test 364 sna irc\.test irc\.test :1 tcpchat node \S+$/);
      assert.match(links[2] as string, /^:irc\.test 364 sna irc\.test irc\.test :1 tcpchat node \S+$/);
      assert.equal(new Set(links.slice(0, 3)).size, 3);
    });
  });
}
