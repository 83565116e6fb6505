// One room, two protocols: seed-protocol clients and IRC clients in the same room see each other's
// messages, joins, leaves, nick changes and quits, each in its own format.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { LineClient, withoutCr } from "../support/line-client.js";
import { SeedClient, startRoomsServer } from "../support/rooms.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

/** A registered IRC client over a raw socket; lines come without their CR. */
async function ircClient(port: number, nick: string): Promise<LineClient> {
  const client = await LineClient.connect(port);
  client.send(`NICK ${nick}\r`);
  client.send(`USER ${nick} 0 * :${nick} the tester\r`);
  await client.until(/^:irc\.test (376|422) /);
  return client;
}

const lineOf = (client: LineClient) => client.nextLine().then(withoutCr);

for (const model of ["evented", "threaded"] as const) {
  describe(`seed and IRC clients in the same room (${model})`, { timeout: SUITE_TIMEOUT_MS }, () => {
    let server: RunningServer;
    const clients: Array<{ close(): void }> = [];

    before(async () => {
      server = await startRoomsServer(model);
    });
    after(async () => {
      for (const client of clients) client.close();
      await server.shutdown();
    });

    it("delivers joins, messages, /me, nick changes, parts and quits both ways", async () => {
      const irc = await ircClient(server.port, "ircuser");
      const ircRaw = { close: () => irc.destroy() };
      clients.push(ircRaw);
      irc.send("JOIN #lobby\r");
      await irc.until(/ 366 ircuser #lobby /);

      const seed = await SeedClient.connect(server.port);
      clients.push(seed);
      const s = await seed.join("lobby", "seeduser");
      assert.equal(await lineOf(irc), `:seeduser!seeduser@127.0.0.1 JOIN #lobby`);

      // seed → IRC
      seed.chat(s, "seeduser", "hello from the seed side");
      await seed.expectChat(s.ref, "seeduser", "hello from the seed side");
      assert.equal(
        await lineOf(irc),
        ":seeduser!seeduser@127.0.0.1 PRIVMSG #lobby :hello from the seed side",
      );

      // IRC → seed, including an action
      irc.send("PRIVMSG #lobby :hello from IRC\r");
      await seed.expectChat(s.ref, "ircuser", "hello from IRC");
      irc.send("PRIVMSG #lobby :\x01ACTION waves\x01\r");
      await seed.expectChat(s.ref, "ircuser", "* ircuser waves");

      // Names on the IRC side include the seed user.
      irc.send("NAMES #lobby\r");
      const names = await lineOf(irc);
      assert.match(names, /^:irc\.test 353 ircuser = #lobby :/);
      assert.deepEqual(names.split(":")[2]?.split(" ").sort(), ["@ircuser", "seeduser"]);
      await irc.until(/ 366 /);

      // A nick change reaches the seed client as a notice.
      irc.send("NICK ircuser2\r");
      assert.equal(await lineOf(irc), ":ircuser!ircuser@127.0.0.1 NICK ircuser2");
      await seed.expectChat(s.ref, "ircuser2", "ircuser is now known as ircuser2.");

      // IRC cannot write to a seed user alone: it is told, and nothing is delivered.
      irc.send("PRIVMSG seeduser :psst\r");
      assert.match(await lineOf(irc), /^:irc\.test 531 ircuser2 seeduser :They use the seed rooms protocol/);

      // A seed leave is an IRC PART; a seed rejoin an IRC JOIN.
      seed.leave(s, "seeduser");
      assert.deepEqual(await seed.block(2), [`LEFT_CHATROOM: ${s.ref}`, `JOIN_ID: ${s.joinId}`]);
      assert.equal(await lineOf(irc), ":seeduser!seeduser@127.0.0.1 PART #lobby");
      await seed.join("lobby", "seeduser");
      assert.equal(await lineOf(irc), ":seeduser!seeduser@127.0.0.1 JOIN #lobby");

      // An IRC part and quit reach the seed client as "has left".
      irc.send("PART #lobby :later\r");
      assert.equal(await lineOf(irc), ":ircuser2!ircuser@127.0.0.1 PART #lobby :later");
      await seed.expectChat(s.ref, "ircuser2", "ircuser2 has left this chatroom.");
      irc.send("JOIN #lobby\r");
      await irc.until(/ 366 ircuser2 #lobby /);
      await seed.expectChat(s.ref, "ircuser2", "ircuser2 has joined this chatroom.");
      irc.send("QUIT :bye now\r");
      await seed.expectChat(s.ref, "ircuser2", "ircuser2 has left this chatroom.");

      // A seed DISCONNECT is an IRC QUIT.
      const watcher = await ircClient(server.port, "watcher");
      clients.push({ close: () => watcher.destroy() });
      watcher.send("JOIN #lobby\r");
      await watcher.until(/ 366 watcher #lobby /);
      seed.send(["DISCONNECT: 0", "PORT: 0", "CLIENT_NAME: seeduser"]);
      assert.match(await lineOf(watcher), /^:seeduser!seeduser@127\.0\.0\.1 QUIT :/);
    });

    it("shares nicknames: a name taken in one protocol is taken in the other", async () => {
      const irc = await ircClient(server.port, "Taken");
      clients.push({ close: () => irc.destroy() });
      const seed = await SeedClient.connect(server.port);
      clients.push(seed);
      seed.send(["JOIN_CHATROOM: names", "CLIENT_IP: 0", "PORT: 0", "CLIENT_NAME: taken"]);
      await seed.expectError(6);
      await seed.join("names", "seedname");
      irc.send("NICK SeedName\r");
      assert.match(await lineOf(irc), /^:irc\.test 433 Taken SeedName :/);
    });
  });
}
