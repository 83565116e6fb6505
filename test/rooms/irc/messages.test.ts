// IRC messages: PRIVMSG, NOTICE, TAGMSG and what capabilities change.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withoutCr } from "../../support/line-client.js";
import { joinIrc } from "../../support/rooms.js";
import { basicServer, detailServer } from "./fixture.js";

describe("IRC messages", { timeout: 60_000 }, () => {
  describe("with operators and a MOTD", () => {
    const { register } = basicServer();

    it("answers message errors: 401, 403, 404, 411, 412, 421", async () => {
      const c = await register("errs");
      c.send("PRIVMSG nobody :hi");
      assert.match(await c.numeric("401"), /^errs nobody :No such nick/);
      c.send("PRIVMSG #nochannel :hi");
      assert.match(await c.numeric("403"), /^errs #nochannel :No such channel/);
      c.send("PRIVMSG");
      assert.match(await c.numeric("411"), /^errs :No recipient given \(PRIVMSG\)/);
      c.send("PRIVMSG errs");
      assert.match(await c.numeric("412"), /^errs :No text to send/);
      c.send("FROBNICATE now");
      assert.match(await c.numeric("421"), /^errs FROBNICATE :Unknown command/);
      const owner = await register("owner");
      await joinIrc(owner.raw, "owner", "#closed");
      c.send("PRIVMSG #closed :from outside"); // +n by default
      assert.match(await c.numeric("404"), /^errs #closed :Cannot send to channel/);
      // NOTICE errors are never answered: the next reply is the PONG.
      c.send("NOTICE nobody :x");
      c.send("PING :after-notice");
      assert.match(await c.raw.nextLine(), /PONG irc\.test :after-notice/);
    });
  });

  describe("with tight limits", () => {
    const { register, registerWith } = detailServer();

    it("changes what a client sees with away-notify, multi-prefix, userhost-in-names and message-tags", async () => {
      const plain = await register("plainer");
      const rich = await registerWith("rich", "away-notify multi-prefix userhost-in-names message-tags");
      await plain.join("#rich");
      plain.send("MODE #rich +v plainer");
      await plain.expect(/ MODE #rich \+v plainer/);
      const names = await rich.join("#rich");
      assert.ok(
        names.includes(":irc.test 353 rich = #rich :@+plainer!plainer@127.0.0.1 rich!rich@127.0.0.1"),
        names.join("\n"),
      );
      plain.send("NAMES #rich");
      assert.equal(await plain.numeric("353"), "plainer = #rich :@plainer rich");
      rich.send("WHO #rich");
      assert.match(
        await rich.numeric("352"),
        /^rich #rich plainer 127\.0\.0\.1 irc\.test plainer H@\+ :0 plainer$/,
      );
      plain.send("AWAY :brb");
      assert.equal(await rich.expect(/ AWAY/), ":plainer!plainer@127.0.0.1 AWAY :brb");
      plain.send("AWAY");
      assert.equal(await rich.expect(/ AWAY/), ":plainer!plainer@127.0.0.1 AWAY");
      rich.send("AWAY :gone fishing");
      await rich.numeric("306");
      // One who joins while away is told as away to away-notify members, right after the JOIN.
      plain.send("AWAY :joining later");
      await plain.numeric("306");
      plain.send("PART #rich");
      await rich.expect(/ PART #rich/);
      plain.send("JOIN #rich");
      assert.equal(await rich.expect(/ JOIN #rich/), ":plainer!plainer@127.0.0.1 JOIN #rich");
      assert.equal(withoutCr(await rich.raw.nextLine()), ":plainer!plainer@127.0.0.1 AWAY :joining later");
      plain.send("AWAY");
      await plain.numeric("305");
      await rich.expect(/ AWAY\r?$/);
      assert.deepEqual(
        (await plain.drain()).filter((line) => / AWAY/.test(line)),
        [],
        "no AWAY without away-notify",
      );
      // Client-only tags pass to clients with message-tags, escaped as they came; others get none.
      plain.send("@+example.com/x=a\\sb\\:c;server-only=1 PRIVMSG #rich :tagged");
      // Every message carries its msgid to message-tags clients.
      assert.match(
        await rich.expect(/PRIVMSG/),
        /^@msgid=[\w-]+;\+example\.com\/x=a\\sb\\:c :plainer!plainer@127\.0\.0\.1 PRIVMSG #rich :tagged$/,
      );
      rich.send("@+typing=active TAGMSG #rich");
      plain.send("@+typing=paused TAGMSG rich");
      assert.match(
        await rich.expect(/TAGMSG/),
        /^@msgid=[\w-]+;\+typing=paused :plainer!plainer@127\.0\.0\.1 TAGMSG rich$/,
      );
      assert.deepEqual(
        (await plain.drain()).filter((line) => /TAGMSG/.test(line)),
        [],
        "no TAGMSG without message-tags",
      );
    });

    it("sends PRIVMSG and NOTICE to several targets, 407 past TARGMAX, and echoes only with echo-message", async () => {
      const a = await register("sender");
      const b = await register("member");
      const c = await register("direct");
      await a.join("#multi");
      await b.join("#multi");
      a.send("PRIVMSG #multi,direct :to both");
      assert.equal(await b.expect(/PRIVMSG/), ":sender!sender@127.0.0.1 PRIVMSG #multi :to both");
      assert.equal(await c.expect(/PRIVMSG/), ":sender!sender@127.0.0.1 PRIVMSG direct :to both");
      a.send("NOTICE #multi,direct :noted");
      assert.equal(await b.expect(/NOTICE/), ":sender!sender@127.0.0.1 NOTICE #multi :noted");
      assert.equal(await c.expect(/NOTICE/), ":sender!sender@127.0.0.1 NOTICE direct :noted");
      a.send("PRIVMSG direct ::) a  b ");
      assert.equal(await c.expect(/PRIVMSG/), ":sender!sender@127.0.0.1 PRIVMSG direct ::) a  b ");
      a.send("PRIVMSG direct,direct,direct,direct,member :five");
      assert.equal(await a.numeric("407"), "sender member :Too many targets (at most 4)");
      a.send("PRIVMSG #multi :\x01ACTION waves\x01");
      assert.equal(
        await b.expect(/PRIVMSG/),
        ":sender!sender@127.0.0.1 PRIVMSG #multi :\x01ACTION waves\x01",
      );
      a.send("PRIVMSG sender :note to self");
      const own = await a.drain();
      assert.deepEqual(
        own.filter((line) => /PRIVMSG|NOTICE/.test(line)),
        [":sender!sender@127.0.0.1 PRIVMSG sender :note to self"],
        "only a message to itself comes back without echo-message",
      );
    });

    it("marks bots: +B, BOT=B, WHOIS 335, the B flag in WHO, and the bot tag on their messages", async () => {
      const bot = await register("robo");
      const tagged = await registerWith("tagsee", "message-tags");
      const plain = await register("plainsee");
      for (const c of [bot, tagged, plain]) await c.join("#bots");
      bot.send("MODE robo +B");
      assert.equal(await bot.expect(/ MODE robo/), ":robo!robo@127.0.0.1 MODE robo :+B");
      bot.send("MODE robo");
      assert.equal(await bot.numeric("221"), "robo :+B");
      tagged.send("WHOIS robo");
      const whois = (await tagged.raw.until(/ 318 /)).map(withoutCr);
      assert.ok(whois.includes(":irc.test 335 tagsee robo :is a Bot on tcpchat"), whois.join("\n"));
      tagged.send("WHO robo");
      assert.equal(await tagged.numeric("352"), "tagsee * robo 127.0.0.1 irc.test robo HB :0 robo");
      await plain.drain();
      bot.send("PRIVMSG #bots :beep");
      assert.match(
        await tagged.expect(/ PRIVMSG /),
        /^@bot;msgid=[\w-]+ :robo!robo@127\.0\.0\.1 PRIVMSG #bots :beep$/,
      );
      assert.equal(await plain.expect(/ PRIVMSG /), ":robo!robo@127.0.0.1 PRIVMSG #bots :beep");
      bot.send("MODE robo -B");
      await bot.expect(/ MODE robo :-B/);
      bot.send("PRIVMSG #bots :human now");
      assert.match(
        await tagged.expect(/ PRIVMSG /),
        /^@msgid=[\w-]+ :robo!robo@127\.0\.0\.1 PRIVMSG #bots :human now$/,
      );
    });

    it("sends STATUSMSG: @#room to its operators, +#room to voiced members and operators", async () => {
      const op = await register("stop");
      const voiced = await register("stvoice");
      const member = await register("stmember");
      const sender = await registerWith("stsender", "echo-message");
      for (const c of [op, voiced, member, sender]) await c.join("#status");
      op.send("MODE #status +v stvoice");
      await member.expect(/ MODE #status/);
      await sender.drain();
      sender.send("PRIVMSG @#status :ops only");
      assert.equal(await op.expect(/ PRIVMSG /), ":stsender!stsender@127.0.0.1 PRIVMSG @#status :ops only");
      assert.equal(
        await sender.expect(/ PRIVMSG /),
        ":stsender!stsender@127.0.0.1 PRIVMSG @#status :ops only",
      );
      sender.send("NOTICE +#status :voices too");
      assert.equal(await op.expect(/ NOTICE /), ":stsender!stsender@127.0.0.1 NOTICE +#status :voices too");
      assert.equal(
        await voiced.expect(/ NOTICE /),
        ":stsender!stsender@127.0.0.1 NOTICE +#status :voices too",
      );
      assert.deepEqual(
        (await voiced.drain()).filter((line) => / PRIVMSG /.test(line)),
        [],
        "a voiced member does not hear @#status",
      );
      assert.deepEqual(
        (await member.drain()).filter((line) => / (PRIVMSG|NOTICE) /.test(line)),
        [],
        "a plain member hears neither",
      );
      sender.send("PRIVMSG @#nowhere :x");
      assert.equal(await sender.numeric("403"), "stsender #nowhere :No such channel");
    });
  });
});
