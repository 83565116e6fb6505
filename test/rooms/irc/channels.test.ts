// IRC channels: JOIN, PART, TOPIC, NAMES, LIST, KICK, INVITE, MODE.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Irc } from "../../support/irc.js";
import { withoutCr } from "../../support/line-client.js";
import { joinIrc } from "../../support/rooms.js";
import { basicServer, detailServer, replyCode } from "./fixture.js";

describe("IRC channels", { timeout: 60_000 }, () => {
  describe("with operators and a MOTD", () => {
    const { register } = basicServer();

    it("runs channels: JOIN lists and keys, JOIN 0, PART, TOPIC, NAMES, LIST, KICK, INVITE", async () => {
      const op = await register("chanop");
      const guest = await register("guest");
      op.send("JOIN #one,#two");
      assert.match(await op.expect(/ 366 chanop #two /), /End of \/NAMES list/);
      op.send("TOPIC #one :the topic");
      assert.equal(await op.expect(/ TOPIC /), ":chanop!chanop@127.0.0.1 TOPIC #one :the topic");
      guest.send("JOIN #one");
      assert.equal(await guest.numeric("332"), "guest #one :the topic");
      assert.match(await guest.numeric("333"), /^guest #one chanop!chanop@127\.0\.0\.1 :?\d+$/);
      assert.equal(await guest.numeric("353"), "guest = #one :@chanop guest");
      await guest.numeric("366");
      guest.send("TOPIC #one :mine now"); // +t
      assert.match(await guest.numeric("482"), /^guest #one :You're not channel operator/);
      guest.send("NAMES #two");
      assert.equal(await guest.numeric("353"), "guest = #two :@chanop");
      guest.send("LIST");
      const list = await guest.raw.until(/ 323 /);
      assert.ok(list.some((line) => / 322 guest #one 2 :the topic/.test(line)));
      guest.send("PART #two");
      assert.match(await guest.numeric("442"), /^guest #two :You're not on that channel/);
      guest.send("PART #none");
      assert.match(await guest.numeric("403"), /^guest #none :No such channel/);
      op.send("KICK #one nobody");
      assert.match(await op.numeric("401"), /^chanop nobody :No such nick/);
      op.send("KICK #two guest");
      assert.match(await op.numeric("441"), /^chanop guest #two :They aren't on that channel/);
      guest.send("KICK #one chanop");
      assert.match(await guest.numeric("482"), /^guest #one :You're not channel operator/);
      op.send("INVITE guest #one");
      assert.match(await op.numeric("443"), /^chanop guest #one :is already on channel/);
      op.send("KICK #one guest :out");
      assert.equal(await guest.expect(/ KICK /), ":chanop!chanop@127.0.0.1 KICK #one guest :out");
      // +i, +k, +l, +b: 473, 475, 471, 474; INVITE lets one in past +i.
      op.send("MODE #one +i");
      await op.expect(/ MODE #one \+i/);
      guest.send("JOIN #one");
      assert.match(await guest.numeric("473"), /^guest #one :Cannot join channel \(\+i\)/);
      op.send("INVITE guest #one");
      assert.match(await op.numeric("341"), /^chanop guest :?#one$/);
      assert.equal(await guest.expect(/ INVITE /), ":chanop!chanop@127.0.0.1 INVITE guest #one");
      guest.send("JOIN #one");
      await guest.numeric("366");
      op.send("MODE #two +k secret");
      assert.equal(await op.expect(/ MODE #two /), ":chanop!chanop@127.0.0.1 MODE #two +k secret");
      guest.send("JOIN #two");
      assert.match(await guest.numeric("475"), /^guest #two :Cannot join channel \(\+k\)/);
      op.send("MODE #two +l 1");
      assert.equal(await op.expect(/ MODE #two /), ":chanop!chanop@127.0.0.1 MODE #two +l 1");
      guest.send("JOIN #two secret");
      assert.match(await guest.numeric("471"), /^guest #two :Cannot join channel \(\+l\)/);
      op.send("MODE #two -l+b guest");
      assert.equal(await op.expect(/ MODE #two /), ":chanop!chanop@127.0.0.1 MODE #two -l+b guest!*@*");
      guest.send("JOIN #two secret");
      assert.match(await guest.numeric("474"), /^guest #two :Cannot join channel \(\+b\)/);
      // JOIN 0 leaves every channel.
      op.send("JOIN 0");
      await op.expect(/ PART #one/);
      await op.expect(/ PART #two/);
    });

    it("sets channel and user modes: o v m n s t, i; the creator is operator", async () => {
      const op = await register("moder");
      const v = await register("voiced");
      await joinIrc(op.raw, "moder", "#modes");
      await joinIrc(v.raw, "voiced", "#modes");
      op.send("MODE #modes +mv voiced");
      assert.equal(await v.expect(/ MODE /), ":moder!moder@127.0.0.1 MODE #modes +mv voiced");
      op.send("MODE #modes");
      assert.match(await op.numeric("324"), /^moder #modes :?\+[a-z]*m[a-z]*n[a-z]*t/);
      v.send("PRIVMSG #modes :voiced may speak");
      await op.expect(/voiced may speak/);
      op.send("MODE #modes -v voiced");
      await v.expect(/ MODE #modes -v voiced/);
      v.send("PRIVMSG #modes :silenced");
      assert.match(await v.numeric("404"), /^voiced #modes /);
      v.send("MODE #modes +o voiced");
      assert.match(await v.numeric("482"), /^voiced #modes /);
      op.send("MODE #modes +z");
      assert.match(await op.numeric("472"), /^moder z :is (an )?unknown mode/);
      v.send("MODE voiced +i");
      assert.equal(await v.expect(/ MODE voiced /), ":voiced!voiced@127.0.0.1 MODE voiced :+i");
      v.send("MODE moder +i");
      assert.match(await v.numeric("502"), /^voiced :Can.t change mode for other users/);
      op.send("MODE #modes +b");
      await op.numeric("368");
    });
  });

  describe("with tight limits", () => {
    const { register, connect, registerWith } = detailServer();

    it("folds []\\ to {}| (rfc1459) in nicks and channels", async () => {
      const first = await register("Ab[x]\\");
      const c = await connect();
      c.send("NICK aB{X}|");
      assert.equal(await c.numeric("433"), "* aB{X}| :Nickname is already in use");
      const other = await register("other");
      other.send("NICK AB[X]|");
      assert.equal(await other.numeric("433"), "other AB[X]| :Nickname is already in use");
      first.send("NICK AB{x}\\");
      assert.equal(await first.expect(/ NICK /), ":Ab[x]\\!Ab[x]@127.0.0.1 NICK AB{x}\\");
      other.send("WHOIS ab[X]|");
      assert.match(await other.numeric("311"), /^other AB\{x\}\\ /);
      other.send("ISON ab[x]|");
      assert.equal(await other.numeric("303"), "other :AB{x}\\");
      await first.join("#Fold[1]~");
      const joined = await other.join("#fOLD{1}^");
      assert.ok(joined.includes(":other!other@127.0.0.1 JOIN #Fold[1]~"), joined.join("\n"));
      assert.ok(joined.includes(":irc.test 353 other = #Fold[1]~ :@AB{x}\\ other"), joined.join("\n"));
      other.send("PRIVMSG #FOLD{1}~ :same room");
      assert.equal(await first.expect(/PRIVMSG/), ":other!other@127.0.0.1 PRIVMSG #Fold[1]~ :same room");
    });

    it("runs channel modes: o, v, k, l, b, i, s, n, t, m and the 324 reply", async () => {
      const op = await register("modeop");
      const peer = await register("modepeer");
      const outsider = await register("outsider");
      await op.join("#cm");
      await peer.join("#cm");
      peer.send("TOPIC #cm :nope");
      assert.equal(await peer.numeric("482"), "modepeer #cm :You're not channel operator");
      op.send("MODE #cm +o modepeer");
      assert.equal(await peer.expect(/ MODE /), ":modeop!modeop@127.0.0.1 MODE #cm +o modepeer");
      peer.send("TOPIC #cm :peer topic");
      assert.equal(await op.expect(/ TOPIC /), ":modepeer!modepeer@127.0.0.1 TOPIC #cm :peer topic");
      peer.send("MODE #cm -o modeop");
      assert.equal(await op.expect(/ MODE /), ":modepeer!modepeer@127.0.0.1 MODE #cm -o modeop");
      op.send("MODE #cm +t");
      assert.equal(await op.numeric("482"), "modeop #cm :You're not channel operator");
      peer.send("MODE #cm -t");
      await op.expect(/ MODE #cm -t/);
      op.send("TOPIC #cm :anyone now");
      await peer.expect(/ TOPIC #cm :anyone now/);
      peer.send("TOPIC #cm");
      assert.equal(await peer.numeric("332"), "modepeer #cm :anyone now");
      // +n off: outsiders may speak.
      outsider.send("PRIVMSG #cm :from outside");
      assert.equal(await outsider.numeric("404"), "outsider #cm :Cannot send to channel (+n)");
      peer.send("MODE #cm -n");
      await op.expect(/ MODE #cm -n/);
      outsider.send("PRIVMSG #cm :from outside");
      assert.equal(await op.expect(/PRIVMSG/), ":outsider!outsider@127.0.0.1 PRIVMSG #cm :from outside");
      // +k: the key, shown to members only; -k takes it off.
      peer.send("MODE #cm +kl key1 5");
      assert.equal(await op.expect(/ MODE /), ":modepeer!modepeer@127.0.0.1 MODE #cm +kl key1 5");
      op.send("MODE #cm");
      assert.equal(await op.numeric("324"), "modeop #cm +kl key1 :5");
      assert.match(await op.numeric("329"), /^modeop #cm :?\d+$/);
      outsider.send("MODE #cm");
      assert.equal(await outsider.numeric("324"), "outsider #cm +kl * :5");
      outsider.send("JOIN #cm wrong");
      assert.equal(await outsider.numeric("475"), "outsider #cm :Cannot join channel (+k)");
      await outsider.join("#cm", "key1");
      outsider.send("PART #cm :bye");
      assert.equal(await op.expect(/ PART /), ":outsider!outsider@127.0.0.1 PART #cm :bye");
      peer.send("MODE #cm -kl *");
      assert.equal(await op.expect(/ MODE /), ":modepeer!modepeer@127.0.0.1 MODE #cm -kl *");
      // +b: a list, completed to a mask; a banned member cannot speak; -b lifts it.
      peer.send("MODE #cm +b modeop");
      assert.equal(await op.expect(/ MODE /), ":modepeer!modepeer@127.0.0.1 MODE #cm +b modeop!*@*");
      peer.send("MODE #cm b");
      assert.match(
        await peer.numeric("367"),
        /^modepeer #cm modeop!\*@\* modepeer!modepeer@127\.0\.0\.1 :?\d+$/,
      );
      assert.equal(await peer.numeric("368"), "modepeer #cm :End of channel ban list");
      op.send("PRIVMSG #cm :banned?");
      assert.equal(await op.numeric("404"), "modeop #cm :Cannot send to channel (+b)");
      peer.send("MODE #cm -b modeop!*@*");
      await op.expect(/ MODE #cm -b modeop!\*@\*/);
      // +m: only voiced and operators speak.
      peer.send("MODE #cm +m");
      await op.expect(/ MODE #cm \+m/);
      op.send("PRIVMSG #cm :muted");
      assert.equal(await op.numeric("404"), "modeop #cm :Cannot send to channel (+m)");
      peer.send("MODE #cm +v modeop");
      await op.expect(/ MODE #cm \+v modeop/);
      op.send("PRIVMSG #cm :voiced");
      await peer.expect(/PRIVMSG #cm :voiced/);
      // +s hides the channel from LIST, NAMES and WHOIS for those outside it.
      peer.send("MODE #cm +s");
      await op.expect(/ MODE #cm \+s/);
      outsider.send("LIST");
      const list = (await outsider.raw.until(/ 323 /)).filter((line) => / 322 /.test(line));
      assert.doesNotMatch(list.join("\n"), /#cm/);
      outsider.send("NAMES #cm");
      assert.equal(await outsider.numeric("366"), "outsider #cm :End of /NAMES list");
      outsider.send("WHOIS modepeer");
      const whois = (await outsider.raw.until(/ 318 /)).join("\n");
      assert.doesNotMatch(whois, /#cm/);
      // +i: 473 until invited; the invitation is used up by the join.
      peer.send("MODE #cm +i");
      await op.expect(/ MODE #cm \+i/);
      op.send("INVITE outsider #cm");
      assert.equal(await op.numeric("482"), "modeop #cm :You're not channel operator");
      peer.send("INVITE outsider #cm");
      assert.equal(await peer.numeric("341"), "modepeer outsider :#cm");
      await outsider.join("#cm");
      outsider.send("PART #cm");
      await outsider.expect(/ PART #cm/);
      outsider.send("JOIN #cm");
      assert.equal(await outsider.numeric("473"), "outsider #cm :Cannot join channel (+i)");
      // +l past the limit.
      peer.send("MODE #cm -i+l 2");
      await op.expect(/ MODE #cm -i\+l 2/);
      outsider.send("JOIN #cm");
      assert.equal(await outsider.numeric("471"), "outsider #cm :Cannot join channel (+l)");
      op.send("MODE #cm +z-q");
      assert.equal(await op.numeric("472"), "modeop z :is unknown mode char to me");
      assert.equal(await op.numeric("472"), "modeop q :is unknown mode char to me");
    });

    it("answers the channel errors: 403, 441, 442, 443, 461, 482, 401", async () => {
      const op = await register("errop");
      const in2 = await register("errin");
      const out = await register("errout");
      await op.join("#ce");
      await in2.join("#ce");
      await op.expect(/ JOIN #ce/);
      const cases: Array<[Irc, string, string]> = [
        [out, "TOPIC #nochan", "errout #nochan :No such channel"],
        [out, "TOPIC #ce :x", "errout #ce :You're not on that channel"],
        [out, "KICK #nochan errin", "errout #nochan :No such channel"],
        [out, "KICK #ce errin", "errout #ce :You're not on that channel"],
        [in2, "KICK #ce errop", "errin #ce :You're not channel operator"],
        [op, "KICK #ce errout", "errop errout #ce :They aren't on that channel"],
        [op, "KICK #ce nobody", "errop nobody :No such nick/channel"],
        [out, "INVITE errin #ce", "errout #ce :You're not on that channel"],
        [op, "INVITE errin #ce", "errop errin #ce :is already on channel"],
        [op, "INVITE nobody #ce", "errop nobody :No such nick/channel"],
        [op, "INVITE errout #nochan", "errop #nochan :No such channel"],
        [op, "MODE #nochan +i", "errop #nochan :No such channel"],
        [op, "MODE #ce +o nobody", "errop nobody :No such nick/channel"],
        [op, "MODE #ce +o errout", "errop errout #ce :They aren't on that channel"],
        [op, "MODE #ce +k", "errop MODE :Not enough parameters"],
        [op, "MODE #ce +l many", "errop #ce l many :Invalid limit: a positive number"],
        [out, "MODE #ce +i", "errout #ce :You're not channel operator"],
        [in2, "MODE #ce +v errin", "errin #ce :You're not channel operator"],
        [out, "PART #ce", "errout #ce :You're not on that channel"],
        [out, "PART #nochan", "errout #nochan :No such channel"],
        [out, "MODE errin +i", "errout :Can't change mode for other users"],
        [out, "MODE nobody +i", "errout nobody :No such nick/channel"],
        [out, "MODE errout +x", "errout :Unknown MODE flag"],
      ];
      for (const [client, command, reply] of cases) {
        client.send(command);
        const lines = await client.drain();
        assert.deepEqual(lines, [`:irc.test ${replyCode(reply)} ${reply}`], command);
      }
      for (const command of [
        "JOIN",
        "PART",
        "KICK #ce",
        "INVITE errin",
        "TOPIC",
        "MODE",
        "OPER boss",
        "KILL",
        "ISON",
        "USERHOST",
        "WHOIS",
        "WHOWAS",
        "PING",
        "SAJOIN x",
        "SAPART x",
        "WALLOPS",
        "TAGMSG",
        "CAP",
        "PASS",
      ]) {
        out.send(command);
        const name = command.split(" ")[0];
        assert.deepEqual(await out.drain(), [`:irc.test 461 errout ${name} :Not enough parameters`], command);
      }
      out.send("PASS late");
      assert.deepEqual(await out.drain(), [":irc.test 462 errout :You may not reregister"]);
      out.send("USER a 0 * :b");
      assert.deepEqual(await out.drain(), [":irc.test 462 errout :You may not reregister"]);
    });

    it("kicks several at once, sets +ov in one line, clears a topic, and stamps every event with server-time", async () => {
      const op = await register("kop");
      const x = await register("kx");
      const y = await register("ky");
      const timed = await registerWith("ktimed", "server-time echo-message");
      for (const c of [op, x, y, timed]) await c.join("#kk");
      await op.expect(/ JOIN #kk/);
      await op.expect(/ JOIN #kk/);
      await op.expect(/ JOIN #kk/);
      const stamp = /^@time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;
      op.send("MODE #kk +ov kx ky");
      assert.equal(await op.expect(/ MODE /), ":kop!kop@127.0.0.1 MODE #kk +ov kx ky");
      const mode = await timed.expect(/ MODE /);
      assert.match(mode, stamp);
      assert.equal(mode.replace(stamp, ""), ":kop!kop@127.0.0.1 MODE #kk +ov kx ky");
      op.send("TOPIC #kk :short-lived");
      await op.expect(/ TOPIC /);
      op.send("TOPIC #kk :");
      assert.equal(await op.expect(/ TOPIC /), ":kop!kop@127.0.0.1 TOPIC #kk :");
      op.send("TOPIC #kk");
      assert.equal(await op.numeric("331"), "kop #kk :No topic is set");
      timed.send("NOTICE #kk :echoed notice");
      assert.equal(
        (await timed.expect(/ NOTICE /)).replace(stamp, ""),
        ":ktimed!ktimed@127.0.0.1 NOTICE #kk :echoed notice",
      );
      op.send("KICK #kk kx,ky,nobody :all of you");
      assert.equal(await op.numeric("401"), "kop nobody :No such nick/channel");
      const told = (await timed.raw.until(/ KICK #kk ky /)).filter((line) =>
        / (KICK|TOPIC|MODE|JOIN) /.test(line),
      );
      for (const line of told) assert.match(line, stamp, line);
      assert.deepEqual(
        told.slice(-2).map((line) => withoutCr(line.replace(stamp, ""))),
        [":kop!kop@127.0.0.1 KICK #kk kx :all of you", ":kop!kop@127.0.0.1 KICK #kk ky :all of you"],
      );
      op.send("NAMES #kk");
      assert.equal(await op.numeric("353"), "kop = #kk :@kop ktimed");
    });

    it("refuses a limit or key that cannot be with 696 and sets nothing", async () => {
      const op = await register("limop");
      const other = await register("limother");
      await op.join("#lim");
      for (const [command, reply] of [
        ["MODE #lim +l 0", "limop #lim l 0 :Invalid limit: a positive number"],
        ["MODE #lim +l -1", "limop #lim l -1 :Invalid limit: a positive number"],
        ["MODE #lim +l abc", "limop #lim l abc :Invalid limit: a positive number"],
        ["MODE #lim +l :", "limop #lim l * :Invalid limit: a positive number"],
        ["MODE #lim +l 1e3", "limop #lim l 1e3 :Invalid limit: a positive number"],
        ["MODE #lim +k :", "limop #lim k * :Invalid key: 1 to 23 characters, no spaces or commas"],
        ["MODE #lim +k :two words", "limop #lim k * :Invalid key: 1 to 23 characters, no spaces or commas"],
        ["MODE #lim +k a,b", "limop #lim k * :Invalid key: 1 to 23 characters, no spaces or commas"],
        [
          `MODE #lim +k ${"k".repeat(24)}`,
          "limop #lim k * :Invalid key: 1 to 23 characters, no spaces or commas",
        ],
      ]) {
        op.send(command as string);
        assert.deepEqual(await op.drain(), [`:irc.test 696 ${reply}`], command);
      }
      // Nothing was set: the channel is as it was, and anyone joins without a key.
      op.send("MODE #lim");
      assert.equal(await op.numeric("324"), "limop #lim :+nt");
      await other.join("#lim");
      await op.drain();
      // A valid key of the longest length, and the other changes of the line still apply around a bad one.
      op.send(`MODE #lim +kl-t ${"k".repeat(23)} x`);
      assert.deepEqual(await op.drain(), [
        `:limop!limop@127.0.0.1 MODE #lim +k-t ${"k".repeat(23)}`,
        ":irc.test 696 limop #lim l x :Invalid limit: a positive number",
      ]);
    });

    it("takes KICK and NAMES lists: pairs of channels and users, all 353 lines then one 366", async () => {
      const op = await register("listop");
      const a = await register("lista");
      const b = await register("listb");
      await op.join("#la");
      await op.join("#lb");
      await a.join("#la");
      await b.join("#lb");
      await op.drain();
      op.send("NAMES #la,#nowhere,#lb");
      assert.deepEqual(await op.drain(), [
        ":irc.test 353 listop = #la :@listop lista",
        ":irc.test 353 listop = #lb :@listop listb",
        ":irc.test 366 listop #la,#nowhere,#lb :End of /NAMES list",
      ]);
      // As many channels as users: each user out of its own channel.
      op.send("KICK #la,#lb lista,listb :both");
      assert.equal(await a.expect(/ KICK /), ":listop!listop@127.0.0.1 KICK #la lista :both");
      assert.equal(await b.expect(/ KICK /), ":listop!listop@127.0.0.1 KICK #lb listb :both");
      assert.deepEqual(await op.drain(), [
        ":listop!listop@127.0.0.1 KICK #la lista :both",
        ":listop!listop@127.0.0.1 KICK #lb listb :both",
      ]);
      // Two channels and one user (or three) is no pairing: 461.
      op.send("KICK #la,#lb lista");
      assert.deepEqual(await op.drain(), [":irc.test 461 listop KICK :Not enough parameters"]);
      op.send("KICK #la,#lb lista,listb,listop");
      assert.deepEqual(await op.drain(), [":irc.test 461 listop KICK :Not enough parameters"]);
      // Each pair answered on its own: a channel that is not there, a user not in the other.
      op.send("KICK #nochan,#lb lista,lista");
      assert.deepEqual(await op.drain(), [
        ":irc.test 403 listop #nochan :No such channel",
        ":irc.test 441 listop lista #lb :They aren't on that channel",
      ]);
      op.send("NAMES #la,#lb");
      assert.deepEqual(await op.drain(), [
        ":irc.test 353 listop = #la :@listop",
        ":irc.test 353 listop = #lb :@listop",
        ":irc.test 366 listop #la,#lb :End of /NAMES list",
      ]);
    });

    it("filters LIST with ELIST=CMNTU: member counts, masks, creation and topic times", async () => {
      const a = await register("elista");
      const b = await register("elistb");
      await a.join("#el-big");
      await b.join("#el-big");
      await a.join("#el-small");
      a.send("TOPIC #el-small :topical");
      await a.expect(/ TOPIC #el-small/);
      const listed = async (query: string) => {
        a.send(`LIST ${query}`);
        return (await a.drain())
          .filter((line) => / 322 /.test(line))
          .map((line) => line.split(" ")[3])
          .filter((name) => name?.startsWith("#el-"))
          .sort();
      };
      assert.deepEqual(await listed(">1"), ["#el-big"]);
      assert.deepEqual(await listed("<2"), ["#el-small"]);
      assert.deepEqual(await listed("*big*"), ["#el-big"]);
      assert.deepEqual(await listed("!*big*"), ["#el-small"]);
      assert.deepEqual(await listed("C<10"), ["#el-big", "#el-small"]);
      assert.deepEqual(await listed("C>10"), []);
      assert.deepEqual(await listed("T<10"), ["#el-small"]);
      assert.deepEqual(await listed("T>10"), []);
      assert.deepEqual(await listed("#el-big,#el-small >1"), ["#el-big"]);
      assert.deepEqual(await listed("#el-big,#el-small"), ["#el-big", "#el-small"]);
      // A condition not understood is ignored.
      assert.deepEqual(await listed("*el-* >x"), ["#el-big", "#el-small"]);
    });

    it("keeps ban exceptions (+e), invite exceptions (+I) and mute bans (m:), each listed apart", async () => {
      const op = await register("exop");
      const guest = await register("exguest");
      const muted = await register("exmuted");
      await op.join("#ex");
      op.send("MODE #ex +b exguest");
      op.send("MODE #ex +e exguest!*@127.0.0.1");
      await op.drain();
      // Banned, but excepted: joins.
      await guest.join("#ex");
      op.send("MODE #ex +I exmuted");
      op.send("MODE #ex +i");
      op.send("MODE #ex +b m:exmuted");
      await op.drain();
      // Past +i by +I, and in, but muted by the m: ban.
      await muted.join("#ex");
      muted.send("PRIVMSG #ex :can I speak?");
      assert.deepEqual(await muted.drain(), [":irc.test 404 exmuted #ex :Cannot send to channel (+b)"]);
      guest.send("PRIVMSG #ex :excepted speaks");
      assert.equal(await op.expect(/ PRIVMSG /), ":exguest!exguest@127.0.0.1 PRIVMSG #ex :excepted speaks");
      op.send("MODE #ex e");
      op.send("MODE #ex I");
      op.send("MODE #ex b");
      const lists = (await op.drain()).map((line) => line.replace(/ :?\d+$/, " <time>"));
      assert.deepEqual(lists, [
        ":irc.test 348 exop #ex exguest!*@127.0.0.1 exop!exop@127.0.0.1 <time>",
        ":irc.test 349 exop #ex :End of channel exception list",
        ":irc.test 346 exop #ex exmuted!*@* exop!exop@127.0.0.1 <time>",
        ":irc.test 347 exop #ex :End of channel invite list",
        ":irc.test 367 exop #ex exguest!*@* exop!exop@127.0.0.1 <time>",
        ":irc.test 367 exop #ex m:exmuted!*@* exop!exop@127.0.0.1 <time>",
        ":irc.test 368 exop #ex :End of channel ban list",
      ]);
      // Without the exception the ban holds again.
      op.send("MODE #ex -e exguest!*@127.0.0.1");
      await op.expect(/ MODE #ex -e/);
      guest.send("PRIVMSG #ex :still?");
      assert.deepEqual(
        (await guest.drain()).filter((line) => / 404 /.test(line)),
        [":irc.test 404 exguest #ex :Cannot send to channel (+b)"],
      );
    });

    it("matches accounts with a: in +b, +e and +I, mutes with m:a:, and refuses entries that cannot be", async () => {
      const op = await register("acop");
      const troll = await register("actroll");
      const guest = await register("acguest");
      troll.send("REGISTER * * :troll-password");
      await troll.numeric("900");
      await op.join("#acc");
      op.send("MODE #acc +b a:ACT*");
      assert.equal(await op.expect(/ MODE /), ":acop!acop@127.0.0.1 MODE #acc +b a:ACT*");
      troll.send("JOIN #acc");
      assert.deepEqual(
        (await troll.drain()).filter((line) => / 474 /.test(line)),
        [":irc.test 474 actroll #acc :Cannot join channel (+b)"],
      );
      // Not logged in to an account: no a: entry matches, whatever the nick.
      guest.send("NICK actguest");
      await guest.expect(/ NICK actguest/);
      await guest.join("#acc");
      op.send("MODE #acc +e a:actroll");
      await op.expect(/ MODE #acc \+e a:actroll/);
      await troll.join("#acc");
      op.send("MODE #acc -be a:ACT* a:actroll");
      op.send("MODE #acc +b m:a:actroll");
      await op.expect(/ MODE #acc \+b m:a:actroll/);
      troll.send("PRIVMSG #acc :muted?");
      assert.deepEqual(
        (await troll.drain()).filter((line) => / 404 /.test(line)),
        [":irc.test 404 actroll #acc :Cannot send to channel (+b)"],
      );
      op.send("MODE #acc +e m:a:act*");
      await op.expect(/ MODE #acc \+e m:a:act\*/);
      troll.send("PRIVMSG #acc :heard again");
      assert.equal(await op.expect(/ PRIVMSG /), ":actroll!actroll@127.0.0.1 PRIVMSG #acc :heard again");
      // +I by account, past +i.
      op.send("MODE #acc +iI a:actroll");
      await op.expect(/ MODE #acc \+iI a:actroll/);
      troll.send("PART #acc");
      guest.send("PART #acc");
      await troll.join("#acc");
      guest.send("JOIN #acc");
      assert.deepEqual(
        (await guest.drain()).filter((line) => / 473 /.test(line)),
        [":irc.test 473 actguest #acc :Cannot join channel (+i)"],
      );
      op.send("MODE #acc b");
      op.send("MODE #acc e");
      op.send("MODE #acc I");
      assert.deepEqual(
        (await op.drain())
          .filter((line) => / 3(67|48|46) /.test(line))
          .map((line) => line.split(" ").slice(1, 5).join(" ")),
        ["367 acop #acc m:a:actroll", "348 acop #acc m:a:act*", "346 acop #acc a:actroll"],
      );
      // Nothing after a: or m:, m: in +I, m: twice: 696 naming the mode and the entry.
      op.send("MODE #acc +b a:");
      op.send("MODE #acc +e m:");
      op.send("MODE #acc +I m:a:actroll");
      op.send("MODE #acc +b m:m:x");
      assert.deepEqual(await op.drain(), [
        ":irc.test 696 acop #acc b a: :Invalid ban: a mask, a:<account> or m:<mask>",
        ":irc.test 696 acop #acc e m: :Invalid exception: a mask, a:<account> or m:<mask>",
        ":irc.test 696 acop #acc I m:a:actroll :Invalid invite exception: a mask or a:<account>",
        ":irc.test 696 acop #acc b m:m:x :Invalid ban: a mask, a:<account> or m:<mask>",
      ]);
    });
  });
});
