// IRCv3 features that cross nodes as operations of the room core: MONITOR follows users of other nodes,
// SETNAME and CHGHOST reach every node's clients. Run on the in-memory bus and on Redis with three nodes.
import assert from "node:assert/strict";
import { describe, it as test } from "node:test";
import { LineClient, withoutCr as strip } from "../support/line-client.js";
import { connectIrcWithCaps, joinIrc, nodesBackends, threeNodes } from "../support/rooms.js";

const CAPS = "setname chghost extended-monitor away-notify";

const BACKENDS = await nodesBackends("nodes-monitor");

for (const backend of BACKENDS) {
  describe(`MONITOR, SETNAME and CHGHOST across nodes (${backend.name})`, { timeout: 60_000 }, () => {
    const it = (name: string, fn: () => Promise<void>) => test(name, { skip: backend.skip }, fn);
    const { port, track } = threeNodes(backend, { opers: [{ name: "boss", password: "pw" }] });

    const irc = async (node: number, nick: string) => track(await connectIrcWithCaps(port(node), nick, CAPS));

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
      const plain = track(await LineClient.connect(port(2)));
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
