// What once stayed on its node now reaches the others as operations: TAGMSG, WALLOPS, +i, away and nick
// changes, and every message's msgid and server-time, the same on every node. Run on the in-memory bus and
// on Redis with three nodes.
import assert from "node:assert/strict";
import { describe, it as test } from "node:test";
import { parseTags } from "../../src/protocol/irc/message.js";
import { withoutCr as strip } from "../support/line-client.js";
import { connectIrcWithCaps, joinIrc, nodesBackends, threeNodes } from "../support/rooms.js";

const CAPS = "message-tags server-time away-notify echo-message";

const BACKENDS = await nodesBackends("nodes-ops");

/** The tags of a line as a map, and the line without them. */
function tagsOf(line: string): { tags: Record<string, string>; body: string } {
  const text = strip(line);
  if (!text.startsWith("@")) return { tags: {}, body: text };
  const space = text.indexOf(" ");
  const tags: Record<string, string> = {};
  parseTags(text.slice(1, space), tags);
  return { tags, body: text.slice(space + 1) };
}

for (const backend of BACKENDS) {
  describe(`operations across nodes (${backend.name})`, { timeout: 60_000 }, () => {
    const it = (name: string, fn: () => Promise<void>) => test(name, { skip: backend.skip }, fn);
    const { port, track } = threeNodes(backend, { opers: [{ name: "boss", password: "pw" }] });

    /** Registered on node `node` with every capability these tests look at. */
    const irc = async (node: number, nick: string) => track(await connectIrcWithCaps(port(node), nick, CAPS));

    it("sends every message with one msgid and one time, the same on every node, echoes included", async () => {
      const a = await irc(0, "ida");
      const b = await irc(1, "idb");
      const c = await irc(2, "idc");
      await joinIrc(a, "ida", "#ids");
      await joinIrc(b, "idb", "#ids");
      await joinIrc(c, "idc", "#ids");
      // Each node fans the message out to its own members: those joined there already.
      a.send("PRIVMSG #ids :stamped\r");
      const echo = tagsOf((await a.until(/PRIVMSG #ids :stamped/)).at(-1) ?? "");
      const onB = tagsOf((await b.until(/PRIVMSG #ids :stamped/)).at(-1) ?? "");
      const onC = tagsOf((await c.until(/PRIVMSG #ids :stamped/)).at(-1) ?? "");
      assert.match(echo.tags.msgid ?? "", /^[\w-]+$/);
      assert.ok(echo.tags.time, "server-time");
      for (const other of [onB, onC]) {
        assert.equal(other.tags.msgid, echo.tags.msgid);
        assert.equal(other.tags.time, echo.tags.time);
        assert.equal(other.body, echo.body);
      }
    });

    it("carries TAGMSG to the other nodes", async () => {
      const a = await irc(0, "typer");
      const b = await irc(1, "watcher");
      await joinIrc(a, "typer", "#typing");
      await joinIrc(b, "watcher", "#typing");
      await a.until(/watcher!\S+ JOIN #typing/);
      a.send("@+typing=active TAGMSG #typing\r");
      const line = tagsOf((await b.until(/ TAGMSG #typing/)).at(-1) ?? "");
      assert.equal(line.tags["+typing"], "active");
      assert.ok(line.tags.msgid);
      assert.equal(line.body, ":typer!typer@127.0.0.1 TAGMSG #typing");
      // To one user on another node, too.
      a.send("@+typing=done TAGMSG watcher\r");
      assert.equal(tagsOf((await b.until(/ TAGMSG watcher/)).at(-1) ?? "").tags["+typing"], "done");
    });

    it("carries WALLOPS to operators and +w users on every node", async () => {
      const boss = await irc(0, "boss");
      const listener = await irc(2, "wlisten");
      listener.send("MODE wlisten +w\r");
      await listener.until(/ MODE wlisten :\+w/);
      boss.send("OPER boss pw\r");
      await boss.until(/ MODE boss :\+o/);
      // The listener's node applies the WALLOPS operation and finds its +w user there.
      boss.send("WALLOPS :all hands\r");
      assert.match(
        strip((await listener.until(/ WALLOPS /)).at(-1) ?? ""),
        /:boss!boss@127\.0\.0\.1 WALLOPS :all hands$/,
      );
      await boss.until(/ WALLOPS :all hands/);
    });

    it("SAJOIN and SAPART of another node's user: that user's node joins and parts it", async () => {
      const boss = await irc(0, "sboss");
      const target = await irc(1, "starget");
      const keeper = await irc(2, "skeeper");
      await joinIrc(keeper, "skeeper", "#locked");
      keeper.send("MODE #locked +k sesame\r");
      await keeper.until(/ MODE #locked \+k sesame/);
      // The operator's node must know the target and the room before it asks.
      for (;;) {
        boss.send("LIST #locked\r");
        if ((await boss.until(/ 323 /)).some((line) => / 322 sboss #locked /.test(line))) break;
      }
      boss.send("WHOIS starget\r");
      await boss.until(/ 318 sboss starget /);
      boss.send("OPER boss pw\r");
      await boss.until(/ MODE sboss :\+o/);
      boss.send("SAJOIN starget #locked\r");
      // Past the key, decided and told on the target's node as its own join, seen by the room's members.
      const joined = strip((await target.until(/ JOIN #locked/)).at(-1) ?? "");
      assert.equal(tagsOf(joined).body, ":starget!starget@127.0.0.1 JOIN #locked");
      await target.until(/ 366 starget #locked /);
      await keeper.until(/:starget!\S+ JOIN #locked/);
      boss.send("SAPART starget #locked :enough\r");
      await target.until(/:starget!\S+ PART #locked :enough/);
      await keeper.until(/:starget!\S+ PART #locked :enough/);
      // Refused where the operator is, once its node has heard of the part.
      for (;;) {
        boss.send("NAMES #locked\r");
        if (!(await boss.until(/ 366 /)).some((line) => / 353 .*starget/.test(line))) break;
      }
      boss.send("SAPART starget #locked\r");
      assert.match(strip((await boss.until(/ 441 /)).at(-1) ?? ""), / 441 sboss starget #locked :/);
    });

    it("tells +i, away and nick changes to the other nodes as to the origin", async () => {
      const here = await irc(0, "herei");
      const there = await irc(1, "therei");
      await joinIrc(here, "herei", "#seen");
      await joinIrc(there, "therei", "#seen");
      await here.until(/therei!\S+ JOIN #seen/);
      // +i: counted as invisible on the other node.
      here.send("LUSERS\r");
      const before = Number(/and (\d+) invisible/.exec((await here.until(/ 251 /)).at(-1) ?? "")?.[1]);
      there.send("MODE therei +i\r");
      await there.until(/ MODE therei :\+i/);
      for (;;) {
        here.send("LUSERS\r");
        const now = Number(/and (\d+) invisible/.exec((await here.until(/ 251 /)).at(-1) ?? "")?.[1]);
        if (now === before + 1) break;
      }
      // Away: away-notify on the other node, and WHOIS there shows it.
      there.send("AWAY :out to lunch\r");
      assert.match(
        strip((await here.until(/ AWAY /)).at(-1) ?? ""),
        /:therei!therei@127\.0\.0\.1 AWAY :out to lunch$/,
      );
      here.send("WHOIS therei\r");
      assert.ok((await here.until(/ 318 /)).some((line) => / 301 herei therei :out to lunch/.test(line)));
      // Nick: seen the same on both nodes.
      there.send("NICK thereo\r");
      const origin = strip((await there.until(/ NICK thereo/)).at(-1) ?? "");
      const elsewhere = strip((await here.until(/ NICK thereo/)).at(-1) ?? "");
      assert.equal(tagsOf(elsewhere).body, tagsOf(origin).body);
      assert.equal(tagsOf(elsewhere).tags.time, tagsOf(origin).tags.time);
    });
  });
}
