// IRC queries: MOTD, VERSION, TIME, INFO, LUSERS, WHO, WHOIS, WHOWAS, ISON, USERHOST.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { joinIrc } from "../../support/rooms.js";
import { basicServer, detailServer, lusersServer } from "./fixture.js";

describe("IRC queries", { timeout: 60_000 }, () => {
  describe("with operators and a MOTD", () => {
    const { register, connect } = basicServer();

    it("sends the MOTD when there is one, and answers MOTD, VERSION, TIME, INFO and LUSERS", async () => {
      const c = await connect();
      c.send("NICK motd");
      c.send("USER motd 0 * :m");
      assert.match(await c.numeric("375"), /^motd :- irc\.test Message of the day/);
      assert.equal(await c.numeric("372"), "motd :- Welcome to the test server");
      assert.equal(await c.numeric("372"), "motd :- Be nice");
      await c.numeric("376");
      c.send("MOTD");
      await c.numeric("376");
      c.send("VERSION");
      assert.match(await c.numeric("351"), /^motd tcpchat-\S+ irc\.test/);
      c.send("TIME");
      assert.match(await c.numeric("391"), /^motd irc\.test /);
      c.send("INFO");
      await c.numeric("371");
      await c.numeric("374");
      c.send("LUSERS");
      assert.match(await c.numeric("251"), /^motd :There are \d+ users/);
    });

    it("answers queries: WHO, WHOIS, WHOWAS, ISON, USERHOST, AWAY", async () => {
      const q = await register("querier");
      const t = await register("target");
      await joinIrc(t.raw, "target", "#q");
      q.send("WHOIS target");
      assert.equal(await q.numeric("311"), "querier target target 127.0.0.1 * :target");
      assert.equal(await q.numeric("319"), "querier target :@#q");
      await q.numeric("318");
      q.send("WHO #q");
      assert.match(await q.numeric("352"), /^querier #q target 127\.0\.0\.1 irc\.test target H@ :0 target/);
      await q.numeric("315");
      q.send("ISON target nobody");
      assert.equal(await q.numeric("303"), "querier :target");
      q.send("USERHOST target");
      assert.equal(await q.numeric("302"), "querier :target=+target@127.0.0.1");
      t.send("AWAY :lunch");
      assert.equal(await t.numeric("306"), "target :You have been marked as being away");
      q.send("PRIVMSG target :are you there?");
      assert.equal(await q.numeric("301"), "querier target :lunch");
      t.send("AWAY");
      await t.numeric("305");
      t.send("NICK renamed");
      await t.expect(/ NICK renamed/);
      q.send("WHOWAS target");
      assert.equal(await q.numeric("314"), "querier target target 127.0.0.1 * :target");
      await q.numeric("369");
      q.send("WHOWAS never");
      assert.match(await q.numeric("406"), /^querier never :There was no such nickname/);
    });
  });

  describe("with tight limits", () => {
    const { register, connect } = detailServer();

    it("answers WHO masks, WHOIS in full, WHOWAS with a count, invisible users and USERHOST away", async () => {
      const seeker = await register("seeker");
      const hidden = await connect();
      hidden.send("NICK hidden");
      hidden.send("USER hidden 8 * :Hidden Person");
      assert.equal(await hidden.expect(/ MODE hidden/), ":hidden!hidden@127.0.0.1 MODE hidden :+i");
      seeker.send("WHO hid*");
      assert.deepEqual(await seeker.drain(), [":irc.test 315 seeker hid* :End of WHO list"]);
      // An exact nickname is no search: +i does not hide the user from it, in any case.
      seeker.send("WHO HIDDEN");
      assert.deepEqual(await seeker.drain(), [
        ":irc.test 352 seeker * hidden 127.0.0.1 irc.test hidden H :0 Hidden Person",
        ":irc.test 315 seeker HIDDEN :End of WHO list",
      ]);
      seeker.send("WHO hidden o");
      assert.deepEqual(await seeker.drain(), [":irc.test 315 seeker hidden :End of WHO list"]);
      await hidden.join("#seen");
      await seeker.join("#seen");
      seeker.send("WHO hid*");
      assert.deepEqual(await seeker.drain(), [
        ":irc.test 352 seeker * hidden 127.0.0.1 irc.test hidden H :0 Hidden Person",
        ":irc.test 315 seeker hid* :End of WHO list",
      ]);
      hidden.send("AWAY :away a while");
      await hidden.numeric("306");
      seeker.send("USERHOST hidden");
      assert.equal(await seeker.numeric("302"), "seeker :hidden=-hidden@127.0.0.1");
      seeker.send("WHOIS hidden");
      const whois = await seeker.raw.until(/ 318 /);
      assert.deepEqual(
        whois.map((line) => line.split(" ")[1]),
        ["311", "319", "312", "301", "317", "318"],
      );
      assert.equal(whois[0], ":irc.test 311 seeker hidden hidden 127.0.0.1 * :Hidden Person\r");
      assert.equal(whois[1], ":irc.test 319 seeker hidden :@#seen\r");
      assert.match(whois[4] ?? "", /^:irc\.test 317 seeker hidden \d+ \d+ :seconds idle, signon time\r$/);
      seeker.send("WHOIS nobody");
      assert.deepEqual(await seeker.drain(), [
        ":irc.test 401 seeker nobody :No such nick/channel",
        ":irc.test 318 seeker nobody :End of /WHOIS list",
      ]);
      // hidden → hidden2 → hidden → hidden2: WHOWAS remembers "hidden" twice, newest first.
      for (const nick of ["hidden2", "hidden", "hidden2"]) {
        hidden.send(`NICK ${nick}`);
        await seeker.expect(new RegExp(` NICK ${nick}\\r?$`));
      }
      const numerics = (lines: string[]) => lines.filter((line) => line.startsWith(":irc.test "));
      seeker.send("WHOWAS hidden");
      assert.deepEqual(
        numerics(await seeker.drain()).map((line) => line.split(" ")[1]),
        ["314", "312", "314", "312", "369"],
      );
      seeker.send("WHOWAS hidden 1");
      const was = numerics(await seeker.drain());
      assert.equal(was[0], ":irc.test 314 seeker hidden hidden 127.0.0.1 * :Hidden Person");
      assert.match(was[1] ?? "", /^:irc\.test 312 seeker hidden irc\.test :\w{3}, /);
      assert.equal(was[2], ":irc.test 369 seeker hidden :End of WHOWAS");
      assert.equal(was.length, 3);
      seeker.send("TIME");
      assert.match(await seeker.numeric("391"), /^seeker irc\.test :\w{3}, \d\d \w{3} \d{4} /);
      seeker.send("ISON nobody");
      assert.equal(await seeker.numeric("303"), "seeker :");
    });
  });

  describe("counting", () => {
    const { register, connect } = lusersServer();

    it("keeps invisible users and operators counted through modes, nick changes and quits", async () => {
      const hidden = await connect("hidden");
      hidden.send("NICK hidden");
      hidden.send("USER hidden 8 * :asks for +i"); // RFC 2812: bit 3 of the mode
      await hidden.expect(/ MODE hidden :\+i\r?$/);
      const shy = await register("shy");
      const asker = await register("asker");
      const counts = async () => {
        asker.send("LUSERS");
        const users = await asker.numeric("251");
        const opers = await asker.numeric("252");
        return `${users.replace(/^asker :There are /, "").replace(" on 1 servers", "")} / ${opers.split(" ")[1]} opers`;
      };
      assert.equal(await counts(), "2 users and 1 invisible / 0 opers");
      shy.send("MODE shy +i");
      await shy.expect(/ MODE shy :\+i\r?$/);
      assert.equal(await counts(), "1 users and 2 invisible / 0 opers");
      hidden.send("MODE hidden -i");
      await hidden.expect(/ MODE hidden :-i\r?$/);
      shy.send("NICK shyer");
      await shy.expect(/ NICK shyer\r?$/);
      assert.equal(await counts(), "2 users and 1 invisible / 0 opers");
      asker.send("OPER root pw");
      await asker.numeric("381");
      assert.equal(await counts(), "2 users and 1 invisible / 1 opers");
      asker.send("MODE asker -o");
      await asker.expect(/ MODE asker :-o\r?$/);
      assert.equal(await counts(), "2 users and 1 invisible / 0 opers");
      shy.send("QUIT :bye");
      await shy.raw.linesUntilClose();
      assert.equal(await counts(), "2 users and 0 invisible / 0 opers");
    });

    it("counts exactly at every moment: one who quit is gone from every count once its ERROR is out", async () => {
      const asker = await register("exact");
      const lusers = async () => {
        asker.send("LUSERS");
        // The most users at once (265, 266) only grows: the counts are what must come back.
        return (await asker.drain()).map((line) =>
          line.replace(/^:irc\.test \d+ exact /, "").replace(/^(\d+) \d+ :(.*), max \d+$/, "$1 :$2"),
        );
      };
      const before = await lusers();
      // One that has not registered is an unknown connection, until its QUIT's ERROR.
      const unknown = await connect("pending");
      unknown.send("NICK pending");
      unknown.send("PING :here");
      await unknown.expect(/ PONG /);
      const pending = await lusers();
      assert.notDeepEqual(pending, before);
      assert.ok(pending.includes("1 :unknown connection(s)"), pending.join("\n"));
      unknown.send("QUIT");
      // Not waiting for the close: the ERROR is enough.
      await unknown.expect(/^ERROR /);
      assert.deepEqual(await lusers(), before);
      // A registered one, in a channel: every count goes back as its ERROR comes.
      const leaver = await register("leaver");
      await leaver.join("#counted");
      assert.notDeepEqual(await lusers(), before);
      leaver.send("QUIT :counted out");
      await leaver.expect(/^ERROR /);
      assert.deepEqual(await lusers(), before);
    });

    describe("WHOX", () => {
      const { register } = basicServer();

      it("answers WHO with % fields and a token in 354, the standard fields in their order", async () => {
        const me = await register("whoxer");
        const other = await register("whoxed");
        await other.join("#wx");
        other.send("AWAY :out");
        await other.numeric("306");
        me.send("WHO whoxed %tcuihsnfar,42");
        assert.deepEqual(await me.drain(), [
          ":irc.test 354 whoxer 42 * whoxed 255.255.255.255 127.0.0.1 irc.test whoxed G 0 :whoxed",
          ":irc.test 315 whoxer whoxed :End of WHO list",
        ]);
        me.send("WHO #wx %nf");
        assert.deepEqual(await me.drain(), [
          ":irc.test 354 whoxer whoxed :G@",
          ":irc.test 315 whoxer #wx :End of WHO list",
        ]);
        // Its own address, and a token that is no token: 0.
        me.send("WHO whoxer %tin,abcd");
        assert.deepEqual(await me.drain(), [
          ":irc.test 354 whoxer 0 127.0.0.1 :whoxer",
          ":irc.test 315 whoxer whoxer :End of WHO list",
        ]);
        me.send("WHO whoxed o%n");
        assert.deepEqual(await me.drain(), [":irc.test 315 whoxer whoxed :End of WHO list"]);
        me.send("VERSION");
        const tokens = (await me.drain()).filter((line) => / 005 /.test(line)).join(" ");
        assert.match(tokens, / WHOX /);
      });

      it("answers WHOX's a with the account (0 for none), d with 0 hops and o with n/a", async () => {
        const me = await register("whoxacct");
        await register("whoxnone");
        me.send("REGISTER * * :whox-password");
        await me.numeric("900");
        await me.drain();
        me.send("WHO whoxacct %tndaor,7");
        me.send("WHO whoxnone %rona,7");
        assert.deepEqual(await me.drain(), [
          ":irc.test 354 whoxacct 7 whoxacct 0 whoxacct n/a :whoxacct",
          ":irc.test 315 whoxacct whoxacct :End of WHO list",
          ":irc.test 354 whoxacct whoxnone 0 n/a :whoxnone",
          ":irc.test 315 whoxacct whoxnone :End of WHO list",
        ]);
      });
    });
  });
});
