// Private messages between logged-in accounts in the history, over SQLite and PostgreSQL: CHATHISTORY with
// a nick answers the conversation between the two accounts, exactly as its lines were sent live, by msgid
// and by timestamp; only those two accounts read it (a third account, a client not logged in and a
// service get empty batches, a nick that is neither online nor registered a FAIL); TARGETS lists the
// conversation partners with the rooms; bad input earns the specification's FAIL replies and the server
// carries on. What a client not logged in says, and what is said to NickServ, is never written.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../../src/models/index.js";
import { openStore } from "../../../src/store/index.js";
import { Irc } from "../../support/irc.js";
import { LineClient, withoutCr } from "../../support/line-client.js";
import { startRoomsServer } from "../../support/rooms.js";
import { storeBackends, type TestStore } from "../../support/stores.js";

const CAPS = "batch draft/chathistory message-tags server-time";

/** Registered with CAPS; with an account of its nick made (and logged in) when `password` is given. */
async function connect(port: number, nick: string, password?: string): Promise<Irc> {
  const raw = await LineClient.connect(port);
  const caps = password ? `${CAPS} draft/account-registration` : CAPS;
  raw.write(`CAP REQ :${caps}\r\nNICK ${nick}\r\nUSER ${nick} 0 * :${nick}\r\n`);
  if (password) {
    raw.write(`REGISTER * * ${password}\r\n`);
    await raw.until(new RegExp(` 900 ${nick} `));
  }
  raw.write("CAP END\r\n");
  await raw.until(/^:irc\.test (376|422) /);
  return Object.assign(Object.create(Irc.prototype), { raw, nick }) as Irc;
}

/** One batch: its start line, its reference and its lines without their batch tag. */
async function batchOf(client: Irc): Promise<{ start: string; lines: string[] }> {
  const start = await client.expect(/ BATCH \+\S+/);
  const ref = (/ BATCH \+(\S+)/.exec(start) as RegExpExecArray)[1] as string;
  const lines = (await client.raw.until(new RegExp(` BATCH -${ref}\\r?$`))).map(withoutCr);
  return {
    start: start.replace(ref, "REF"),
    lines: lines
      .slice(0, -1)
      .map((line) => line.replace(`@batch=${ref};`, "@").replace(`@batch=${ref} `, "")),
  };
}

const backends = (await storeBackends()).filter((b) => b.name !== "memory");
for (const backend of backends) {
  describe(`private messages in the history over ${backend.name}`, { skip: backend.skip }, () => {
    let made: TestStore;
    let server: RunningServer;
    let running = true;
    const open: Irc[] = [];
    let alice: Irc;
    let bob: Irc;
    let carol: Irc;
    let eve: Irc;
    /** The conversation of alice and bob as each received the other's lines live, in order. */
    const live: string[] = [];
    const times: string[] = [];
    const ids: string[] = [];
    let carolTime = "";

    /** `from` says `text` to `to`; the line as `to` got it. */
    async function say(from: Irc, to: Irc, line: string): Promise<string> {
      from.send(line);
      const got = await to.expect(new RegExp(` (PRIVMSG|NOTICE) ${to.nick} :`));
      const time = (/time=([^; ]+)/.exec(got) as RegExpExecArray)[1] as string;
      // The next message in a later millisecond, so that each moment names one message.
      while (Date.now() <= Date.parse(time)) await new Promise((resolve) => setImmediate(resolve));
      return got;
    }

    before(async () => {
      made = await backend.create("direct-history");
      server = await startRoomsServer("evented", { store: made.config.store, dataDir: made.config.dataDir });
      alice = await connect(server.port, "alice", "alice-password");
      bob = await connect(server.port, "bob", "bob-password");
      carol = await connect(server.port, "carol", "carol-password");
      eve = await connect(server.port, "eve");
      open.push(alice, bob, carol, eve);
      const script: Array<[Irc, Irc, string]> = [
        [alice, bob, "PRIVMSG bob :hello bob"],
        [bob, alice, "PRIVMSG alice :hello alice"],
        [alice, bob, "@+draft/reply=x PRIVMSG bob :a reply"],
        [bob, alice, "NOTICE alice :a notice"],
        [alice, bob, "PRIVMSG BOB :by another case"],
        [bob, alice, "PRIVMSG alice :last"],
      ];
      for (const [from, to, line] of script) {
        const got = await say(from, to, line);
        live.push(got);
        times.push((/time=([^; ]+)/.exec(got) as RegExpExecArray)[1] as string);
        ids.push((/msgid=([^; ]+)/.exec(got) as RegExpExecArray)[1] as string);
      }
      // Not kept: a client not logged in, either way; NickServ (IDENTIFY carries passwords).
      await say(eve, alice, "PRIVMSG alice :from eve");
      await say(alice, eve, "PRIVMSG eve :to eve");
      alice.send("PRIVMSG NickServ :HELP");
      await alice.expect(/:NickServ!\S+ NOTICE alice :/);
      const toCarol = await say(alice, carol, "PRIVMSG carol :hi carol");
      carolTime = (/time=([^; ]+)/.exec(toCarol) as RegExpExecArray)[1] as string;
      await alice.drain();
    });
    after(async () => {
      for (const client of open) client.close();
      if (running) await server?.shutdown();
      await made?.remove();
    });

    it("LATEST with a nick: the two accounts' conversation, exactly as sent live, for either of them", async () => {
      alice.send("CHATHISTORY LATEST bob * 50");
      assert.deepEqual(await batchOf(alice), { start: ":irc.test BATCH +REF chathistory bob", lines: live });
      bob.send("CHATHISTORY LATEST Alice * 50");
      assert.deepEqual(await batchOf(bob), { start: ":irc.test BATCH +REF chathistory Alice", lines: live });
      bob.send("CHATHISTORY LATEST alice * 2");
      assert.deepEqual((await batchOf(bob)).lines, live.slice(4));
    });

    it("BEFORE, AFTER, AROUND, BETWEEN and LATEST after a point, by msgid and by timestamp", async () => {
      const cases: Array<[string, string[]]> = [
        [`CHATHISTORY BEFORE bob msgid=${ids[3]} 2`, live.slice(1, 3)],
        [`CHATHISTORY BEFORE bob timestamp=${times[3]} 10`, live.slice(0, 3)],
        [`CHATHISTORY AFTER bob msgid=${ids[3]} 10`, live.slice(4)],
        [`CHATHISTORY AFTER bob timestamp=${times[0]} 1`, live.slice(1, 2)],
        [`CHATHISTORY AROUND bob msgid=${ids[2]} 3`, live.slice(1, 4)],
        [`CHATHISTORY BETWEEN bob msgid=${ids[0]} timestamp=${times[5]} 10`, live.slice(1, 5)],
        [`CHATHISTORY BETWEEN bob msgid=${ids[5]} msgid=${ids[0]} 2`, live.slice(3, 5)],
        [`CHATHISTORY LATEST bob msgid=${ids[3]} 10`, live.slice(4)],
        [`CHATHISTORY LATEST bob timestamp=${times[4]} 10`, live.slice(5)],
        // Another conversation's msgid is not in this one.
        ["CHATHISTORY BEFORE bob msgid=unknown 10", []],
      ];
      for (const [command, lines] of cases) {
        alice.send(command);
        assert.deepEqual((await batchOf(alice)).lines, lines, command);
      }
    });

    it("only the two accounts read it: a third account, a client not logged in and a service get nothing", async () => {
      carol.send("CHATHISTORY LATEST bob * 50");
      assert.deepEqual(await batchOf(carol), { start: ":irc.test BATCH +REF chathistory bob", lines: [] });
      carol.send(`CHATHISTORY AROUND alice msgid=${ids[2]} 10`);
      assert.deepEqual((await batchOf(carol)).lines, []);
      carol.send("CHATHISTORY LATEST alice * 50");
      const theirs = (await batchOf(carol)).lines;
      assert.equal(theirs.length, 1);
      assert.match(theirs[0] as string, / :alice!alice@127\.0\.0\.1 PRIVMSG carol :hi carol$/);
      // eve is not logged in: nothing is kept for her, whoever she names.
      for (const nick of ["alice", "bob", "eve"]) {
        eve.send(`CHATHISTORY LATEST ${nick} * 50`);
        assert.deepEqual(await batchOf(eve), {
          start: `:irc.test BATCH +REF chathistory ${nick}`,
          lines: [],
        });
      }
      // A logged-in client with one not logged in, and with a service: nothing either.
      for (const nick of ["eve", "NickServ"]) {
        alice.send(`CHATHISTORY LATEST ${nick} * 50`);
        assert.deepEqual(await batchOf(alice), {
          start: `:irc.test BATCH +REF chathistory ${nick}`,
          lines: [],
        });
      }
    });

    it("TARGETS: the rooms and the conversation partners, the least recent first", async () => {
      await alice.join("#room");
      alice.send("PRIVMSG #room :in the room");
      await alice.drain();
      alice.send(
        "CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z timestamp=2100-01-01T00:00:00.000Z 10",
      );
      const { start, lines } = await batchOf(alice);
      assert.equal(start, ":irc.test BATCH +REF draft/chathistory-targets");
      assert.equal(lines.length, 3);
      assert.equal(lines[0], `:irc.test CHATHISTORY TARGETS bob ${times[5]}`);
      assert.equal(lines[1], `:irc.test CHATHISTORY TARGETS carol ${carolTime}`);
      assert.match(lines[2] as string, /^:irc\.test CHATHISTORY TARGETS #room \S+Z$/);
      // Between two moments (either way round), and at most the limit.
      alice.send(`CHATHISTORY TARGETS timestamp=${carolTime} timestamp=${times[0]} 10`);
      assert.deepEqual((await batchOf(alice)).lines, [`:irc.test CHATHISTORY TARGETS bob ${times[5]}`]);
      bob.send("CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z timestamp=2100-01-01T00:00:00.000Z 1");
      assert.deepEqual((await batchOf(bob)).lines, [`:irc.test CHATHISTORY TARGETS alice ${times[5]}`]);
      eve.send(
        "CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z timestamp=2100-01-01T00:00:00.000Z 10",
      );
      assert.deepEqual((await batchOf(eve)).lines, []);
    });

    it("bad input: FAIL replies as the specification words them, and the server carries on", async () => {
      const cases: Array<[string, string]> = [
        [
          "CHATHISTORY LATEST nobody * 5",
          "FAIL CHATHISTORY INVALID_TARGET LATEST nobody :Messages could not be retrieved",
        ],
        [
          "CHATHISTORY LATEST -bad- * 5",
          "FAIL CHATHISTORY INVALID_TARGET LATEST -bad- :Messages could not be retrieved",
        ],
        [
          `CHATHISTORY LATEST ${"b".repeat(300)} * 5`,
          `FAIL CHATHISTORY INVALID_TARGET LATEST ${"b".repeat(300)} :Messages could not be retrieved`,
        ],
        ["CHATHISTORY LATEST bob", "FAIL CHATHISTORY NEED_MORE_PARAMS LATEST :Missing parameters"],
        ["CHATHISTORY LATEST bob * 0", "FAIL CHATHISTORY INVALID_PARAMS LATEST 0 :Invalid limit"],
        ["CHATHISTORY LATEST bob * 1e3", "FAIL CHATHISTORY INVALID_PARAMS LATEST 1e3 :Invalid limit"],
        [
          "CHATHISTORY LATEST bob * 99999999999",
          "FAIL CHATHISTORY INVALID_PARAMS LATEST 99999999999 :Invalid limit",
        ],
        [
          "CHATHISTORY BEFORE bob timestamp=2026-13-01T00:00:00.000Z 5",
          "FAIL CHATHISTORY INVALID_PARAMS BEFORE timestamp=2026-13-01T00:00:00.000Z :Invalid message reference",
        ],
        [
          "CHATHISTORY AFTER bob timestamp=1700000000 5",
          "FAIL CHATHISTORY INVALID_PARAMS AFTER timestamp=1700000000 :Invalid message reference",
        ],
        [
          "CHATHISTORY AROUND bob msgid= 5",
          "FAIL CHATHISTORY INVALID_PARAMS AROUND msgid= :Invalid message reference",
        ],
        [
          `CHATHISTORY BETWEEN bob msgid=${ids[0]} msgid=${"x".repeat(101)} 5`,
          `FAIL CHATHISTORY INVALID_PARAMS BETWEEN msgid=${"x".repeat(101)} :Invalid message reference`,
        ],
        [
          "CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00Z * 5",
          "FAIL CHATHISTORY INVALID_PARAMS TARGETS * :Invalid message reference",
        ],
      ];
      for (const [command, reply] of cases) {
        alice.send(command);
        assert.deepEqual(await alice.drain(), [`:irc.test ${reply}`], command);
      }
      // A limit over the server's CHATHISTORY is lowered to it.
      alice.send("CHATHISTORY LATEST bob * 999999999");
      assert.deepEqual((await batchOf(alice)).lines, live);
      // A line that is not UTF-8 is refused whole, as every command's; the connection carries on.
      alice.raw.write(
        Buffer.concat([
          Buffer.from("CHATHISTORY LATEST b"),
          Buffer.from([0xff, 0xfe]),
          Buffer.from(" * 5\r\n"),
        ]),
      );
      assert.deepEqual(await alice.drain(), [
        ":irc.test FAIL * INVALID_UTF8 :Message rejected, your IRC software MUST use UTF-8 encoding on this network",
      ]);
      alice.send("CHATHISTORY LATEST bob * 1");
      assert.deepEqual((await batchOf(alice)).lines, live.slice(5));
    });

    it("an account's conversation outlives its connection, and nothing else is written", async () => {
      bob.send("QUIT");
      await bob.raw.linesUntilClose();
      alice.send("CHATHISTORY LATEST bob * 50");
      assert.deepEqual((await batchOf(alice)).lines, live);
      running = false;
      await server.shutdown();
      const store = await openStore(made.config);
      try {
        const rows = await store.db
          .selectFrom("messages")
          .select(["target", "recipient", "party_a", "party_b", "account", "text"])
          .where("target", "not like", "#%")
          .orderBy("id")
          .execute();
        assert.deepEqual(
          rows.map((r) => [r.target, r.recipient, r.party_a, r.party_b, r.account, r.text]),
          [
            ["alice bob", "bob", "alice", "bob", "alice", "hello bob"],
            ["alice bob", "alice", "alice", "bob", "bob", "hello alice"],
            ["alice bob", "bob", "alice", "bob", "alice", "a reply"],
            ["alice bob", "alice", "alice", "bob", "bob", "a notice"],
            ["alice bob", "bob", "alice", "bob", "alice", "by another case"],
            ["alice bob", "alice", "alice", "bob", "bob", "last"],
            ["alice carol", "carol", "alice", "carol", "alice", "hi carol"],
          ],
        );
      } finally {
        await store.close();
      }
    });
  });
}
