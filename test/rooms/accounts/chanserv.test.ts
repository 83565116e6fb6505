// ChanServ on a manual clock over in-memory connections: a logged-in operator registers a channel; its
// topic (setter and time), modes, key, limit and bans stay while it is empty; its founder is opped on
// join; OP, DEOP, INFO, DROP and HELP, with their refusals.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryRooms } from "../../support/memory-rooms.js";

const CS = /^:ChanServ!ChanServ@services\. NOTICE \S+ :/;

async function said(conn: { expect(p: RegExp): Promise<string> }, pattern: RegExp): Promise<string> {
  return (await conn.expect(pattern)).replace(CS, "");
}

describe("ChanServ", { timeout: 60_000 }, () => {
  it("keeps a registered channel's topic, modes, key, limit and bans while it is empty; opps its founder", async () => {
    const server = memoryRooms();
    const founder = server.register("founder");
    founder.say("PRIVMSG NickServ :REGISTER founder-password");
    await founder.conn.expect(/ 900 /);
    founder.say(
      "JOIN #kept",
      "TOPIC #kept :kept topic",
      "MODE #kept +mk sesame",
      "MODE #kept +l 5",
      "MODE #kept +b bad!*@*",
    );
    await founder.conn.expect(/ MODE #kept \+b bad!\*@\*/);
    founder.say("PRIVMSG ChanServ :REGISTER #kept");
    assert.equal(await said(founder.conn, CS), "#kept is registered to founder.");
    founder.say("PRIVMSG ChanServ :REGISTER #kept");
    assert.equal(await said(founder.conn, CS), "#kept is registered already.");
    founder.say("PART #kept");
    await founder.conn.expect(/ PART #kept/);
    server.clock.advance(60_000);
    // Empty now: the key still holds, and so does the ban.
    const guest = server.register("guest");
    guest.say("JOIN #kept");
    assert.equal(await guest.conn.expect(/ 475 /), ":irc.test 475 guest #kept :Cannot join channel (+k)");
    const bad = server.register("bad");
    bad.say("JOIN #kept sesame");
    assert.equal(await bad.conn.expect(/ 474 /), ":irc.test 474 bad #kept :Cannot join channel (+b)");
    guest.say("JOIN #kept sesame");
    assert.equal(await guest.conn.expect(/ 332 /), ":irc.test 332 guest #kept :kept topic");
    assert.equal(
      await guest.conn.expect(/ 333 /),
      `:irc.test 333 guest #kept founder!founder@127.0.0.1 :${Date.UTC(2026, 0, 1, 12, 0, 0) / 1000}`,
    );
    assert.equal(await guest.conn.expect(/ 353 /), ":irc.test 353 guest = #kept :guest");
    guest.say("MODE #kept");
    assert.equal(await guest.conn.expect(/ 324 /), ":irc.test 324 guest #kept +klmnt sesame :5");
    guest.say("TOPIC #kept :not an operator");
    assert.match(await guest.conn.expect(/ 482 /), /You're not channel operator/);
    founder.say("JOIN #kept sesame");
    assert.equal(await founder.conn.expect(/ 353 /), ":irc.test 353 founder = #kept :guest @founder");
    // Not the founder: refused.
    guest.say("PRIVMSG ChanServ :OP #kept");
    assert.equal(
      await said(guest.conn, CS),
      "Only the founder of #kept (founder) may do that; log in to it first.",
    );
    guest.say("PRIVMSG ChanServ :DROP #kept");
    assert.match(await said(guest.conn, CS), /^Only the founder of #kept/);
    founder.say("PRIVMSG ChanServ :OP #kept guest");
    assert.equal(await guest.conn.expect(/ MODE #kept /), ":irc.test MODE #kept +o guest");
    founder.say("PRIVMSG ChanServ :DEOP #kept guest");
    assert.equal(await guest.conn.expect(/ MODE #kept /), ":irc.test MODE #kept -o guest");
    founder.say("PRIVMSG ChanServ :INFO #kept");
    assert.equal(
      await said(founder.conn, CS),
      "#kept: founder founder, registered Thu, 01 Jan 2026 12:00:00 GMT.",
    );
    assert.equal(await said(founder.conn, CS), "Topic: kept topic (set by founder!founder@127.0.0.1)");
    // A change while registered is kept too.
    founder.say("TOPIC #kept :second topic", "MODE #kept -k sesame");
    await founder.conn.expect(/ MODE #kept -k/);
    founder.say("PART #kept");
    guest.say("PART #kept");
    await guest.conn.expect(/ PART #kept/);
    const third = server.register("third");
    third.say("JOIN #kept");
    assert.equal(await third.conn.expect(/ 332 /), ":irc.test 332 third #kept :second topic");
    founder.say("PRIVMSG ChanServ :DROP #kept");
    assert.equal(await said(founder.conn, CS), "#kept is no longer registered.");
    founder.say("PRIVMSG ChanServ :INFO #kept");
    assert.equal(await said(founder.conn, CS), "#kept is not registered.");
    server.close();
  });

  it("refuses REGISTER to someone not logged in or not an operator, and answers bad input", async () => {
    const server = memoryRooms();
    const anon = server.register("anon");
    anon.say("JOIN #mine", "PRIVMSG ChanServ :REGISTER #mine");
    assert.equal(
      await said(anon.conn, CS),
      "You must be logged in to register a channel: /msg NickServ IDENTIFY <password>.",
    );
    const member = server.register("member");
    member.say("PRIVMSG NickServ :REGISTER member-password");
    await member.conn.expect(/ 900 /);
    member.say("JOIN #mine", "PRIVMSG ChanServ :REGISTER #mine");
    assert.equal(await said(member.conn, CS), "You must be an operator of #mine to register it.");
    member.say("PRIVMSG ChanServ :REGISTER");
    assert.equal(await said(member.conn, CS), "Syntax: REGISTER <#channel>");
    member.say("PRIVMSG ChanServ :REGISTER nochannel");
    assert.equal(await said(member.conn, CS), "Syntax: REGISTER <#channel>");
    member.say("PRIVMSG ChanServ :OP");
    assert.equal(await said(member.conn, CS), "Syntax: OP <#channel> [nick]");
    member.say("PRIVMSG ChanServ :FLY #mine");
    assert.equal(await said(member.conn, CS), "Unknown command FLY. Type /msg ChanServ HELP for help.");
    member.say("PRIVMSG ChanServ :HELP");
    assert.match(await said(member.conn, CS), /^ChanServ keeps registered channels/);
    member.say("WHOIS ChanServ");
    assert.equal(await member.conn.expect(/ 313 /), ":irc.test 313 member ChanServ :is a network service");
    server.close();
  });
});
