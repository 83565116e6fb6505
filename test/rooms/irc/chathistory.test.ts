// IRCv3 draft/chathistory over SQLite and PostgreSQL: every subcommand by msgid and by timestamp,
// answered in a chathistory batch whose lines are exactly what a member was sent live (tags included);
// TARGETS; FAIL replies for bad input; the replay on join for clients without draft/chathistory, batched
// with `batch` and timed with `server-time`; ISUPPORT. `--store memory` keeps no history: empty answers.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../../src/models/index.js";
import { Irc } from "../../support/irc.js";
import { withoutCr } from "../../support/line-client.js";
import { startRoomsServer } from "../../support/rooms.js";
import { storeBackends, type TestStore } from "../../support/stores.js";

const ALL_CAPS = "batch draft/chathistory message-tags server-time";

/** Registered with `caps` requested (and granted) first. */

/** One batch's lines, from its start to its end; `ref` the batch's reference. */
async function batchOf(client: Irc): Promise<{ ref: string; start: string; lines: string[] }> {
  const start = await client.expect(/ BATCH \+\S+/);
  const ref = (/ BATCH \+(\S+)/.exec(start) as RegExpExecArray)[1] as string;
  const lines = (await client.raw.until(new RegExp(` BATCH -${ref}\\r?$`))).map(withoutCr);
  return { ref, start, lines: lines.slice(0, -1) };
}

/** What a batch's lines are without their batch tag: the lines as sent live. */
function unbatched(ref: string, lines: string[]): string[] {
  return lines.map((line) => line.replace(`@batch=${ref};`, "@"));
}

const backends = await storeBackends();
for (const backend of backends.filter((b) => b.name !== "memory")) {
  describe(`CHATHISTORY over ${backend.name}`, { skip: backend.skip }, () => {
    let made: TestStore;
    let server: RunningServer;
    const open: Irc[] = [];
    /** The 12 messages of #h as bob got them live: full tags. */
    const live: string[] = [];
    let alice: Irc;
    let bob: Irc;
    const times: string[] = [];
    const ids: string[] = [];

    before(async () => {
      made = await backend.create("chathistory");
      server = await startRoomsServer("evented", { store: made.config.store, dataDir: made.config.dataDir });
      alice = await Irc.registerWithCaps(server.port, "alice", ALL_CAPS);
      bob = await Irc.registerWithCaps(server.port, "bob", ALL_CAPS);
      open.push(alice, bob);
      await alice.join("#h");
      await bob.join("#h");
      await alice.join("#other");
      // One at a time, so that each has a time of its own (after the previous one's).
      for (let i = 0; i < 12; i++) {
        alice.send(i === 5 ? "NOTICE #h :a notice" : `@+draft/reply=x PRIVMSG #h :line ${i}`);
        const line = await bob.expect(/ (PRIVMSG|NOTICE) #h :/);
        live.push(line);
        const time = (/time=([^; ]+)/.exec(line) as RegExpExecArray)[1] as string;
        times.push(time);
        ids.push((/msgid=([^; ]+)/.exec(line) as RegExpExecArray)[1] as string);
        // The next message in a later millisecond, so that each moment names one message.
        while (Date.now() <= Date.parse(time)) await new Promise((resolve) => setImmediate(resolve));
      }
      alice.send("PRIVMSG #other :elsewhere");
      await alice.drain();
    });
    after(async () => {
      for (const client of open) client.close();
      await server?.shutdown();
      await made?.remove();
    });

    const ask = async (command: string) => {
      bob.send(command);
      return batchOf(bob);
    };

    it("LATEST *: the newest, oldest first, in a chathistory batch, exactly as sent live", async () => {
      const { ref, start, lines } = await ask("CHATHISTORY LATEST #h * 3");
      assert.equal(start, `:irc.test BATCH +${ref} chathistory #h`);
      assert.deepEqual(unbatched(ref, lines), live.slice(9));
      assert.ok(lines.every((line) => line.startsWith(`@batch=${ref};time=`)));
      const all = await ask("CHATHISTORY LATEST #H * 100");
      assert.deepEqual(unbatched(all.ref, all.lines).length, 12);
      assert.match(all.lines[5] as string, / NOTICE #h :a notice$/);
      assert.match(all.lines[0] as string, /;\+draft\/reply=x :alice!alice@127\.0\.0\.1 PRIVMSG #h :line 0$/);
    });

    it("LATEST after a msgid or a timestamp: only what came after it", async () => {
      const byId = await ask(`CHATHISTORY LATEST #h msgid=${ids[8]} 10`);
      assert.deepEqual(unbatched(byId.ref, byId.lines), live.slice(9));
      const byTime = await ask(`CHATHISTORY LATEST #h timestamp=${times[8]} 2`);
      assert.deepEqual(unbatched(byTime.ref, byTime.lines), live.slice(10));
    });

    it("BEFORE and AFTER, by msgid and by timestamp, exclude the reference", async () => {
      const before1 = await ask(`CHATHISTORY BEFORE #h msgid=${ids[4]} 2`);
      assert.deepEqual(unbatched(before1.ref, before1.lines), live.slice(2, 4));
      const before2 = await ask(`CHATHISTORY BEFORE #h timestamp=${times[4]} 10`);
      assert.deepEqual(unbatched(before2.ref, before2.lines), live.slice(0, 4));
      const after1 = await ask(`CHATHISTORY AFTER #h msgid=${ids[4]} 3`);
      assert.deepEqual(unbatched(after1.ref, after1.lines), live.slice(5, 8));
      const after2 = await ask(`CHATHISTORY AFTER #h timestamp=${times[10]} 5`);
      assert.deepEqual(unbatched(after2.ref, after2.lines), live.slice(11));
    });

    it("AROUND: half before, the rest from the reference on", async () => {
      const around = await ask(`CHATHISTORY AROUND #h msgid=${ids[6]} 4`);
      assert.deepEqual(unbatched(around.ref, around.lines), live.slice(4, 8));
      const byTime = await ask(`CHATHISTORY AROUND #h timestamp=${times[6]} 3`);
      assert.deepEqual(unbatched(byTime.ref, byTime.lines), live.slice(5, 8));
    });

    it("BETWEEN: strictly between, either way round, nearest the first reference", async () => {
      const forward = await ask(`CHATHISTORY BETWEEN #h msgid=${ids[2]} msgid=${ids[9]} 3`);
      assert.deepEqual(unbatched(forward.ref, forward.lines), live.slice(3, 6));
      const backward = await ask(`CHATHISTORY BETWEEN #h timestamp=${times[9]} msgid=${ids[2]} 3`);
      assert.deepEqual(unbatched(backward.ref, backward.lines), live.slice(6, 9));
    });

    it("an unknown msgid, an empty stretch or a nick: an empty batch", async () => {
      for (const command of [
        "CHATHISTORY BEFORE #h msgid=unknown 10",
        `CHATHISTORY AFTER #h msgid=${ids[11]} 10`,
        "CHATHISTORY LATEST alice * 10",
      ]) {
        const { ref, start, lines } = await ask(command);
        assert.match(start, new RegExp(`^:irc\\.test BATCH \\+${ref} chathistory (#h|alice)$`));
        assert.deepEqual(lines, []);
      }
    });

    it("a limit above CHATHISTORY is lowered to it", async () => {
      const { lines } = await ask("CHATHISTORY LATEST #h * 999999999");
      assert.equal(lines.length, 12);
    });

    it("TARGETS: the client's rooms with messages between two moments, the least recent first", async () => {
      bob.send("CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z timestamp=2100-01-01T00:00:00Z 10");
      const none = await batchOf(bob);
      assert.equal(none.start, `:irc.test BATCH +${none.ref} draft/chathistory-targets`);
      assert.deepEqual(none.lines, [`@batch=${none.ref} :irc.test CHATHISTORY TARGETS #h ${times[11]}`]);
      alice.send(
        "CHATHISTORY TARGETS timestamp=2100-01-01T00:00:00.000Z timestamp=2000-01-01T00:00:00.000Z 10",
      );
      const both = await batchOf(alice);
      assert.equal(both.lines.length, 2);
      assert.match(both.lines[0] as string, / CHATHISTORY TARGETS #h /);
      assert.match(both.lines[1] as string, / CHATHISTORY TARGETS #other /);
    });

    it("bad input: FAIL replies as the specification words them", async () => {
      const cases: Array<[string, string]> = [
        ["CHATHISTORY", "FAIL CHATHISTORY NEED_MORE_PARAMS * :Missing parameters"],
        ["CHATHISTORY FETCH #h * 10", "FAIL CHATHISTORY UNKNOWN_COMMAND FETCH :Unknown command"],
        ["CHATHISTORY LATEST #h *", "FAIL CHATHISTORY NEED_MORE_PARAMS LATEST :Missing parameters"],
        ["CHATHISTORY BETWEEN #h * 10", "FAIL CHATHISTORY NEED_MORE_PARAMS BETWEEN :Missing parameters"],
        ["CHATHISTORY LATEST #h * 0", "FAIL CHATHISTORY INVALID_PARAMS LATEST 0 :Invalid limit"],
        ["CHATHISTORY LATEST #h * -5", "FAIL CHATHISTORY INVALID_PARAMS LATEST -5 :Invalid limit"],
        ["CHATHISTORY LATEST #h * ten", "FAIL CHATHISTORY INVALID_PARAMS LATEST ten :Invalid limit"],
        ["CHATHISTORY LATEST #h * :1 0", "FAIL CHATHISTORY INVALID_PARAMS LATEST * :Invalid limit"],
        [
          "CHATHISTORY BEFORE #h timestamp=2026-02-30T00:00:00.000Z 5",
          "FAIL CHATHISTORY INVALID_PARAMS BEFORE timestamp=2026-02-30T00:00:00.000Z :Invalid message reference",
        ],
        [
          "CHATHISTORY BEFORE #h timestamp=yesterday 5",
          "FAIL CHATHISTORY INVALID_PARAMS BEFORE timestamp=yesterday :Invalid message reference",
        ],
        ["CHATHISTORY AFTER #h * 5", "FAIL CHATHISTORY INVALID_PARAMS AFTER * :Invalid message reference"],
        [
          "CHATHISTORY AROUND #h msgid= 5",
          "FAIL CHATHISTORY INVALID_PARAMS AROUND msgid= :Invalid message reference",
        ],
        [
          `CHATHISTORY TARGETS msgid=${ids[0]} timestamp=2000-01-01T00:00:00Z 5`,
          `FAIL CHATHISTORY INVALID_PARAMS TARGETS msgid=${ids[0]} :Invalid message reference`,
        ],
        [
          "CHATHISTORY LATEST #nowhere * 5",
          "FAIL CHATHISTORY INVALID_TARGET LATEST #nowhere :Messages could not be retrieved",
        ],
        [
          "CHATHISTORY LATEST #other * 5",
          "FAIL CHATHISTORY INVALID_TARGET LATEST #other :Messages could not be retrieved",
        ],
        [
          "CHATHISTORY LATEST -bad- * 5",
          "FAIL CHATHISTORY INVALID_TARGET LATEST -bad- :Messages could not be retrieved",
        ],
      ];
      for (const [command, reply] of cases) {
        bob.send(command);
        const lines = await bob.drain();
        assert.deepEqual(lines, [`:irc.test ${reply}`], command);
      }
    });

    it("a labeled CHATHISTORY: the batch carries the label", async () => {
      const client = await Irc.registerWithCaps(server.port, "carol", `${ALL_CAPS} labeled-response`);
      open.push(client);
      await client.join("#h");
      client.send("@label=q1 CHATHISTORY LATEST #h * 2");
      const { ref, start, lines } = await batchOf(client);
      assert.equal(start, `@label=q1 :irc.test BATCH +${ref} chathistory #h`);
      assert.deepEqual(unbatched(ref, lines), live.slice(10));
    });

    it("replays the last lines on join to a client without draft/chathistory", async () => {
      const batched = await Irc.registerWithCaps(server.port, "dave", "batch server-time");
      open.push(batched);
      batched.send("JOIN #h");
      await batched.expect(/ 366 dave #h /);
      const { ref, start, lines } = await batchOf(batched);
      assert.equal(start, `:irc.test BATCH +${ref} chathistory #h`);
      // server-time without message-tags: the time, no msgid, no client tags.
      assert.deepEqual(
        lines,
        live.slice(-20).map((line) => {
          const time = (/time=([^; ]+)/.exec(line) as RegExpExecArray)[1];
          return `@batch=${ref};time=${time} ${line.slice(line.indexOf(" :alice!") + 1)}`;
        }),
      );
      const plain = await Irc.register(server.port, "erin");
      open.push(plain);
      plain.send("JOIN #h");
      await plain.expect(/ 366 erin #h /);
      // Read from the store after the join: it follows the names, the last line last.
      const replayed = (await plain.raw.until(/ PRIVMSG #h :line 11\r?$/))
        .map(withoutCr)
        .filter((line) => / (PRIVMSG|NOTICE) #h /.test(line));
      assert.deepEqual(
        replayed,
        live.map((line) => line.slice(line.indexOf(" :alice!") + 1)),
      );
      // With draft/chathistory the client asks for itself: nothing is replayed.
      assert.deepEqual(
        (await bob.drain()).filter((line) => / BATCH /.test(line)),
        [],
      );
    });

    it("ISUPPORT says CHATHISTORY and MSGREFTYPES", async () => {
      const client = await Irc.open(server.port);
      open.push(client);
      client.send("NICK frank");
      client.send("USER frank 0 * :frank");
      const lines = await client.raw.until(/ 376 | 422 /);
      const isupport = lines.filter((line) => / 005 /.test(line)).join(" ");
      assert.match(isupport, / CHATHISTORY=1000 /);
      assert.match(isupport, / MSGREFTYPES=timestamp,msgid /);
    });
  });
}

describe("CHATHISTORY over --store memory", () => {
  let server: RunningServer;
  const open: Irc[] = [];
  before(async () => {
    server = await startRoomsServer("evented", { store: "memory" });
  });
  after(async () => {
    for (const client of open) client.close();
    await server?.shutdown();
  });

  it("keeps no history: an empty batch, and nothing replayed on join", async () => {
    const alice = await Irc.registerWithCaps(server.port, "alice", ALL_CAPS);
    open.push(alice);
    await alice.join("#m");
    alice.send("PRIVMSG #m :said once");
    alice.send("CHATHISTORY LATEST #m * 10");
    const { lines } = await batchOf(alice);
    assert.deepEqual(lines, []);
    const bob = await Irc.register(server.port, "bob");
    open.push(bob);
    bob.send("JOIN #m");
    await bob.expect(/ 366 bob #m /);
    assert.deepEqual(await bob.drain(), []);
  });
});
