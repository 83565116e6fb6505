// A real IRC client library (irc-framework) against the server: registration with capability negotiation,
// channels, messages, nick changes, topics, away and quits, as a client application sees them.
import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import irc, { type Client, type IrcEvent } from "irc-framework";
import type { RunningServer } from "../../src/models/index.js";
import { startRoomsServer } from "../support/rooms.js";

const WAIT_MS = 5000;

/** The next `event` on `client` that satisfies `match`, within WAIT_MS. */
function next(
  client: Client,
  event: string,
  match: (e: IrcEvent) => boolean = () => true,
): Promise<IrcEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`no ${event} event within ${WAIT_MS} ms`));
    }, WAIT_MS);
    const listener = (e: IrcEvent) => {
      if (!match(e)) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(e);
    };
    client.on(event, listener);
  });
}

for (const model of ["evented", "threaded"] as const) {
  describe(`irc-framework against the rooms server (${model})`, { timeout: 30_000 }, () => {
    let server: RunningServer;
    const clients: Client[] = [];

    const connect = async (nick: string, echo = false): Promise<Client> => {
      const client = new irc.Client();
      clients.push(client);
      const registered = once(client, "registered");
      client.connect({
        host: "127.0.0.1",
        port: server.port,
        nick,
        auto_reconnect: false,
        enable_echomessage: echo,
      });
      await registered;
      return client;
    };

    before(async () => {
      server = await startRoomsServer(model);
    });
    after(async () => {
      for (const client of clients) client.connection.end();
      await server.shutdown();
    });

    it("negotiates capabilities and talks in a channel", async () => {
      const ann = await connect("ann", true);
      for (const cap of ["multi-prefix", "server-time", "away-notify", "echo-message"])
        assert.ok(ann.network.cap.enabled.includes(cap), `${cap} in ${ann.network.cap.enabled}`);
      const ben = await connect("ben");

      const annJoined = next(ann, "join", (e) => e.nick === "ann");
      ann.join("#framework");
      await annJoined;
      const seenBen = next(ann, "join", (e) => e.nick === "ben");
      const benList = next(ben, "userlist", (e) => e.channel === "#framework");
      ben.join("#framework");
      await seenBen;
      const users = (await benList).users?.map((user) => `${user.modes.join("")}${user.nick}`).sort();
      assert.deepEqual(users, ["ben", "oann"]);

      const got = next(ben, "privmsg");
      const echoed = next(ann, "privmsg");
      ann.say("#framework", "hello from the library");
      const message = await got;
      assert.equal(message.nick, "ann");
      assert.equal(message.target, "#framework");
      assert.equal(message.message, "hello from the library");
      assert.ok(
        typeof message.time === "number" && Math.abs(message.time - Date.now()) < 60_000,
        "server-time",
      );
      assert.equal((await echoed).message, "hello from the library", "echo-message");

      const action = next(ann, "action");
      ben.action("#framework", "waves");
      assert.equal((await action).message, "waves");

      const topic = next(ben, "topic");
      ann.setTopic("#framework", "library topic");
      assert.equal((await topic).topic, "library topic");

      const renamed = next(ann, "nick");
      ben.changeNick("benjamin");
      const nick = await renamed;
      assert.deepEqual([nick.nick, nick.new_nick], ["ben", "benjamin"]);

      const away = next(ann, "away", (e) => e.nick === "benjamin");
      ben.raw("AWAY", "out for lunch");
      assert.equal((await away).message, "out for lunch");

      const parted = next(ann, "part");
      ben.part("#framework", "later");
      assert.equal((await parted).nick, "benjamin");

      const quit = next(ann, "quit");
      const rejoined = next(ann, "join", (e) => e.nick === "benjamin");
      ben.join("#framework");
      await rejoined;
      ben.quit("done");
      const q = await quit;
      assert.equal(q.nick, "benjamin");
      assert.match(q.message ?? "", /done/);
    });
  });
}
