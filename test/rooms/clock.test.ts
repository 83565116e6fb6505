// Time driven by a manual clock: a whole rooms server (hub, IRC front-end, registry) over in-memory
// connections, where keepalive, flood control, WHOWAS and the server's start time are checked by moving
// the clock instead of sleeping.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RoomsConfig } from "../../src/rooms/config.js";
import { memoryRooms } from "../support/memory-rooms.js";

function server(config: Partial<RoomsConfig> = {}) {
  return memoryRooms(config);
}

describe("rooms on a manual clock", () => {
  it("says in 003 and INFO when the server started, not when its first client came", () => {
    const { clock, connect, register } = server();
    clock.advance(3_600_000);
    const c = connect();
    c.say("NICK early", "USER early 0 * :early");
    const created = c.conn.take().find((line) => / 003 /.test(line));
    assert.equal(created, ":irc.test 003 early :This server was created Thu, 01 Jan 2026 12:00:00 GMT");
    const other = register("later");
    other.say("INFO");
    assert.ok(other.conn.take().includes(":irc.test 371 later :Started Thu, 01 Jan 2026 12:00:00 GMT"));
  });

  it("PINGs an idle client after the interval and drops it after as long again without an answer", () => {
    const { clock, register } = server({ pingIntervalMs: 60_000 });
    const quiet = register("quiet");
    const talker = register("talker");
    clock.advance(59_000);
    talker.say("PING :alive");
    assert.deepEqual(quiet.conn.take(), []);
    clock.advance(20_000);
    assert.deepEqual(quiet.conn.take(), ["PING :irc.test"]);
    quiet.say("PONG :irc.test");
    clock.advance(70_000);
    assert.deepEqual(quiet.conn.take(), ["PING :irc.test"], "pinged again after another idle interval");
    assert.equal(quiet.conn.closed, null);
    clock.advance(80_000);
    assert.equal(quiet.conn.closed, "ERROR :Ping timeout");
  });

  it("holds a flooding client's lines back and lets them through as the clock gives tokens", () => {
    const { clock, register } = server({ flood: { enabled: true, burst: 2, perSecond: 1 } });
    const c = register("flooder");
    clock.advance(2000); // NICK and USER took the burst: it fills again
    c.conn.take();
    c.say("PING :1", "PING :2", "PING :3", "PING :4");
    assert.deepEqual(c.conn.take(), [":irc.test PONG irc.test :1", ":irc.test PONG irc.test :2"]);
    clock.advance(999);
    assert.deepEqual(c.conn.take(), []);
    clock.advance(1);
    assert.deepEqual(c.conn.take(), [":irc.test PONG irc.test :3"]);
    clock.advance(1000);
    assert.deepEqual(c.conn.take(), [":irc.test PONG irc.test :4"]);
  });

  it("dates WHOWAS entries by the clock", () => {
    const { clock, register } = server();
    const gone = register("gone");
    clock.advance(90_000);
    gone.say("QUIT :bye");
    const asker = register("asker");
    asker.say("WHOWAS gone");
    const lines = asker.conn.take();
    assert.ok(
      lines.includes(":irc.test 312 asker gone irc.test :Thu, 01 Jan 2026 12:01:30 GMT"),
      lines.join("\n"),
    );
  });
  it("refuses a redaction older than the window with REDACT_WINDOW_EXPIRED; a server operator may still", () => {
    // No keepalive in the way: the clock moves by hours.
    const { clock, connect } = server({
      opers: [{ name: "boss", password: "pw" }],
      pingIntervalMs: 86_400_000,
    });
    const client = (nick: string) => {
      const c = connect();
      c.say(
        "CAP REQ :message-tags draft/message-redaction",
        `NICK ${nick}`,
        `USER ${nick} 0 * :${nick}`,
        "CAP END",
      );
      c.say("JOIN #r");
      c.conn.take();
      return c;
    };
    const author = client("author");
    const reader = client("reader");
    const boss = client("boss");
    boss.say("OPER boss pw");
    author.say("PRIVMSG #r :old", "PRIVMSG #r :older");
    author.conn.take();
    boss.conn.take();
    const ids = reader.conn.take().flatMap((line) => /^@msgid=(\S+) .* PRIVMSG #r /.exec(line)?.[1] ?? []);
    assert.equal(ids.length, 2);
    const [first, second] = ids as [string, string];
    clock.advance(3_600_000);
    author.say(`REDACT #r ${first}`);
    const untagged = (got: string[]) => got.map((line) => line.replace(/^@\S+ /, ""));
    assert.deepEqual(untagged(reader.conn.take()), [`:author!author@127.0.0.1 REDACT #r ${first}`]);
    clock.advance(1);
    author.say(`REDACT #r ${second}`);
    assert.deepEqual(author.conn.take(), [
      `:irc.test FAIL REDACT REDACT_WINDOW_EXPIRED #r ${second} 3600 :You can no longer delete this message`,
    ]);
    assert.deepEqual(reader.conn.take(), []);
    boss.say(`REDACT #r ${second} :spam`);
    assert.deepEqual(untagged(reader.conn.take()), [`:boss!boss@127.0.0.1 REDACT #r ${second} :spam`]);
  });

  it("redirects a join to a renamed channel's old name for an hour: FAIL with the capability, 470 without", () => {
    const { clock, connect, register } = server({ pingIntervalMs: 86_400_000 });
    const op = register("renamer");
    op.say("JOIN #was", "RENAME #was #is", "RENAME #is #now");
    op.conn.take();
    const plain = register("plain");
    plain.say("JOIN #was");
    const lines = plain.conn.take();
    assert.deepEqual(lines.slice(0, 2), [
      ":irc.test 470 plain #was #now :The channel has been renamed",
      ":plain!plain@127.0.0.1 JOIN #now",
    ]);
    const capable = connect();
    capable.say("CAP REQ :draft/channel-rename", "NICK capable", "USER capable 0 * :capable", "CAP END");
    capable.conn.take();
    capable.say("JOIN #is");
    assert.deepEqual(capable.conn.take(), [
      ":irc.test FAIL JOIN CHANNEL_RENAMED #is #now :The channel has been renamed",
    ]);
    clock.advance(3_600_000);
    capable.say("JOIN #is");
    assert.equal(capable.conn.take()[0], ":capable!capable@127.0.0.1 JOIN #is");
  });
});
