// K-lines and D-lines on a whole rooms server over in-memory connections and a manual clock: operators set
// and lift them over IRC and on the console, connected users under one are disconnected saying why, new
// connections under one are refused in their protocol's words, bans end by the clock, and every node of a
// bus holds the same bans.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { ManualClock } from "../../src/rooms/core/clock.js";
import { TestConsole } from "../support/console.js";
import { LineClient, withoutCr } from "../support/line-client.js";
import { type MemoryClient, memoryRooms } from "../support/memory-rooms.js";
import { connectIrc, startRoomsServer } from "../support/rooms.js";
import { eventually } from "../support/wait.js";

const MINUTE = 60_000;
/** An operator's credentials, and no keepalive PINGs while the clock moves by hours. */
const OPERS = { opers: [{ name: "boss", password: "secret" }], pingIntervalMs: 30 * 24 * 60 * MINUTE };

function oper(client: MemoryClient): void {
  client.say("OPER boss secret");
  const lines = client.conn.take();
  assert.ok(
    lines.some((line) => / 381 /.test(line)),
    lines.join("\n"),
  );
}

/** A seed client's first join; its reply lines. */
function seedJoin(client: MemoryClient, room: string, name: string): string[] {
  client.say(`JOIN_CHATROOM: ${room}`, "CLIENT_IP: 0", "PORT: 0", `CLIENT_NAME: ${name}`);
  return client.conn.take();
}

/** The server's NOTICEs to `nick` among `lines`, their text. */
function notices(lines: string[], nick: string): string[] {
  const head = `:irc.test NOTICE ${nick} :`;
  return lines.filter((line) => line.startsWith(head)).map((line) => line.slice(head.length));
}

describe("K-lines", () => {
  it("disconnect the users under one, telling the others why", () => {
    const { register } = memoryRooms(OPERS);
    const op = register("op");
    oper(op);
    const spammer = register("spammer", "10.0.0.7");
    const bystander = register("bystander", "10.0.0.8");
    op.say("JOIN #room");
    spammer.say("JOIN #room");
    bystander.say("JOIN #room");
    for (const c of [op, spammer, bystander]) c.conn.take();

    op.say("KLINE 10 spammer@10.0.0.* :go away");
    assert.deepEqual(op.conn.take(), [
      ":spammer!spammer@10.0.0.7 QUIT :K-Lined: go away",
      ":irc.test NOTICE op :Added 10m K-line for spammer@10.0.0.*: go away",
    ]);
    assert.equal(spammer.conn.closed, "ERROR :K-Lined: go away");
    assert.deepEqual(bystander.conn.take(), [":spammer!spammer@10.0.0.7 QUIT :K-Lined: go away"]);
    assert.equal(bystander.conn.closed, null);
  });

  it("answer the operator, are listed by STATS k, refuse matching registrations, and expire", () => {
    const { clock, register, connect } = memoryRooms(OPERS);
    const op = register("op");
    oper(op);
    op.say("KLINE 10 bad*@10.0.0.0/8x :nope");
    assert.match(notices(op.conn.take(), "op")[0] ?? "", /^KLINE: bad mask/);
    op.say("KLINE 10 bad*@10.0.* :spamming");
    assert.deepEqual(notices(op.conn.take(), "op"), ["Added 10m K-line for bad*@10.0.*: spamming"]);
    op.say("STATS k");
    assert.deepEqual(op.conn.take(), [
      ":irc.test 216 op K 10.0.* * bad* :spamming (10m left, set by op)",
      ":irc.test 219 op k :End of STATS report",
    ]);

    const refused = connect("10.0.3.4");
    refused.say("NICK badger", "USER badger 0 * :b");
    assert.deepEqual(refused.conn.take(), [
      ":irc.test 465 badger :You are banned from this server- K-Lined: spamming",
    ]);
    assert.equal(refused.conn.closed, "ERROR :Closing Link: 10.0.3.4 (K-Lined: spamming)");
    // Another user name on the same host is not under it.
    const other = connect("10.0.3.4");
    other.say("NICK good", "USER good 0 * :g");
    assert.ok(other.conn.take().some((line) => / 001 good /.test(line)));

    clock.advance(9 * MINUTE);
    op.say("STATS k");
    assert.match(op.conn.take()[0] ?? "", / :spamming \(1m left, set by op\)$/);
    clock.advance(MINUTE);
    op.say("STATS k");
    assert.deepEqual(op.conn.take(), [":irc.test 219 op k :End of STATS report"]);
    const later = connect("10.0.3.4");
    later.say("NICK badger", "USER badger 0 * :b");
    assert.ok(
      later.conn.take().some((line) => / 001 badger /.test(line)),
      "the K-line has ended",
    );
  });

  it("take a nick for its *@host, are lifted by UNKLINE, and last without a duration", () => {
    const { clock, register } = memoryRooms(OPERS);
    const op = register("op");
    oper(op);
    const target = register("target", "192.0.2.5");
    op.say("KLINE target :bye");
    assert.deepEqual(notices(op.conn.take(), "op"), ["Added permanent K-line for *@192.0.2.5: bye"]);
    assert.equal(target.conn.closed, "ERROR :K-Lined: bye");
    clock.advance(24 * 60 * MINUTE);
    op.say("STATS K");
    assert.deepEqual(op.conn.take(), [
      ":irc.test 216 op K 192.0.2.5 * * :bye (permanent, set by op)",
      ":irc.test 219 op K :End of STATS report",
    ]);
    op.say("UNKLINE *@192.0.2.5");
    assert.deepEqual(notices(op.conn.take(), "op"), ["Removed K-line for *@192.0.2.5"]);
    op.say("UNKLINE *@192.0.2.5");
    assert.deepEqual(notices(op.conn.take(), "op"), ["UNKLINE: no K-line for *@192.0.2.5"]);
    const back = register("target", "192.0.2.5");
    assert.equal(back.conn.closed, null);
  });

  it("refuse a seed client's first join with error 17, and disconnect a joined one with error 17", () => {
    const { register, connect } = memoryRooms(OPERS);
    const op = register("op");
    oper(op);
    const seedy = connect("198.51.100.1");
    assert.equal(seedJoin(seedy, "lobby", "seedy")[0], "JOINED_CHATROOM: lobby");
    op.say("KLINE seedy@198.51.100.* :no seeds");
    assert.equal(
      seedy.conn.closed,
      "ERROR_CODE: 17\nERROR_DESCRIPTION: disconnected by the server (K-Lined: no seeds)",
    );
    const again = connect("198.51.100.2");
    again.say("HELO hi");
    assert.equal(again.conn.take()[0], "HELO hi", "a K-line waits for the name");
    assert.deepEqual(seedJoin(again, "lobby", "seedy"), []);
    assert.equal(
      again.conn.closed,
      "ERROR_CODE: 17\nERROR_DESCRIPTION: banned from this server (K-Lined: no seeds)",
    );
  });
});

describe("D-lines", () => {
  it("disconnect every user of the block, both protocols, and refuse new connections at their first line", () => {
    const { register, connect } = memoryRooms(OPERS);
    const op = register("op");
    oper(op);
    const irc = register("ircy", "203.0.113.9");
    const seed = connect("::ffff:203.0.113.10");
    seedJoin(seed, "lobby", "seedy");
    const outside = register("outside", "203.0.114.1");
    op.say("DLINE 1h30m 203.0.113.77/24 :block");
    assert.deepEqual(notices(op.conn.take(), "op"), ["Added 1h30m D-line for 203.0.113.0/24: block"]);
    assert.equal(irc.conn.closed, "ERROR :D-Lined: block");
    assert.equal(
      seed.conn.closed,
      "ERROR_CODE: 17\nERROR_DESCRIPTION: disconnected by the server (D-Lined: block)",
    );
    assert.equal(outside.conn.closed, null);

    const ircAgain = connect("203.0.113.50");
    ircAgain.say("CAP LS 302", "NICK x", "USER x 0 * :x");
    assert.deepEqual(ircAgain.conn.take(), [
      ":irc.test 465 * :You are banned from this server- D-Lined: block",
    ]);
    assert.equal(ircAgain.conn.closed, "ERROR :Closing Link: 203.0.113.50 (D-Lined: block)");
    const seedAgain = connect("203.0.113.51");
    seedAgain.say("HELO hi");
    assert.deepEqual(seedAgain.conn.take(), []);
    assert.equal(
      seedAgain.conn.closed,
      "ERROR_CODE: 17\nERROR_DESCRIPTION: banned from this server (D-Lined: block)",
    );

    op.say("STATS d");
    assert.deepEqual(op.conn.take(), [
      ":irc.test 225 op D 203.0.113.0/24 :block (1h30m left, set by op)",
      ":irc.test 219 op d :End of STATS report",
    ]);
    op.say("UNDLINE 203.0.113.0/24");
    assert.deepEqual(notices(op.conn.take(), "op"), ["Removed D-line for 203.0.113.0/24"]);
    const free = connect("203.0.113.50");
    free.say("NICK x", "USER x 0 * :x");
    assert.ok(free.conn.take().some((line) => / 001 x /.test(line)));
  });

  it("take IPv6 addresses and blocks, and a nick for its address", () => {
    const { register } = memoryRooms(OPERS);
    const op = register("op");
    oper(op);
    const v6 = register("six", "2001:db8::5");
    op.say("DLINE six");
    assert.deepEqual(notices(op.conn.take(), "op"), [
      "Added permanent D-line for 2001:db8::5: No reason given",
    ]);
    assert.equal(v6.conn.closed, "ERROR :D-Lined: No reason given");
    op.say("DLINE 2001:DB8:1:0::/48 :range");
    assert.deepEqual(notices(op.conn.take(), "op"), ["Added permanent D-line for 2001:db8:1::/48: range"]);
    const inRange = register("other", "2001:db8:1:ffff::1");
    assert.match(inRange.conn.closed ?? "", /D-Lined: range/);
  });
});

describe("KLINE and DLINE refuse bad parameters", () => {
  it("from non-operators (481), without a mask (461), with bad masks, addresses and durations", () => {
    const { register } = memoryRooms(OPERS);
    const user = register("user");
    for (const command of [
      "KLINE *@1.2.3.4",
      "UNKLINE *@1.2.3.4",
      "DLINE 1.2.3.4",
      "UNDLINE 1.2.3.4",
      "STATS k",
    ]) {
      user.say(command);
      assert.equal(
        user.conn.take()[0],
        ":irc.test 481 user :Permission Denied- You're not an IRC operator",
        command,
      );
    }
    const op = register("op");
    oper(op);
    const cases: Array<[string, RegExp]> = [
      ["KLINE", /^:irc\.test 461 op KLINE :Not enough parameters$/],
      ["DLINE", /^:irc\.test 461 op DLINE :Not enough parameters$/],
      ["UNKLINE", /^:irc\.test 461 op UNKLINE :Not enough parameters$/],
      ["KLINE 10", /^:irc\.test 461 op KLINE :Not enough parameters$/],
      ["KLINE 10 :", /^:irc\.test 461 op KLINE :Not enough parameters$/],
      ["KLINE nobody", /NOTICE op :KLINE: bad mask "nobody"/],
      ["KLINE a@b@c", /NOTICE op :KLINE: bad mask "a@b@c"/],
      ["KLINE *@*", /NOTICE op :KLINE: mask "\*@\*" is too broad/],
      ["KLINE *@*.*", /NOTICE op :KLINE: mask "\*@\*\.\*" is too broad/],
      [`KLINE *@${"h".repeat(130)}`, /NOTICE op :KLINE: mask too long/],
      ["KLINE 10x *@1.2.3.4", /NOTICE op :KLINE: bad duration "10x"/],
      ["KLINE 99999999 *@1.2.3.4", /NOTICE op :KLINE: bad duration "99999999"/],
      ["KLINE 11y *@1.2.3.4", /NOTICE op :KLINE: bad duration "11y"/],
      ["DLINE 300.1.2.3", /NOTICE op :DLINE: bad address "300\.1\.2\.3"/],
      ["DLINE 1.2.3.4/33", /NOTICE op :DLINE: bad address "1\.2\.3\.4\/33"/],
      ["DLINE 1.2.3.4/", /NOTICE op :DLINE: bad address/],
      ["DLINE 10.0.0.0/7", /NOTICE op :DLINE: 10\.0\.0\.0\/7 is too broad: at most \/8 for IPv4/],
      ["DLINE 0::/8", /NOTICE op :DLINE: 0::\/8 is too broad: at most \/16 for IPv6/],
      ["DLINE -5 1.2.3.4", /NOTICE op :DLINE: bad address "-5"/],
      ["UNDLINE nonsense", /NOTICE op :UNDLINE: bad address "nonsense"/],
      ["UNDLINE 1.2.3.4", /NOTICE op :UNDLINE: no D-line for 1\.2\.3\.4$/],
    ];
    for (const [command, expected] of cases) {
      op.say(command);
      const lines = op.conn.take();
      assert.equal(lines.length, 1, `${command}: ${lines.join("\n")}`);
      assert.match(lines[0] as string, expected, command);
    }
    op.say("STATS k", "STATS d");
    assert.deepEqual(op.conn.take(), [
      ":irc.test 219 op k :End of STATS report",
      ":irc.test 219 op d :End of STATS report",
    ]);
  });
});

describe("server bans on the console", () => {
  it("are set, listed, lifted and refused as over IRC", async () => {
    const operator = new TestConsole();
    const { register, connect } = memoryRooms({}, { console: operator });
    const connectSeed = (name: string) => {
      const client = connect();
      seedJoin(client, "lobby", name);
      return client;
    };
    const target = register("target", "10.9.8.7");
    const run = async (line: string) => operator.run(line);
    assert.equal(await run("/kline"), "usage: /kline [time] <user@host|nick> [reason]");
    assert.equal(await run("/kline 5"), "usage: /kline [time] <user@host|nick> [reason]");
    assert.match(await run("/kline 5q *@1.2.3.4"), /^\* failed: bad duration "5q"/);
    assert.match(await run("/kline *@*"), /^\* failed: mask "\*@\*" is too broad/);
    assert.equal(
      await run("/kline 2h target spam and more"),
      "* Added 2h K-line for *@10.9.8.7: spam and more",
    );
    assert.equal(target.conn.closed, "ERROR :K-Lined: spam and more");
    assert.equal(await run("/stats k"), "* K-line *@10.9.8.7 (2h left, set by irc.test): spam and more");
    assert.equal(await run("/unkline *@10.9.8.7"), "* removed K-line for *@10.9.8.7");
    assert.equal(await run("/unkline *@10.9.8.7"), "* no K-line for *@10.9.8.7");
    assert.equal(await run("/stats k"), "* no K-lines");
    assert.equal(
      await run("/dline 10.9.0.0/16"),
      "* Added permanent D-line for 10.9.0.0/16: No reason given",
    );
    assert.equal(await run("/stats d"), "* D-line 10.9.0.0/16 (permanent, set by irc.test): No reason given");
    assert.match(await run("/dline 10.9.0.0/99"), /^\* failed: bad address/);
    assert.equal(await run("/undline"), "usage: /undline <ip[/bits]>");
    assert.equal(await run("/undline 10.9.0.0/16"), "* removed D-line for 10.9.0.0/16");
    assert.equal(await run("/stats d"), "* no D-lines");
    // A seed client killed from the console is told so with error 17 too.
    const seedy = connectSeed("seedy");
    assert.equal(await run("/kill seedy bye"), "* disconnected seedy");
    assert.equal(
      seedy.conn.closed,
      "ERROR_CODE: 17\nERROR_DESCRIPTION: disconnected by the server (Killed by the server (bye))",
    );
    operator.input.end();
  });
});

describe("server bans across nodes", () => {
  it("hold on every node of the bus, for nodes that come later too, and end by the clock everywhere", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
    const bus = `memory:server-bans-${process.pid}`;
    const a = memoryRooms({ ...OPERS, bus }, { clock });
    const b = memoryRooms({ ...OPERS, bus }, { clock });
    await Promise.all([a.ready, b.ready]);
    try {
      const op = a.register("op");
      oper(op);
      const far = b.register("far", "10.1.1.1");
      op.say("KLINE 30 far@10.1.* :remote");
      await eventually(() => far.conn.closed !== null, "the K-line to reach node b");
      assert.equal(far.conn.closed, "ERROR :K-Lined: remote");
      const refused = b.connect("10.1.2.2");
      refused.say("NICK far", "USER far 0 * :f");
      assert.equal(refused.conn.closed, "ERROR :Closing Link: 10.1.2.2 (K-Lined: remote)");

      // A node that joins the bus now learns the ban from the others.
      const c = memoryRooms({ ...OPERS, bus }, { clock });
      await c.ready;
      // Registered before the ban arrived, it is disconnected when it does; a newcomer after is refused.
      const early = c.register("far", "10.1.3.3");
      await eventually(() => early.conn.closed !== null, "node c to learn the K-line");
      assert.equal(early.conn.closed, "ERROR :K-Lined: remote");
      const late = c.connect("10.1.3.3");
      late.say("NICK far", "USER far 0 * :f");
      assert.equal(late.conn.closed, "ERROR :Closing Link: 10.1.3.3 (K-Lined: remote)");

      // Lifted on b, for everyone.
      const bop = b.register("bop");
      oper(bop);
      bop.say("UNKLINE far@10.1.*");
      assert.deepEqual(notices(bop.conn.take(), "bop"), ["Removed K-line for far@10.1.*"]);
      await eventually(() => {
        op.say("STATS k");
        return op.conn.take()[0] === ":irc.test 219 op k :End of STATS report";
      }, "the UNKLINE to reach node a");

      // A D-line from b ends by the clock on a and c too.
      bop.say("DLINE 5 10.2.0.0/16 :short");
      const near = a.register("near", "10.2.0.1");
      await eventually(() => near.conn.closed !== null, "the D-line to reach node a");
      assert.equal(near.conn.closed, "ERROR :D-Lined: short");
      clock.advance(5 * MINUTE);
      for (const [i, node] of [a, b, c].entries()) {
        const back = node.register(`back${i}`, "10.2.0.1");
        assert.equal(back.conn.closed, null);
        back.say("QUIT");
      }
      c.close();
    } finally {
      a.close();
      b.close();
    }
  });
});

describe("server bans over TCP", { timeout: 30_000 }, () => {
  it("close a D-lined client's socket after its ERROR, and refuse its next connections in either protocol", async () => {
    const server: RunningServer = await startRoomsServer("evented", { opers: OPERS.opers });
    const clients: LineClient[] = [];
    try {
      const op = await connectIrc(server.port, "op");
      clients.push(op);
      op.send("OPER boss secret\r");
      await op.until(/ 381 op /);
      const victim = await LineClient.connect(server.port, "127.0.0.1", "127.0.0.2");
      clients.push(victim);
      victim.write("NICK victim\r\nUSER victim 0 * :v\r\n");
      await victim.until(/ (376|422) victim /);

      op.send("DLINE 127.0.0.2 :go away\r");
      await op.until(/NOTICE op :Added permanent D-line for 127\.0\.0\.2: go away/);
      const last = await victim.linesUntilClose();
      assert.equal(last.at(-1), "ERROR :D-Lined: go away\r");

      const irc = await LineClient.connect(server.port, "127.0.0.1", "127.0.0.2");
      clients.push(irc);
      irc.write("NICK again\r\nUSER again 0 * :a\r\n");
      assert.deepEqual((await irc.linesUntilClose()).map(withoutCr), [
        ":irc.test 465 * :You are banned from this server- D-Lined: go away",
        "ERROR :Closing Link: 127.0.0.2 (D-Lined: go away)",
      ]);
      const seed = await LineClient.connect(server.port, "127.0.0.1", "127.0.0.2");
      clients.push(seed);
      seed.write("HELO x\n");
      assert.deepEqual(await seed.linesUntilClose(), [
        "ERROR_CODE: 17",
        "ERROR_DESCRIPTION: banned from this server (D-Lined: go away)",
      ]);

      op.send("UNDLINE 127.0.0.2\r");
      await op.until(/NOTICE op :Removed D-line for 127\.0\.0\.2/);
      const back = await LineClient.connect(server.port, "127.0.0.1", "127.0.0.2");
      clients.push(back);
      back.write("HELO x\n");
      assert.equal(await back.nextLine(), "HELO x");
    } finally {
      for (const client of clients) client.destroy();
      await server.shutdown();
    }
  });
});
