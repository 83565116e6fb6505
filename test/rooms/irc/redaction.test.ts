// IRCv3 draft/message-redaction: REDACT by the sender, a channel operator and a server operator, told to
// clients with the capability (the redactor with echo-message), every FAIL, private messages and TAGMSG,
// the history without the message, bad input; and across three nodes on each bus.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../../src/models/index.js";
import { Irc } from "../../support/irc.js";
import { withoutCr } from "../../support/line-client.js";
import { connectIrcWithCaps, nodesBackends, startRoomsServer, threeNodes } from "../../support/rooms.js";
import { sqliteStore, type TestStore } from "../../support/stores.js";

const CAPS = "draft/message-redaction echo-message message-tags";

const msgidOf = (line: string) => (/msgid=([^; ]+)/.exec(line) as RegExpExecArray)[1] as string;
/** A line with its own msgid shown as MSGID. */
const plain = (line: string) => line.replace(/^@msgid=[^; ]+ /, "@msgid=MSGID ");

describe("IRC draft/message-redaction", { timeout: 60_000 }, () => {
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

  before(async () => {
    made = sqliteStore();
    server = await startRoomsServer("evented", {
      store: made.config.store,
      dataDir: made.config.dataDir,
      historyReplay: 0,
      opers: [{ name: "root", password: "pw" }],
    });
    alice = await connect("alice", CAPS); // creates #r: its operator
    bob = await connect("bob", "draft/message-redaction message-tags batch draft/chathistory");
    carol = await connect("carol", null);
    for (const c of [alice, bob, carol]) await c.join("#r");
    for (const c of [alice, bob, carol]) await c.drain();
  });
  after(async () => {
    for (const c of open) c.close();
    await server.shutdown();
    await made.remove();
  });

  it("offers draft/message-redaction", async () => {
    const c = await connect("lister", null);
    c.send("CAP LS 302");
    assert.match(await c.expect(/ CAP \S+ LS /), / draft\/message-redaction /);
  });

  it("lets the sender redact: told to clients with the capability, and gone from the history", async () => {
    alice.send("PRIVMSG #r :kept");
    alice.send("PRIVMSG #r :oops");
    const sent = await bob.expect(/ :oops\r?$/);
    const id = msgidOf(sent);
    alice.send(`REDACT #r ${id} :typo`);
    const told = await bob.expect(/ REDACT /);
    assert.equal(plain(told), `@msgid=MSGID :alice!alice@127.0.0.1 REDACT #r ${id} :typo`);
    // The redactor has echo-message: it is told too, with the same msgid.
    assert.equal(await alice.expect(/ REDACT /), told);
    assert.notEqual(msgidOf(told), id);
    assert.deepEqual(
      (await carol.drain()).filter((line) => / REDACT /.test(line)),
      [],
      "no REDACT without the capability",
    );
    // Once only.
    alice.send(`REDACT #r ${id}`);
    assert.equal(
      await alice.expect(/ FAIL /),
      `:irc.test FAIL REDACT UNKNOWN_MSGID #r ${id} :This message does not exist or is too old`,
    );
    bob.send("CHATHISTORY LATEST #r * 10");
    const lines = (await bob.raw.until(/ BATCH -\S+\r?$/)).map(withoutCr);
    const texts = lines.filter((line) => / PRIVMSG #r /.test(line)).map((line) => line.replace(/^.* :/, ""));
    assert.deepEqual(texts, ["kept"]);
  });

  it("forbids redacting another's message to a member, and lets a channel operator", async () => {
    carol.send("PRIVMSG #r :spam");
    const id = msgidOf(await bob.expect(/ :spam\r?$/));
    bob.send(`REDACT #r ${id} :not mine`);
    assert.equal(
      await bob.expect(/ FAIL /),
      `:irc.test FAIL REDACT REDACT_FORBIDDEN #r ${id} :You are not authorised to delete this message`,
    );
    alice.send(`REDACT #r ${id}`);
    assert.equal(plain(await bob.expect(/ REDACT /)), `@msgid=MSGID :alice!alice@127.0.0.1 REDACT #r ${id}`);
  });

  it("lets a server operator redact in a channel it is not in", async () => {
    bob.send("@+draft/react=x TAGMSG #r");
    const id = msgidOf(await alice.expect(/ TAGMSG #r/));
    const oper = await connect("oper", CAPS);
    oper.send("OPER root pw");
    await oper.expect(/ 381 /);
    oper.send(`REDACT #r ${id} :moderation`);
    assert.equal(
      plain(await bob.expect(/ REDACT /)),
      `@msgid=MSGID :oper!oper@127.0.0.1 REDACT #r ${id} :moderation`,
    );
  });

  it("answers INVALID_TARGET: no such channel or nick, a channel one is not in", async () => {
    const outsider = await connect("outsider", CAPS);
    alice.send("PRIVMSG #r :inside");
    const id = msgidOf(await bob.expect(/ :inside\r?$/));
    outsider.send(`REDACT #r ${id}`);
    outsider.send(`REDACT #nowhere ${id}`);
    outsider.send(`REDACT nobody ${id}`);
    outsider.send("REDACT #r");
    assert.deepEqual(await outsider.drain(), [
      ":irc.test FAIL REDACT INVALID_TARGET #r :You cannot delete messages from #r",
      ":irc.test FAIL REDACT INVALID_TARGET #nowhere :You cannot delete messages from #nowhere",
      ":irc.test FAIL REDACT INVALID_TARGET nobody :You cannot delete messages from nobody",
      ":irc.test 461 outsider REDACT :Not enough parameters",
    ]);
  });

  it("redacts a private message between its two ends only", async () => {
    alice.send("PRIVMSG bob :secret");
    const id = msgidOf(await bob.expect(/ PRIVMSG bob :secret\r?$/));
    bob.send(`REDACT alice ${id}`);
    assert.equal(
      await bob.expect(/ FAIL /),
      `:irc.test FAIL REDACT REDACT_FORBIDDEN alice ${id} :You are not authorised to delete this message`,
    );
    // Someone outside the conversation learns nothing of it.
    carol.send(`REDACT bob ${id}`);
    assert.equal(
      await carol.expect(/ FAIL /),
      `:irc.test FAIL REDACT UNKNOWN_MSGID bob ${id} :This message does not exist or is too old`,
    );
    alice.send(`REDACT bob ${id} :wrong window`);
    assert.equal(
      plain(await bob.expect(/ REDACT /)),
      `@msgid=MSGID :alice!alice@127.0.0.1 REDACT bob ${id} :wrong window`,
    );
  });

  it("refuses bad input and carries on", async () => {
    await alice.drain();
    alice.raw.write(
      Buffer.concat([Buffer.from("REDACT #r "), Buffer.from([0xc3, 0x28]), Buffer.from("\r\n")]),
    );
    alice.send(`REDACT #r ${"x".repeat(600)}`);
    alice.send("REDACT #r ::: :");
    assert.deepEqual(await alice.drain(), [
      ":irc.test FAIL * INVALID_UTF8 :Message rejected, your IRC software MUST use UTF-8 encoding on this network",
      ":irc.test 417 alice :Input line was too long",
      ":irc.test FAIL REDACT UNKNOWN_MSGID #r _:_: :This message does not exist or is too old",
    ]);
  });
});

for (const backend of await nodesBackends("redaction")) {
  describe(`IRC draft/message-redaction across nodes (${backend.name})`, {
    skip: backend.skip,
    timeout: 60_000,
  }, () => {
    const net = threeNodes(backend);

    it("redacts on one node a message sent on another; every node forgets it", async () => {
      const a = net.track(await connectIrcWithCaps(net.port(0), "sender", CAPS));
      const b = net.track(await connectIrcWithCaps(net.port(1), "chanop", CAPS));
      const c = net.track(await connectIrcWithCaps(net.port(2), "reader", CAPS));
      b.send("JOIN #x\r");
      await b.until(/ 366 chanop #x /);
      for (const [client, nick] of [
        [a, "sender"],
        [c, "reader"],
      ] as const) {
        client.send("JOIN #x\r");
        await client.until(new RegExp(` 366 ${nick} #x `));
      }
      await b.until(/reader!\S+ JOIN #x/);
      await a.until(/reader!\S+ JOIN #x/);
      a.send("PRIVMSG #x :from node 0\r");
      const id = msgidOf(withoutCr((await c.until(/ :from node 0\r?$/)).at(-1) as string));
      await b.until(/ :from node 0\r?$/);
      b.send(`REDACT #x ${id} :cleanup\r`);
      const told = withoutCr((await c.until(/ REDACT /)).at(-1) as string);
      assert.equal(plain(told), `@msgid=MSGID :chanop!chanop@127.0.0.1 REDACT #x ${id} :cleanup`);
      assert.equal(withoutCr((await a.until(/ REDACT /)).at(-1) as string), told);
      // Forgotten on every node: the sender's own node knows it is gone.
      a.send(`REDACT #x ${id}\r`);
      assert.equal(
        withoutCr((await a.until(/ FAIL /)).at(-1) as string),
        `:irc.test FAIL REDACT UNKNOWN_MSGID #x ${id} :This message does not exist or is too old`,
      );
    });
  });
}
