// IRCv3 draft/channel-rename: RENAME by a channel operator, told as RENAME to clients with the capability and
// as PART and JOIN (topic, names) to the others, nothing to them for a change of case; the FAIL replies and
// numerics; the history follows the room; bad input; and across three nodes on each bus.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../../src/models/index.js";
import { Irc } from "../../support/irc.js";
import { LineClient, withoutCr } from "../../support/line-client.js";
import {
  connectIrcWithCaps,
  nodesBackends,
  startRoomsServer,
  threeNodes,
  untilNamesShow,
} from "../../support/rooms.js";
import { sqliteStore, type TestStore } from "../../support/stores.js";

const CAPS = "draft/channel-rename";

/** Lines through the end of the next NAMES, the 333's time as TIME. */
async function throughNames(client: Irc): Promise<string[]> {
  const lines = await client.raw.until(/ 366 /);
  return lines.map((line) => withoutCr(line).replace(/ (333 \S+ \S+ \S+) :\d+$/, " $1 :TIME"));
}

describe("IRC draft/channel-rename", { timeout: 60_000 }, () => {
  let made: TestStore;
  let server: RunningServer;
  const open: Irc[] = [];
  const connect = async (nick: string, caps: string | null) => {
    const client = await Irc.registerWithCaps(server.port, nick, caps);
    open.push(client);
    return client;
  };
  let alice: Irc;
  let bob: Irc;
  let carol: Irc;
  let dave: Irc;

  before(async () => {
    made = sqliteStore();
    server = await startRoomsServer("evented", {
      store: made.config.store,
      dataDir: made.config.dataDir,
      historyReplay: 0,
    });
    alice = await connect("alice", `${CAPS} batch draft/chathistory`);
    bob = await connect("bob", CAPS);
    carol = await connect("carol", null);
    dave = await connect("dave", CAPS);
    for (const c of [alice, bob, carol, dave]) await c.join("#old");
    await bob.join("#other");
    alice.send("TOPIC #old :the topic");
    alice.send("PRIVMSG #old :said before");
    await carol.expect(/ :said before\r?$/);
    for (const c of [alice, bob, carol, dave]) await c.drain();
  });
  after(async () => {
    for (const c of open) c.close();
    await server.shutdown();
    await made.remove();
  });

  it("offers draft/channel-rename", async () => {
    const c = await connect("lister", null);
    c.send("CAP LS 302");
    assert.match(await c.expect(/ CAP \S+ LS /), / draft\/channel-rename /);
  });

  it("renames: RENAME with the capability, PART and JOIN with topic and names without", async () => {
    alice.send("RENAME #old #new :Typo fix");
    const told = ":alice!alice@127.0.0.1 RENAME #old #new :Typo fix";
    assert.equal(await alice.expect(/ RENAME /), told);
    assert.equal(await bob.expect(/ RENAME /), told);
    assert.deepEqual(await throughNames(carol), [
      ":carol!carol@127.0.0.1 PART #old :Typo fix",
      ":carol!carol@127.0.0.1 JOIN #new",
      ":irc.test 332 carol #new :the topic",
      ":irc.test 333 carol #new alice!alice@127.0.0.1 :TIME",
      ":irc.test 353 carol = #new :@alice bob carol dave",
      ":irc.test 366 carol #new :End of /NAMES list",
    ]);
    // The room is the new name's: the old one is gone, messages reach the members.
    carol.send("PRIVMSG #old :hello?");
    assert.equal(await carol.numeric("403"), "carol #old :No such channel");
    carol.send("PRIVMSG #new :hello");
    assert.equal(await bob.expect(/ PRIVMSG /), ":carol!carol@127.0.0.1 PRIVMSG #new :hello");
    // The history followed it.
    alice.send("CHATHISTORY LATEST #new * 10");
    const lines = (await alice.raw.until(/ BATCH -\S+\r?$/)).map(withoutCr);
    assert.deepEqual(
      lines.filter((line) => /^@batch=\S+ .* PRIVMSG /.test(line)).map((line) => line.replace(/^@\S+ /, "")),
      [":alice!alice@127.0.0.1 PRIVMSG #new :said before", ":carol!carol@127.0.0.1 PRIVMSG #new :hello"],
    );
  });

  it("sends an empty reason when none is given, and no fallback for a change of case", async () => {
    for (const c of [alice, bob, carol]) await c.drain();
    alice.send("RENAME #new #newer");
    assert.equal(await bob.expect(/ RENAME /), ":alice!alice@127.0.0.1 RENAME #new #newer :");
    assert.equal(await carol.expect(/ PART /), ":carol!carol@127.0.0.1 PART #new");
    await throughNames(carol);
    alice.send("RENAME #newer #NEWER :case");
    assert.equal(await bob.expect(/ RENAME /), ":alice!alice@127.0.0.1 RENAME #newer #NEWER :case");
    await alice.expect(/ RENAME /);
    assert.deepEqual(await carol.drain(), []);
    carol.send("NAMES #newer");
    assert.equal(await carol.numeric("353"), "carol = #NEWER :@alice bob carol dave");
  });

  it("answers 403, 442, 482, 461 and the FAIL replies", async () => {
    await alice.drain();
    const outsider = await connect("outsider", CAPS);
    outsider.send("RENAME #nowhere #x");
    outsider.send("RENAME #NEWER #x");
    outsider.send("RENAME #NEWER");
    assert.deepEqual(await outsider.drain(), [
      ":irc.test 403 outsider #nowhere :No such channel",
      ":irc.test 442 outsider #NEWER :You're not on that channel",
      ":irc.test 461 outsider RENAME :Not enough parameters",
    ]);
    dave.send("RENAME #NEWER #x");
    assert.equal(await dave.numeric("482"), "dave #NEWER :You're not channel operator");
    alice.send("RENAME #NEWER #other :taken");
    alice.send("RENAME #NEWER nohash");
    alice.send(`RENAME #NEWER #${"l".repeat(60)}`);
    alice.send("RENAME #NEWER #a,b");
    assert.deepEqual(await alice.drain(), [
      ":irc.test FAIL RENAME CHANNEL_NAME_IN_USE #NEWER #other :The channel name is already taken",
      ":irc.test FAIL RENAME CANNOT_RENAME #NEWER nohash :Invalid channel name",
      `:irc.test FAIL RENAME CANNOT_RENAME #NEWER #${"l".repeat(60)} :Invalid channel name`,
      ":irc.test FAIL RENAME CANNOT_RENAME #NEWER #a,b :Invalid channel name",
    ]);
    alice.raw.write(
      Buffer.concat([Buffer.from("RENAME #NEWER #"), Buffer.from([0xff]), Buffer.from("\r\n")]),
    );
    assert.deepEqual(await alice.drain(), [
      ":irc.test FAIL * INVALID_UTF8 :Message rejected, your IRC software MUST use UTF-8 encoding on this network",
    ]);
    assert.deepEqual(
      (await bob.drain()).filter((line) => / RENAME /.test(line)),
      [],
      "nothing renamed",
    );
  });

  it("redirects a join to an old name to the channel's name now, through every rename and change of case", async () => {
    const late = await connect("late", CAPS);
    late.send("JOIN #old");
    late.send("JOIN #new");
    assert.deepEqual(await late.drain(), [
      ":irc.test FAIL JOIN CHANNEL_RENAMED #old #NEWER :The channel has been renamed",
      ":irc.test FAIL JOIN CHANNEL_RENAMED #new #NEWER :The channel has been renamed",
    ]);
    const plain = await connect("plainlate", null);
    const lines = await plain.join("#old");
    assert.deepEqual(lines.slice(0, 2), [
      ":irc.test 470 plainlate #old #NEWER :The channel has been renamed",
      ":plainlate!plainlate@127.0.0.1 JOIN #NEWER",
    ]);
  });
});

for (const backend of await nodesBackends("rename")) {
  describe(`IRC draft/channel-rename across nodes (${backend.name})`, {
    skip: backend.skip,
    timeout: 60_000,
  }, () => {
    const net = threeNodes(backend);

    it("renames on one node; every node knows the room by its new name", async () => {
      const a = net.track(await connectIrcWithCaps(net.port(0), "renamer", CAPS));
      const b = net.track(await connectIrcWithCaps(net.port(1), "withcap", CAPS));
      const c = net.track(await LineClient.connect(net.port(2)));
      c.write("NICK plainer\r\nUSER plainer 0 * :plainer\r\n");
      await c.until(/ (376|422) /);
      a.send("JOIN #a\r");
      await a.until(/ 366 renamer #a /);
      for (const [client, nick] of [
        [b, "withcap"],
        [c, "plainer"],
      ] as const) {
        // Not before the room has reached this client's node: a join there first would make a second room,
        // settled the same on every node, but not the room this test renames.
        await untilNamesShow(client, "#a", "@renamer");
        client.send("JOIN #a\r");
        await client.until(new RegExp(` 366 ${nick} #a `));
      }
      await a.until(/plainer!\S+ JOIN #a/);
      await b.until(/plainer!\S+ JOIN #a/);
      // The third node may hear of withcap's join after its own client's: wait for it there too.
      await untilNamesShow(c, "#a", "withcap");
      a.send("RENAME #a #b :moving\r");
      const told = ":renamer!renamer@127.0.0.1 RENAME #a #b :moving";
      assert.equal(withoutCr((await b.until(/ RENAME /)).at(-1) as string), told);
      const fallback = (await c.until(/ 366 /)).map(withoutCr);
      const shown = fallback.map((line) => line.replace(/( 353 plainer = #b :).*/, "$1NAMES"));
      assert.deepEqual(shown, [
        ":plainer!plainer@127.0.0.1 PART #a :moving",
        ":plainer!plainer@127.0.0.1 JOIN #b",
        ":irc.test 353 plainer = #b :NAMES",
        ":irc.test 366 plainer #b :End of /NAMES list",
      ]);
      // The members in the order that node heard of them.
      const names = fallback
        .find((line) => / 353 /.test(line))
        ?.split(" :")[1]
        ?.split(" ")
        .sort();
      assert.deepEqual(names, ["@renamer", "plainer", "withcap"]);
      c.send("PRIVMSG #b :after\r");
      assert.equal(
        withoutCr((await a.until(/ PRIVMSG /)).at(-1) as string),
        ":plainer!plainer@127.0.0.1 PRIVMSG #b :after",
      );
      b.send("NAMES #a\r");
      assert.equal(
        withoutCr((await b.until(/ 366 /)).at(-1) as string),
        ":irc.test 366 withcap #a :End of /NAMES list",
      );
      // Joins to the old name are redirected on every node: told so with the capability, moved without.
      b.send("JOIN #a\r");
      assert.equal(
        withoutCr((await b.until(/ FAIL /)).at(-1) as string),
        ":irc.test FAIL JOIN CHANNEL_RENAMED #a #b :The channel has been renamed",
      );
      c.send("PART #b\r");
      c.send("JOIN #a\r");
      const moved = (await c.until(/ 366 /)).map(withoutCr);
      assert.deepEqual(moved.slice(-4, -2), [
        ":irc.test 470 plainer #a #b :The channel has been renamed",
        ":plainer!plainer@127.0.0.1 JOIN #b",
      ]);
    });
  });
}
