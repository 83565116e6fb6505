// The rooms server's console: the operator moves users of either protocol between rooms, speaks, kicks.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { TestConsole } from "../support/console.js";
import { LineClient } from "../support/line-client.js";
import { SeedClient, startRoomsServer } from "../support/rooms.js";

describe("rooms console", { timeout: 20_000 }, () => {
  let server: RunningServer;
  const operator = new TestConsole();

  before(async () => {
    server = await startRoomsServer("evented", { console: true }, { console: operator });
  });
  after(async () => {
    operator.input.end();
    await server.shutdown();
  });

  it("forces users of both protocols into and out of rooms, speaks, sets topics, kicks and kills", async () => {
    const seed = await SeedClient.connect(server.port);
    const s = await seed.join("home", "seedy");
    const irc = await LineClient.connect(server.port);
    irc.send("NICK ircy\r");
    irc.send("USER ircy 0 * :I\r");
    await irc.until(/ (376|422) ircy /);

    assert.equal(await operator.run("/rooms"), "* #home (ref 1) 1 member(s)");
    assert.match(await operator.run("/who"), /^\* seedy \(seed, 127\.0\.0\.1\) in #home/);

    // The seed client gets an unasked JOINED_CHATROOM block; the IRC client a JOIN.
    assert.equal(await operator.run("/join seedy extra"), "* seedy joined #extra");
    const joined = await seed.block(5);
    assert.equal(joined[0], "JOINED_CHATROOM: extra");
    const extraRef = Number(joined[3]?.slice(10));
    await seed.expectChat(extraRef, "seedy", "seedy has joined this chatroom.");
    assert.equal(await operator.run("/join ircy #extra"), "* ircy joined #extra");
    await irc.until(/^:ircy!ircy@127\.0\.0\.1 JOIN #extra/);
    await seed.expectChat(extraRef, "ircy", "ircy has joined this chatroom.");

    assert.equal(await operator.run("/say extra hello from the server"), "* said to #extra");
    await seed.expectChat(extraRef, "irc.test", "hello from the server");
    await irc.until(/^:irc\.test PRIVMSG #extra :hello from the server/);

    assert.equal(await operator.run("/topic extra the topic"), "* topic of #extra set");
    await seed.expectChat(extraRef, "irc.test", "irc.test set the topic: the topic");
    await irc.until(/^:irc\.test TOPIC #extra :the topic/);

    assert.match(await operator.run("/who extra"), /seedy.*\n.*ircy/);

    assert.equal(await operator.run("/part seedy extra"), "* seedy left #extra");
    assert.deepEqual(await seed.block(2), [`LEFT_CHATROOM: ${extraRef}`, `JOIN_ID: ${s.joinId}`]);
    await irc.until(/^:seedy!seedy@127\.0\.0\.1 PART #extra/);

    assert.equal(await operator.run("/kick extra ircy flooding"), "* kicked ircy out of #extra");
    await irc.until(/^:irc\.test KICK #extra ircy :flooding/);

    assert.equal(await operator.run("/kill ircy enough"), "* disconnected ircy");
    const last = await irc.linesUntilClose();
    assert.match(last.at(-1) ?? "", /^ERROR :.*Killed by the server \(enough\)/);

    assert.match(await operator.run("/join nobody room"), /no user nobody/);
    assert.match(await operator.run("/part seedy nowhere"), /no room #nowhere/);
    assert.match(await operator.run("/join seedy"), /usage/);
    assert.match(await operator.run("/frobnicate"), /unknown command/);
    assert.match(await operator.run("/help"), /\/join <nick> <room>/);
    seed.close();
  });
});
