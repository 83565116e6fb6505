// A real IRC client library (irc-framework) against the server: registration with capability negotiation,
// channels, messages, nick changes, topics, away and quits, as a client application sees them.
import assert from "node:assert/strict";
import { type EventEmitter, once } from "node:events";
import { after, before, describe, it } from "node:test";
import irc, { type Client, type IrcEvent } from "irc-framework";
import type { RunningServer } from "../../src/models/index.js";
import { startRoomsServer } from "../support/rooms.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";
import { nextEvent } from "../support/wait.js";

/** The next `event` on `client` that satisfies `match`, bounded. */
const next = (client: Client, event: string, match?: (e: IrcEvent) => boolean) =>
  nextEvent<IrcEvent>(client as unknown as EventEmitter, event, match);

for (const model of ["evented", "threaded"] as const) {
  describe(`irc-framework against the rooms server (${model})`, { timeout: SUITE_TIMEOUT_MS }, () => {
    let server: RunningServer;
    const clients: Client[] = [];

    const connect = async (nick: string, echo = false, caps: string[] = []): Promise<Client> => {
      const client = new irc.Client();
      clients.push(client);
      if (caps.length > 0) client.requestCap(caps);
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

    it("runs three clients: ISUPPORT read, kick, modes, WHOIS, tags, a taken nick, and one QUIT each", async () => {
      const dee = await connect("dee");
      const eve = await connect("eve");
      const fay = await connect("fay");
      const network = dee.network as unknown as { supports(name: string): unknown };
      assert.equal(network.supports("CASEMAPPING"), "rfc1459");
      assert.equal(network.supports("NETWORK"), "tcpchat");
      for (const client of [dee, eve, fay]) {
        const joined = next(client, "join", (e) => e.nick === client.user.nick);
        client.join("#three");
        await joined;
      }
      // Mode and kick, as the library reads them.
      const mode = next(fay, "mode");
      dee.raw("MODE", "#three", "+o", "eve");
      const modeEvent = (await mode) as unknown as {
        target: string;
        modes: Array<{ mode: string; param: string }>;
      };
      assert.equal(modeEvent.target, "#three");
      assert.deepEqual(modeEvent.modes, [{ mode: "+o", param: "eve" }]);
      const kicked = next(dee, "kick");
      eve.raw("KICK", "#three", "fay", "out you go");
      const kick = (await kicked) as unknown as { kicked: string; nick: string; message: string };
      assert.deepEqual([kick.kicked, kick.nick, kick.message], ["fay", "eve", "out you go"]);
      // WHOIS through the library's own parser.
      const whois = await new Promise<Record<string, unknown>>((resolve) =>
        (fay as unknown as { whois(nick: string, cb: (e: Record<string, unknown>) => void): void }).whois(
          "EVE",
          resolve,
        ),
      );
      assert.equal(whois.nick, "eve");
      assert.equal(whois.hostname, "127.0.0.1");
      assert.match(String(whois.channels), /@#three/);
      // Client-only tags: the library asks for message-tags.
      assert.ok(dee.network.cap.enabled.includes("message-tags"));
      const tagged = next(eve, "tagmsg");
      (dee as unknown as { tagmsg(target: string, tags: Record<string, string>): void }).tagmsg("#three", {
        "+typing": "active",
      });
      assert.equal((await tagged).tags?.["+typing"], "active");
      // A taken nick, in another case: the library is told.
      const taken = new irc.Client();
      clients.push(taken);
      const inUse = next(taken, "nick in use");
      taken.connect({ host: "127.0.0.1", port: server.port, nick: "DEE", auto_reconnect: false });
      assert.equal((await inUse).nick, "DEE");
      // Two who share the channel see the QUIT once each.
      const quits: string[] = [];
      dee.on("quit", (e: IrcEvent) => quits.push(`dee:${e.nick}`));
      fay.on("quit", (e: IrcEvent) => quits.push(`fay:${e.nick}`));
      const deeSaw = next(dee, "quit");
      eve.quit("bye all");
      assert.match((await deeSaw).message ?? "", /bye all/);
      // fay left #three when kicked, so it shares nothing with eve: a PING round trip proves it heard nothing.
      const pong = next(fay, "pong");
      fay.raw("PING", "sync");
      await pong;
      assert.deepEqual(quits, ["dee:eve"]);
    });

    it("reads a labeled WHOIS as one labeled-response batch, and an ACK", async () => {
      const gus = await connect("gus", false, ["labeled-response"]);
      for (const cap of ["batch", "labeled-response"])
        assert.ok(gus.network.cap.enabled.includes(cap), `${cap} in ${gus.network.cap.enabled}`);
      const batch = next(gus, "batch end labeled-response");
      const whois = next(gus, "whois");
      gus.raw("@label=fw1 WHOIS gus");
      const event = await batch;
      assert.deepEqual(
        event.commands?.map((c) => c.command),
        ["311", "312", "317", "318"],
      );
      assert.equal((await whois).nick, "gus");
      const ack = next(gus, "unknown command", (e) => (e as { command?: string }).command === "ACK");
      gus.raw("@label=fw2 PONG :irc.test");
      assert.equal(((await ack) as { tags?: Record<string, string> }).tags?.label, "fw2");
    });
  });
}
