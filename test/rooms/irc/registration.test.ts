// IRC registration: NICK, USER, PASS, CAP and the welcome.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LineClient, withoutCr } from "../../support/line-client.js";
import { startRoomsServer } from "../../support/rooms.js";
import { basicServer, detailServer } from "./fixture.js";

describe("IRC registration", { timeout: 60_000 }, () => {
  describe("with operators and a MOTD", () => {
    const { register, connect } = basicServer();

    it("negotiates capabilities (CAP 302) and holds registration until CAP END", async () => {
      const c = await connect();
      c.send("CAP LS 302");
      // The list may take several lines (all but the last marked `*`).
      const ls = (await c.raw.until(/ CAP \* LS :/)).join(" ");
      for (const cap of ["multi-prefix", "server-time", "message-tags", "echo-message", "away-notify"])
        assert.match(ls, new RegExp(`\\b${cap}\\b`));
      c.send("NICK capper");
      c.send("USER capper 0 * :c");
      c.send("CAP REQ :multi-prefix server-time echo-message");
      assert.match(
        await c.expect(/ CAP /),
        /^:irc\.test CAP capper ACK :multi-prefix server-time echo-message$/,
      );
      c.send("CAP REQ :no-such-cap");
      assert.match(await c.expect(/ CAP /), /^:irc\.test CAP capper NAK :no-such-cap$/);
      c.send("PING :still-negotiating");
      // No 001 before CAP END: the PONG is the next line.
      assert.match(await c.raw.nextLine(), / PONG irc\.test :still-negotiating/);
      c.send("CAP END");
      await c.numeric("001");
      await c.expect(/ (376|422) /);
      // echo-message and server-time at work.
      c.send("JOIN #caps");
      await c.numeric("366");
      c.send("PRIVMSG #caps :echoed");
      assert.match(
        await c.expect(/PRIVMSG/),
        /^@time=\d{4}-\d\d-\d\dT[\d:.]+Z :capper!\S+ PRIVMSG #caps :echoed$/,
      );
    });

    it("answers registration errors: 451, 461, 431, 432, 433, 462 and QUIT before registration", async () => {
      const c = await connect();
      c.send("JOIN #early");
      assert.equal(await c.numeric("451"), "* :You have not registered");
      c.send("USER only");
      assert.equal(await c.numeric("461"), "* USER :Not enough parameters");
      // An empty realname is a missing one; the USER can come again.
      c.send("USER u 0 * :");
      assert.equal(await c.numeric("461"), "* USER :Not enough parameters");
      c.send("NICK");
      assert.match(await c.numeric("431"), /^\* :No nickname given/);
      c.send("NICK 9lives");
      assert.match(await c.numeric("432"), /^\* 9lives :Erroneous nickname/);
      await register("Taken[1]");
      c.send("NICK taken{1}"); // rfc1459: [ ] fold to { }
      assert.match(await c.numeric("433"), /^\* taken\{1\} :Nickname is already in use/);
      const d = await register("fine");
      d.send("USER again 0 * :x");
      assert.match(await d.numeric("462"), /^fine :You may not reregister/);
      c.send("QUIT :bye");
      assert.deepEqual(
        (await c.raw.linesUntilClose()).at(-1),
        "ERROR :Closing Link: 127.0.0.1 (Quit: bye)\r",
      );
    });

    it("asks for PASS when a password is set: 464 otherwise", async () => {
      const locked = await startRoomsServer("evented", { password: "letmein" });
      const raw = await LineClient.connect(locked.port);
      try {
        raw.write("PASS wrong\r\nNICK p\r\nUSER p 0 * :p\r\n");
        const lines = await raw.linesUntilClose();
        assert.ok(
          lines.some((line) => / 464 p :Password incorrect/.test(line)),
          lines.join("\n"),
        );
        const good = await LineClient.connect(locked.port);
        good.write("PASS letmein\r\nNICK p\r\nUSER p 0 * :p\r\n");
        await good.until(/ 001 p /);
        good.destroy();
      } finally {
        raw.destroy();
        await locked.shutdown();
      }
    });
  });

  describe("with tight limits", () => {
    const { register, connect } = detailServer();

    it("advertises its limits in 004 and 005 and holds to them: 432, 476, 405", async () => {
      const c = await connect();
      c.send("NICK limits");
      c.send("USER limits 0 * :Limit Tester");
      const lines = (await c.raw.until(/ 422 /)).map(withoutCr);
      const myinfo = lines.find((line) => / 004 /.test(line)) ?? "";
      assert.match(myinfo, /^:irc\.test 004 limits irc\.test tcpchat-\S+ iowB :?beIklimnstov$/);
      const tokens = lines
        .filter((line) => / 005 /.test(line))
        .flatMap((line) => {
          assert.match(line, / :are supported by this server$/);
          return line
            .replace(/ :are supported by this server$/, "")
            .split(" ")
            .slice(3);
        });
      for (const token of [
        "NICKLEN=12",
        "CHANNELLEN=20",
        "TOPICLEN=40",
        "CHANLIMIT=#:3",
        "CHANTYPES=#",
        "PREFIX=(ov)@+",
        "CHANMODES=beI,k,l,imnst",
        "EXCEPTS=e",
        "INVEX=I",
        "EXTBAN=,am",
        "ACCOUNTEXTBAN=a",
        "MAXLIST=b:100,e:100,I:100",
        "CASEMAPPING=rfc1459",
        "NETWORK=tcpchat",
        "KEYLEN=23",
        "BOT=B",
        "MONITOR=100",
        "WHOX",
        "STATUSMSG=@+",
        "ELIST=CMNTU",
      ])
        assert.ok(tokens.includes(token), `${token} in ${tokens.join(" ")}`);
      // Exactly what is implemented: no token more, none less.
      assert.deepEqual(tokens.map((token) => token.replace(/=.*$/, "")).sort(), [
        "ACCOUNTEXTBAN",
        "AWAYLEN",
        "BOT",
        "CASEMAPPING",
        "CHANLIMIT",
        "CHANMODES",
        "CHANNELLEN",
        "CHANTYPES",
        "CHATHISTORY",
        "ELIST",
        "EXCEPTS",
        "EXTBAN",
        "INVEX",
        "KEYLEN",
        "KICKLEN",
        "MAXLIST",
        "MODES",
        "MONITOR",
        "MSGREFTYPES",
        "NETWORK",
        "NICKLEN",
        "PREFIX",
        "STATUSMSG",
        "TARGMAX",
        "TOPICLEN",
        "USERLEN",
        "UTF8ONLY",
        "WHOX",
      ]);
      const targmax =
        tokens
          .find((token) => token.startsWith("TARGMAX="))
          ?.slice(8)
          .split(",") ?? [];
      for (const entry of ["JOIN:3", "PRIVMSG:4", "NOTICE:4", "KICK:4", "WHOIS:1"])
        assert.ok(targmax.includes(entry), `${entry} in TARGMAX`);
      // 251-255 and 265/266 before the MOTD's 422.
      const codes = lines.map((line) => line.split(" ")[1]);
      assert.deepEqual(
        codes.filter((code) => /^2[56]\d$/.test(code ?? "")),
        ["251", "252", "253", "254", "255", "265", "266"],
      );
      c.send("NICK abcdefghijklm");
      assert.equal(await c.numeric("432"), "limits abcdefghijklm :Erroneous nickname");
      c.send("NICK abcdefghijkl");
      assert.equal(await c.expect(/ NICK /), ":limits!limits@127.0.0.1 NICK abcdefghijkl");
      c.send(`JOIN #${"x".repeat(20)}`);
      assert.equal(await c.numeric("476"), `abcdefghijkl #${"x".repeat(20)} :Bad Channel Mask`);
      c.send("JOIN nohash");
      assert.equal(await c.numeric("403"), "abcdefghijkl nohash :No such channel");
      c.send("JOIN #l1,#l2,#l3,#l4");
      assert.equal(await c.numeric("405"), "abcdefghijkl #l4 :You have joined too many channels");
      c.send(`TOPIC #l1 :${"t".repeat(50)}`);
      assert.equal(await c.expect(/ TOPIC /), `:abcdefghijkl!limits@127.0.0.1 TOPIC #l1 :${"t".repeat(40)}`);
    });

    it("negotiates CAP: LS, LIST, a request refused whole, -cap, 410, and CAP after registration", async () => {
      const c = await connect();
      c.send("CAP LS");
      assert.equal(
        await c.expect(/ CAP /),
        ":irc.test CAP * LS :account-notify account-tag away-notify batch cap-notify chghost draft/account-registration draft/channel-rename draft/chathistory draft/message-redaction draft/metadata-2 draft/multiline draft/read-marker echo-message extended-join extended-monitor invite-notify labeled-response message-tags multi-prefix sasl server-time setname standard-replies userhost-in-names",
      );
      c.send("CAP REQ :multi-prefix bogus");
      assert.equal(await c.expect(/ CAP /), ":irc.test CAP * NAK :multi-prefix bogus");
      c.send("CAP LIST");
      assert.equal(await c.expect(/ CAP /), ":irc.test CAP * LIST :");
      c.send("CAP REQ multi-prefix");
      assert.equal(await c.expect(/ CAP /), ":irc.test CAP * ACK :multi-prefix");
      c.send("CAP FROB");
      assert.equal(await c.numeric("410"), "* FROB :Invalid CAP command");
      c.send("NICK capless");
      c.send("USER capless 0 * :c");
      assert.deepEqual(
        (await c.drain()).filter((line) => / 001 /.test(line)),
        [],
        "no welcome before CAP END",
      );
      c.send("CAP END");
      await c.numeric("001");
      await c.numeric("422");
      c.send("CAP REQ :-multi-prefix server-time");
      assert.equal(await c.expect(/ CAP /), ":irc.test CAP capless ACK :-multi-prefix server-time");
      c.send("CAP LIST");
      assert.equal(await c.expect(/ CAP /), ":irc.test CAP capless LIST :server-time");
      c.send("CAP END");
      assert.deepEqual(await c.drain(), [], "CAP END after registration says nothing");
    });

    it("registers through the corners: PASS without a password, USER before NICK, a taken nick retried, QUIT without reason", async () => {
      const c = await connect();
      c.send("PASS ignored");
      c.send("USER corner 0 * :Real  Name With Spaces");
      c.send("NICK seeker2");
      c.send("NICK 1bad");
      await c.numeric("001");
      assert.deepEqual(
        (await c.raw.until(/ 422 /)).filter((line) => / 432 /.test(line)),
        [],
        "the second NICK came after registration",
      );
      assert.equal(await c.numeric("432"), "seeker2 1bad :Erroneous nickname");
      const d = await connect();
      d.send("NICK seeker2");
      assert.equal(await d.numeric("433"), "* seeker2 :Nickname is already in use");
      d.send("USER x 0 * :x");
      d.send("NICK seeker3");
      assert.match(
        await d.numeric("001"),
        /^seeker3 :Welcome to the tcpchat IRC Network seeker3!x@127\.0\.0\.1$/,
      );
      await c.join("#corner");
      await d.join("#corner");
      d.send("QUIT");
      assert.equal((await d.raw.linesUntilClose()).at(-1), "ERROR :Closing Link: 127.0.0.1 (Client Quit)\r");
      assert.equal(await c.expect(/ QUIT /), ":seeker3!x@127.0.0.1 QUIT :Client Quit");
      // A client that closes without QUIT.
      const e = await register("closer");
      await e.join("#corner");
      await c.expect(/ JOIN #corner/);
      e.raw.end();
      assert.equal(await c.expect(/ QUIT /), ":closer!closer@127.0.0.1 QUIT :Connection closed");
    });
  });
});
