// Names that are JavaScript property names (`__proto__`, `constructor`, `toString`, `hasOwnProperty`) are
// nicknames, room names and accounts like any other: each used everywhere over real sockets, and nothing
// breaks (no lookup finds a prototype's member, no map is poisoned) for them or for anyone else.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { Irc } from "../support/irc.js";
import { SeedClient, startRoomsServer } from "../support/rooms.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

const NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty"];

describe("JavaScript property names as names", { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  const clients: Array<{ raw: { destroy(): void } }> = [];
  before(async () => {
    server = await startRoomsServer("evented", { opers: [{ name: "boss", password: "pw" }] });
  });
  after(async () => {
    for (const client of clients) client.raw.destroy();
    await server.shutdown();
  });
  const irc = async (nick: string) => {
    const client = await Irc.register(server.port, nick);
    clients.push(client);
    return client;
  };

  for (const name of NAMES) {
    it(`${name}: nick, room, message, NAMES, WHOIS, MODE, nick change, account, seed name`, async () => {
      const user = await irc(name);
      const friend = await irc(`f${name.replaceAll("_", "")}`.slice(0, 20));
      const room = `#${name}`;
      // Neither the nick nor the room exists before: a lookup must not find Object.prototype's member.
      friend.send(`WHOIS x${name}`);
      await friend.numeric("401");
      friend.send(`MODE #x${name}`);
      await friend.numeric("403");
      user.send(`JOIN ${room}`);
      assert.equal(await user.numeric("353"), `${name} = ${room} :@${name}`);
      friend.send(`JOIN ${room}`);
      await user.expect(new RegExp(`^:${friend.nick}!\\S+ JOIN ${room}\\r?$`));
      friend.send(`PRIVMSG ${room} :hello ${name}`);
      await user.expect(new RegExp(`PRIVMSG ${room} :hello ${name}\\r?$`));
      friend.send(`PRIVMSG ${name} :direct`);
      await user.expect(new RegExp(`^:${friend.nick}!\\S+ PRIVMSG ${name} :direct\\r?$`));
      friend.send(`NAMES ${room}`);
      assert.equal(await friend.numeric("353"), `${friend.nick} = ${room} :@${name} ${friend.nick}`);
      friend.send(`WHOIS ${name}`);
      assert.match(await friend.numeric("311"), new RegExp(`^${friend.nick} ${name} ${name} `));
      assert.match(await friend.numeric("319"), new RegExp(`:@${room}\\r?$`));
      user.send(`MODE ${room} +b ${name}!*@*`);
      await friend.expect(new RegExp(`MODE ${room} \\+b ${name}!\\*@\\*\\r?$`));
      user.send(`MODE ${room} b`);
      assert.match(await user.numeric("367"), new RegExp(`^${name} ${room} ${name}!\\*@\\* `));
      user.send(`MODE ${room} -b ${name}!*@*`);
      await friend.expect(new RegExp(`MODE ${room} -b ${name}!\\*@\\*\\r?$`));
      user.send(`MODE ${room} +v ${friend.nick}`);
      await friend.expect(new RegExp(`MODE ${room} \\+v ${friend.nick}\\r?$`));
      // Away from the name and back: it is free again, then taken again.
      user.send(`NICK ${name}2`);
      await friend.expect(new RegExp(`^:${name}!\\S+ NICK :?${name}2\\r?$`));
      user.send(`NICK ${name}`);
      await friend.expect(new RegExp(`^:${name}2!\\S+ NICK :?${name}\\r?$`));
      // An account of that name, logged in to and looked up.
      user.send(`PRIVMSG NickServ :REGISTER secret-${name}`);
      await user.expect(
        new RegExp(`NOTICE ${name} :Account ${name} registered; you are now logged in\\.\\r?$`),
      );
      friend.send(`PRIVMSG NickServ :INFO ${name}`);
      await friend.expect(new RegExp(`NOTICE ${friend.nick} :Account ${name}, registered `));
      friend.send(`WHOIS ${name}`);
      assert.match(await friend.numeric("330"), new RegExp(`^${friend.nick} ${name} ${name} :`));
      // A seed client in a room of that name, under a name of its own, hears the IRC users there.
      const seed = await SeedClient.connect(server.port);
      clients.push(seed);
      const joined = await seed.join(name, `s${name.replaceAll("_", "")}`.slice(0, 20));
      friend.send(`PRIVMSG ${room} :to seed`);
      await seed.expectChat(joined.ref, friend.nick, "to seed");
      user.send(`PART ${room}`);
      friend.send(`PART ${room}`);
      await friend.expect(new RegExp(`^:${friend.nick}!\\S+ PART ${room}`));
    });
  }

  it("leaves the server whole: a fresh client's LUSERS and WHOWAS of every name", async () => {
    const fresh = await irc("fresh");
    for (const name of NAMES) {
      // The nick it left for a moment.
      fresh.send(`WHOWAS ${name}2`);
      assert.match(await fresh.numeric("314"), new RegExp(`^fresh ${name}2 ${name} `));
    }
    fresh.send("LUSERS");
    await fresh.numeric("251");
    // A seed client named after each property, in one room.
    for (const name of NAMES) {
      const seed = await SeedClient.connect(server.port);
      clients.push(seed);
      seed.send(["JOIN_CHATROOM: plain", "CLIENT_IP: 0", "PORT: 0", `CLIENT_NAME: ${name}`]);
      // An account's name now: refused as any registered name is to the seed protocol, which cannot log in.
      assert.equal(await seed.expectError(18), `the name ${name} is a registered account's: choose another`);
    }
  });
});
