// IRC connections: the registration burst and messages under every model, keepalive, and bad input.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../../src/models/index.js";
import { PROC_NET_MISSING, writeBytewise } from "../../support/bytewise.js";
import { Irc } from "../../support/irc.js";
import { LineClient, withoutCr } from "../../support/line-client.js";
import { connectIrc, joinIrc, startRoomsServer } from "../../support/rooms.js";
import { SUITE_TIMEOUT_MS, WINDOW_MS } from "../../support/timing.js";
import { basicServer, detailServer } from "./fixture.js";

for (const model of ["evented", "threaded"] as const) {
  describe(`IRC core (${model})`, { timeout: SUITE_TIMEOUT_MS }, () => {
    let server: RunningServer;
    const open: Irc[] = [];
    const register = async (nick: string) => {
      const client = await Irc.register(server.port, nick);
      open.push(client);
      return client;
    };
    before(async () => {
      server = await startRoomsServer(model);
    });
    after(async () => {
      for (const client of open) client.close();
      await server.shutdown();
    });

    it("registers with 001-005, LUSERS and MOTD, and exchanges messages", async () => {
      const raw = await LineClient.connect(server.port);
      raw.write("NICK reg\r\nUSER reg 0 * :Real Name\r\n");
      const lines = (await raw.until(/ 422 /)).map(withoutCr);
      raw.destroy();
      const codes = lines.map((line) => line.split(" ")[1]);
      for (const code of ["001", "002", "003", "004", "005", "251", "255", "422"])
        assert.ok(codes.includes(code), code);
      assert.match(
        lines[0] ?? "",
        /^:irc\.test 001 reg :Welcome to the tcpchat IRC Network reg!reg@127\.0\.0\.1$/,
      );
      const isupport = lines.filter((line) => / 005 /.test(line)).join(" ");
      for (const token of [
        "CHANTYPES=#",
        "PREFIX=(ov)@+",
        "CHANMODES=beI,k,l,imnst",
        "NICKLEN=30",
        "CHANNELLEN=50",
        "TOPICLEN=390",
        "CASEMAPPING=rfc1459",
        "TARGMAX=",
        "NETWORK=tcpchat",
      ])
        assert.ok(isupport.includes(token), token);

      const a = await register("talker");
      const b = await register("listener");
      await joinIrc(a.raw, "talker", "#talk");
      await joinIrc(b.raw, "listener", "#talk");
      await a.expect(/^:listener!\S+ JOIN #talk/);
      a.send("PRIVMSG #talk :hello there");
      assert.equal(await b.expect(/PRIVMSG/), ":talker!talker@127.0.0.1 PRIVMSG #talk :hello there");
      a.send("PRIVMSG listener :just you");
      assert.equal(await b.expect(/PRIVMSG/), ":talker!talker@127.0.0.1 PRIVMSG listener :just you");
      a.send("QUIT :gone");
      assert.equal(await b.expect(/QUIT/), ":talker!talker@127.0.0.1 QUIT :Quit: gone");
    });

    it("tells a NICK change and a QUIT once to each user who shares channels, and no one else", async () => {
      const mover = await register("mover");
      const both = await register("both");
      const one = await register("onlyone");
      const apart = await register("apart");
      await mover.join("#n1");
      await mover.join("#n2");
      await both.join("#n1");
      await both.join("#n2");
      await one.join("#n2");
      await apart.join("#n3");
      await mover.drain();
      await both.drain();
      mover.send("NICK Moved");
      assert.equal(await mover.expect(/ NICK /), ":mover!mover@127.0.0.1 NICK Moved");
      mover.send("QUIT :bye now");
      const nickLine = ":mover!mover@127.0.0.1 NICK Moved";
      const quitLine = ":Moved!mover@127.0.0.1 QUIT :Quit: bye now";
      for (const watcher of [both, one]) {
        const lines = (await watcher.raw.until(/ QUIT /)).map(withoutCr);
        lines.push(...(await watcher.drain()));
        const told = lines.filter((line) => / (NICK|QUIT) /.test(line));
        assert.deepEqual(told, [nickLine, quitLine], watcher.nick);
      }
      assert.deepEqual(
        (await apart.drain()).filter((line) => / (NICK|QUIT) /.test(line)),
        [],
      );
    });

    it("takes input cut into single bytes, many lines in one packet, and a client vanishing mid-line", {
      skip: PROC_NET_MISSING,
    }, async () => {
      const c = await register("cutter");
      const w = await register("cutwit");
      await c.join("#cut");
      await w.join("#cut");
      await c.expect(/ JOIN #cut/);
      // Each byte read by the server on its own, the two of "é" too.
      await writeBytewise(c.raw.socket, "PRIVMSG #cut :b\u00e9te\r\n");
      assert.equal(await w.expect(/PRIVMSG/), ":cutter!cutter@127.0.0.1 PRIVMSG #cut :b\u00e9te");
      c.raw.write(`${Array.from({ length: 50 }, (_, i) => `PRIVMSG #cut :n${i}`).join("\r\n")}\r\n`);
      const got = (await w.raw.until(/ :n49\r$/)).filter((line) => /PRIVMSG/.test(line));
      assert.deepEqual(
        got.map((line) => line.replace(/^.*:(n\d+)\r$/, "$1")),
        Array.from({ length: 50 }, (_, i) => `n${i}`),
      );
      c.raw.write("PRIVMSG #cut :never fin");
      c.close();
      assert.equal(await w.expect(/ QUIT /), ":cutter!cutter@127.0.0.1 QUIT :Connection closed");
      assert.deepEqual(
        (await w.drain()).filter((line) => /never fin|QUIT/.test(line)),
        [],
      );
    });

    it("closes a QUIT with ERROR, and PINGs an idle client, dropping it when it does not answer", async () => {
      const fast = await startRoomsServer(model, { pingIntervalMs: WINDOW_MS });
      const clients: Irc[] = [];
      try {
        const stay = await Irc.register(fast.port, "stayer");
        stay.answerPings();
        const idle = await Irc.register(fast.port, "idler");
        const idleAnswers = idle.answerPings();
        const leave = await Irc.register(fast.port, "leaver");
        leave.answerPings();
        clients.push(stay, idle, leave);
        for (const c of [stay, idle, leave]) await c.join("#keep");
        leave.send("QUIT :done here");
        const bye = await leave.raw.linesUntilClose();
        assert.equal(bye.at(-1), "ERROR :Closing Link: 127.0.0.1 (Quit: done here)\r");
        assert.equal(await stay.expect(/ QUIT /), ":leaver!leaver@127.0.0.1 QUIT :Quit: done here");
        // From now on idler and an unregistered client never answer.
        idleAnswers();
        const unregistered = await Irc.open(fast.port);
        clients.push(unregistered);
        unregistered.send("NICK halfway");
        assert.equal((await idle.raw.linesUntilClose()).at(-1), "ERROR :Ping timeout\r");
        assert.equal((await unregistered.raw.linesUntilClose()).at(-1), "ERROR :Ping timeout\r");
        assert.equal(await stay.expect(/ QUIT /), ":idler!idler@127.0.0.1 QUIT :Ping timeout");
        stay.send("PING :still");
        await stay.expect(/PONG irc\.test :still/);
      } finally {
        for (const c of clients) c.close();
        await fast.shutdown();
      }
    });

    it("says goodbye with ERROR when the server shuts down", async () => {
      const ending = await startRoomsServer(model);
      const c = await Irc.register(ending.port, "ender");
      try {
        const lines = c.raw.linesUntilClose(5000);
        await ending.shutdown();
        assert.equal((await lines).at(-1), "ERROR :Server shutting down\r");
      } finally {
        c.close();
      }
    });

    it("answers 417 to a long line and FAIL to bad UTF-8, and the connection stays usable", async () => {
      const c = await register("long");
      c.send(`PRIVMSG long :${"y".repeat(520)}`);
      assert.equal(await c.numeric("417"), "long :Input line was too long");
      c.raw.write(Buffer.from([0x50, 0x49, 0x4e, 0x47, 0x20, 0xff, 0xfe, 0x0d, 0x0a]));
      assert.match(await c.expect(/ FAIL /), /^:irc\.test FAIL \* INVALID_UTF8 :/);
      c.send("PRIVMSG long :still here");
      c.send("PING :ok");
      await c.expect(/PONG irc\.test :ok\r?$/);
    });
  });
}

describe("IRC connections", { timeout: 60_000 }, () => {
  describe("with operators and a MOTD", () => {
    const { register } = basicServer();

    it("answers PING, and drops a client that does not answer its PING", async () => {
      const fast = await startRoomsServer("evented", { pingIntervalMs: WINDOW_MS });
      try {
        const c = await connectIrc(fast.port, "sleepy");
        c.send("PING :hello\r");
        await c.until(/ PONG irc\.test :hello/);
        await c.until(/^PING :irc\.test/);
        c.send("PONG :irc.test\r");
        await c.until(/^PING :irc\.test/); // asked again after another quiet interval
        const last = await c.linesUntilClose();
        assert.equal(last.at(-1), "ERROR :Ping timeout\r");
      } finally {
        await fast.shutdown();
      }
    });

    it("takes bad input: long lines (417), invalid UTF-8, garbage, single bytes, many lines at once, a vanishing client", {
      skip: PROC_NET_MISSING,
    }, async () => {
      const c = await register("sturdy");
      const w = await register("witness");
      await joinIrc(c.raw, "sturdy", "#input");
      await joinIrc(w.raw, "witness", "#input");
      c.send(`PRIVMSG #input :${"x".repeat(600)}`);
      assert.match(await c.numeric("417"), /^sturdy :Input line was too long/);
      c.raw.write(
        Buffer.concat([
          Buffer.from("PRIVMSG #input :bad "),
          Buffer.from([0xc3, 0x28, 0xff]),
          Buffer.from("\r\n"),
        ]),
      );
      assert.match(await c.expect(/ FAIL /), /FAIL \* INVALID_UTF8 /);
      c.raw.write(Buffer.from([0x00, 0x01, 0x02, 0x7f, 0x0d, 0x0a]));
      c.raw.write("\x01\x02garbage\r\n");
      c.send("PING :alive");
      await c.expect(/PONG irc\.test :alive/);
      await writeBytewise(c.raw.socket, "PRIVMSG #input :byte by byte\r\n");
      assert.match(await w.expect(/PRIVMSG/), /:byte by byte$/);
      c.raw.write("PRIVMSG #input :one\r\nPRIVMSG #input :two\nPRIVMSG #input :three\r\n");
      assert.match(await w.expect(/PRIVMSG/), /:one$/);
      assert.match(await w.expect(/PRIVMSG/), /:two$/);
      assert.match(await w.expect(/PRIVMSG/), /:three$/);
      c.raw.write("PRIVMSG #input :cut off in the mid");
      c.close();
      assert.match(await w.expect(/QUIT/), /^:sturdy!\S+ QUIT :/);
    });
  });

  describe("with tight limits", () => {
    const { register, connect } = detailServer();

    it("takes bad input: 510 bytes but not 511, a line past the framer, tags too long, NUL, empty lines, a source", async () => {
      const c = await register("edgy");
      const w = await register("edgywit");
      await c.join("#edge");
      await w.join("#edge");
      await c.expect(/ JOIN #edge/);
      const prefix = "PRIVMSG #edge :";
      c.send(prefix + "a".repeat(510 - prefix.length));
      assert.match(await w.expect(/PRIVMSG/), /:a+$/);
      c.send(prefix + "a".repeat(511 - prefix.length));
      assert.deepEqual(await c.drain(), [":irc.test 417 edgy :Input line was too long"]);
      // Multi-byte characters count as bytes.
      c.send(prefix + "é".repeat(250));
      assert.deepEqual(await c.drain(), [":irc.test 417 edgy :Input line was too long"]);
      c.send(prefix + "x".repeat(20_000));
      assert.deepEqual(await c.drain(), [":irc.test 417 edgy :Input line was too long"]);
      c.send(`@+t=${"v".repeat(4100)} ${prefix}tags`);
      assert.deepEqual(await c.drain(), [":irc.test 417 edgy :Input line was too long"]);
      c.send(`@+t=${"v".repeat(3000)} ${prefix}long tags are fine`);
      assert.match(await w.expect(/PRIVMSG/), /:long tags are fine$/);
      c.raw.write("PRIVMSG #edge :nul\0inside\r\n");
      assert.deepEqual(await c.drain(), [":irc.test 400 edgy PRIVMSG :Messages may not contain NUL or CR"]);
      c.raw.write("\r\n\r\n   \r\n:edgy!fake@host PRIVMSG   #edge   :spaced source\r\n");
      assert.equal(await w.expect(/PRIVMSG/), ":edgy!edgy@127.0.0.1 PRIVMSG #edge :spaced source");
      // A command word that cannot be a middle parameter (after an empty source) is echoed as *.
      c.raw.write(": :odd word\r\n: @\r\n");
      assert.deepEqual(await c.drain(), [
        ":irc.test 421 edgy * :Unknown command",
        ":irc.test 421 edgy @ :Unknown command",
      ]);
      c.send("privmsg #edge :lower case command");
      assert.match(await w.expect(/PRIVMSG/), /:lower case command$/);
      assert.deepEqual(await c.drain(), []);
      // Replies that echo what the client sent still fit 512 bytes.
      const long = "n".repeat(480);
      for (const command of [
        `PRIVMSG ${long} :hi`,
        `PRIVMSG #${long} :hi`,
        `NICK ${long}`,
        `X${long}`,
        `JOIN #${long}`,
        `WHOIS ${long}`,
        `MODE #edge +b ${"m".repeat(490)}`,
        `PING :${long}xxxxxxxxxx`,
        `CAP REQ :${long}`,
      ]) {
        c.send(command);
        const replies = await c.drain();
        assert.ok(replies.length > 0, command);
        for (const line of replies)
          assert.ok(
            Buffer.byteLength(`${line}\r\n`) <= 512,
            `${Buffer.byteLength(line)}: ${line.slice(0, 60)}…`,
          );
      }
      // Binary garbage as the first thing a connection says: answered as IRC, and registration still works.
      const g = await connect();
      g.raw.write(Buffer.from([0x80, 0x81, 0xfe, 0x0a]));
      g.raw.write("\x16\x03\x01 hello\r\n");
      g.send("NICK garbage");
      g.send("USER g 0 * :g");
      await g.numeric("001");
    });
  });
});
