// A registered nickname is its owner's: on a manual clock, whoever uses it without logging in is told to
// identify and renamed to a guest nick when the grace period runs out; identifying in time keeps it. Over
// a real socket, a seed-protocol client cannot take a registered name at all (error 18).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../../src/models/index.js";
import { memoryRooms } from "../../support/memory-rooms.js";
import { connectIrc, SeedClient, startRoomsServer } from "../../support/rooms.js";

const NOTICE = /^:NickServ!NickServ@services\. NOTICE /;

describe("nick enforcement", { timeout: 60_000 }, () => {
  it("renames whoever keeps a registered nick past the grace period without identifying", async () => {
    const server = memoryRooms({ nickGraceMs: 30_000 });
    const owner = server.register("owner");
    owner.say("PRIVMSG NickServ :REGISTER owner-password");
    assert.equal(
      await owner.conn.expect(NOTICE),
      ":NickServ!NickServ@services. NOTICE owner :Account owner registered; you are now logged in.",
    );
    owner.say("QUIT");
    const squatter = server.connect();
    squatter.say("NICK Owner", "USER Owner 0 * :Owner");
    assert.equal(
      await squatter.conn.expect(NOTICE),
      ":NickServ!NickServ@services. NOTICE Owner :This nickname is registered. Please identify via /msg NickServ IDENTIFY <password> within 30 seconds, or choose another nick.",
    );
    const peer = server.register("peer");
    peer.say("JOIN #room");
    squatter.say("JOIN #room");
    await peer.conn.expect(/^:Owner!\S+ JOIN #room/);
    server.clock.advance(29_999);
    squatter.say("PING :still");
    await squatter.conn.expect(/ PONG /);
    assert.deepEqual(
      squatter.conn.take().filter((line) => / NICK /.test(line)),
      [],
    );
    server.clock.advance(1);
    assert.equal(await squatter.conn.expect(/ NICK /), ":Owner!Owner@127.0.0.1 NICK Guest2");
    assert.equal(await peer.conn.expect(/ NICK /), ":Owner!Owner@127.0.0.1 NICK Guest2");
    assert.equal(
      await squatter.conn.expect(NOTICE),
      ":NickServ!NickServ@services. NOTICE Guest2 :You did not identify for Owner in time: you are now Guest2.",
    );
    // The owner takes it back, logged in with SASL: no notice, no rename.
    const back = server.connect();
    back.say("CAP REQ :sasl", "NICK owner", "USER owner 0 * :owner", "AUTHENTICATE PLAIN");
    await back.conn.expect(/^AUTHENTICATE \+/);
    back.say(`AUTHENTICATE ${Buffer.from("\0owner\0owner-password").toString("base64")}`);
    await back.conn.expect(/ 903 /);
    back.say("CAP END");
    await back.conn.expect(/ (376|422) /);
    server.clock.advance(60_000);
    back.say("PING :done");
    await back.conn.expect(/ PONG /);
    assert.deepEqual(
      back.conn.take().filter((line) => NOTICE.test(line) || / NICK /.test(line)),
      [],
    );
    server.close();
  });

  it("keeps the nick of whoever identifies in time, and restarts the clock on a nick change", async () => {
    const server = memoryRooms({ nickGraceMs: 10_000 });
    const first = server.register("keeper");
    first.say("PRIVMSG NickServ :REGISTER keeper-password");
    await first.conn.expect(/registered; you are now logged in/);
    first.say("QUIT");
    const other = server.register("someone");
    other.say("NICK keeper");
    await other.conn.expect(/ NICK keeper/);
    assert.match(await other.conn.expect(NOTICE), /This nickname is registered/);
    server.clock.advance(9_000);
    other.say("PRIVMSG NickServ :IDENTIFY keeper-password");
    assert.equal(
      await other.conn.expect(/ 900 /),
      ":irc.test 900 keeper keeper!someone@127.0.0.1 keeper :You are now logged in as keeper",
    );
    server.clock.advance(10_000);
    other.say("PING :kept");
    await other.conn.expect(/ PONG /);
    assert.deepEqual(
      other.conn.take().filter((line) => / NICK /.test(line)),
      [],
    );
    // Logged out, it is told again and given the period again.
    other.say("PRIVMSG NickServ :LOGOUT");
    await other.conn.expect(/ 901 /);
    await other.conn.expect(/This nickname is registered/);
    other.say("NICK elsewhere");
    await other.conn.expect(/ NICK elsewhere/);
    server.clock.advance(20_000);
    other.say("PING :free");
    await other.conn.expect(/ PONG /);
    assert.deepEqual(
      other.conn.take().filter((line) => / NICK /.test(line)),
      [],
    );
    server.close();
  });
});

describe("registered names across nodes", { timeout: 60_000 }, () => {
  it("tells every node of an account registered on one: another node's seed client cannot take it", async () => {
    const bus = `memory:accounts-${process.pid}-${Date.now()}`;
    const a = memoryRooms({ bus });
    const b = memoryRooms({ bus });
    await Promise.all([a.ready, b.ready]);
    const watcher = b.register("watcher");
    watcher.say("JOIN #both");
    await watcher.conn.expect(/ 366 /);
    const owner = a.register("farowner");
    owner.say("JOIN #both");
    await watcher.conn.expect(/^:farowner!\S+ JOIN #both/);
    owner.say("PRIVMSG NickServ :REGISTER farowner-password");
    await owner.conn.expect(/ 900 /);
    // Each node's operations arrive in order: once B sees the nick change, it knows the account.
    owner.say("NICK moved");
    await watcher.conn.expect(/ NICK moved/);
    const seed = b.connect();
    seed.say("JOIN_CHATROOM: lobby", "CLIENT_IP: 0", "PORT: 0", "CLIENT_NAME: FarOwner");
    assert.deepEqual(await Promise.all([seed.conn.expect(/^ERROR_CODE/), seed.conn.expect(/^ERROR_DESC/)]), [
      "ERROR_CODE: 18",
      "ERROR_DESCRIPTION: the name FarOwner is a registered account's: choose another",
    ]);
    a.close();
    b.close();
  });
});

describe("registered names and the seed protocol", { timeout: 60_000 }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startRoomsServer("evented");
  });
  after(async () => {
    await server.shutdown();
  });

  it("refuses a registered name to a seed client with error 18, and takes any other", async () => {
    const irc = await connectIrc(server.port, "regd");
    irc.send("PRIVMSG NickServ :REGISTER regd-password\r");
    await irc.until(/registered; you are now logged in/);
    irc.send("QUIT\r");
    await irc.linesUntilClose();
    const seed = await SeedClient.connect(server.port);
    try {
      seed.send(["JOIN_CHATROOM: lobby", "CLIENT_IP: 0", "PORT: 0", "CLIENT_NAME: REGD"]);
      assert.equal(await seed.expectError(18), "the name REGD is a registered account's: choose another");
      await seed.join("lobby", "unregd");
    } finally {
      seed.close();
    }
  });
});
