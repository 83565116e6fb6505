// IRC over raw sockets: registration, capabilities, every command's replies, the error numerics a client
// can provoke, keepalive, and bad input. Lines are compared by their numerics and parameters.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { Irc, ircSuiteServer } from "../support/irc.js";
import { LineClient } from "../support/line-client.js";
import { connectIrc, joinIrc, startRoomsServer } from "../support/rooms.js";
import { SUITE_TIMEOUT_MS, WINDOW_MS } from "../support/timing.js";

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
      const lines = (await raw.until(/ 422 /)).map((line) => line.replace(/\r$/, ""));
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
        "CHANMODES=b,k,l,imnst",
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
        const lines = (await watcher.raw.until(/ QUIT /)).map((line) => line.replace(/\r$/, ""));
        lines.push(...(await watcher.drain()));
        const told = lines.filter((line) => / (NICK|QUIT) /.test(line));
        assert.deepEqual(told, [nickLine, quitLine], watcher.nick);
      }
      assert.deepEqual(
        (await apart.drain()).filter((line) => / (NICK|QUIT) /.test(line)),
        [],
      );
    });

    it("takes input cut into single bytes, many lines in one packet, and a client vanishing mid-line", async () => {
      const c = await register("cutter");
      const w = await register("cutwit");
      await c.join("#cut");
      await w.join("#cut");
      await c.expect(/ JOIN #cut/);
      for (const byte of Buffer.from("PRIVMSG #cut :b\u00e9te\r\n")) c.raw.write(Uint8Array.of(byte));
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

describe("IRC commands and numerics", { timeout: 60_000 }, () => {
  const { register, connect } = ircSuiteServer({
    opers: [{ name: "admin", password: "s3cret" }],
    motd: ["Welcome to the test server", "Be nice"],
  });

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

  it("negotiates capabilities (CAP 302) and holds registration until CAP END", async () => {
    const c = await connect();
    c.send("CAP LS 302");
    const ls = await c.expect(/ CAP \* LS /);
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
    assert.deepEqual((await c.raw.linesUntilClose()).at(-1), "ERROR :Closing Link: 127.0.0.1 (Quit: bye)\r");
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

  it("gives operators OPER, KILL, WALLOPS, SAJOIN and SAPART; 481 to others, 464 for a bad password", async () => {
    const user = await register("plain");
    const victim = await register("victim");
    user.send("KILL victim :no");
    assert.match(await user.numeric("481"), /^plain :Permission Denied/);
    user.send("OPER admin wrong");
    assert.match(await user.numeric("464"), /^plain :Password incorrect/);
    user.send("OPER admin s3cret");
    assert.equal(await user.numeric("381"), "plain :You are now an IRC operator");
    user.send("SAJOIN victim #forced");
    assert.equal(await victim.expect(/ JOIN /), ":victim!victim@127.0.0.1 JOIN #forced");
    user.send("SAPART victim #forced");
    assert.match(await victim.expect(/ PART /), /^:victim!victim@127\.0\.0\.1 PART #forced/);
    victim.send("MODE victim +w");
    await victim.expect(/ MODE victim/);
    user.send("WALLOPS :hear ye");
    assert.match(await victim.expect(/ WALLOPS /), /WALLOPS :hear ye$/);
    user.send("KILL victim :enough");
    const last = await victim.raw.linesUntilClose();
    assert.match(last.at(-1) ?? "", /^ERROR :.*enough/);
  });

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

  it("takes bad input: long lines (417), invalid UTF-8, garbage, single bytes, many lines at once, a vanishing client", async () => {
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
    for (const byte of Buffer.from("PRIVMSG #input :byte by byte\r\n")) c.raw.write(Uint8Array.of(byte));
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

describe("IRC in detail", { timeout: 60_000 }, () => {
  const { register, connect } = ircSuiteServer({
    opers: [{ name: "boss", password: "hunter2" }],
    limits: {
      maxRoomsPerUser: 3,
      maxMembersPerRoom: 100,
      nickLength: 12,
      roomNameLength: 20,
      topicLength: 40,
      whowasEntries: 100,
    },
  });
  /** Registered with these capabilities. */
  const registerWith = async (nick: string, caps: string) => {
    const c = await connect();
    c.send("CAP LS 302");
    c.send(`NICK ${nick}`);
    c.send(`USER ${nick} 0 * :${nick}`);
    c.send(`CAP REQ :${caps}`);
    assert.match(await c.expect(/ CAP /), / LS /);
    assert.equal(await c.expect(/ CAP /), `:irc.test CAP ${nick} ACK :${caps}`);
    c.send("CAP END");
    await c.expect(/ (376|422) /);
    return c;
  };

  it("advertises its limits in 004 and 005 and holds to them: 432, 476, 405", async () => {
    const c = await connect();
    c.send("NICK limits");
    c.send("USER limits 0 * :Limit Tester");
    const lines = (await c.raw.until(/ 422 /)).map((line) => line.replace(/\r$/, ""));
    const myinfo = lines.find((line) => / 004 /.test(line)) ?? "";
    assert.match(myinfo, /^:irc\.test 004 limits irc\.test tcpchat-\S+ iow :?bklimnstov$/);
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
      "CHANMODES=b,k,l,imnst",
      "CASEMAPPING=rfc1459",
      "NETWORK=tcpchat",
    ])
      assert.ok(tokens.includes(token), `${token} in ${tokens.join(" ")}`);
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
      ":irc.test CAP * LS :away-notify echo-message message-tags multi-prefix server-time userhost-in-names",
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
    assert.equal(await b.expect(/PRIVMSG/), ":sender!sender@127.0.0.1 PRIVMSG #multi :\x01ACTION waves\x01");
    a.send("PRIVMSG sender :note to self");
    const own = await a.drain();
    assert.deepEqual(
      own.filter((line) => /PRIVMSG|NOTICE/.test(line)),
      [":sender!sender@127.0.0.1 PRIVMSG sender :note to self"],
      "only a message to itself comes back without echo-message",
    );
  });

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
      [op, "MODE #ce +l many", "errop MODE :Not enough parameters"],
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

  it("gives operators their powers: 491, 313, WHO and USERHOST flags, 252, -o, KILL told as a QUIT, +w", async () => {
    const boss = await register("boss");
    const peer = await register("opeer");
    const quiet = await register("quiet");
    await peer.join("#ops");
    await quiet.join("#ops");
    boss.send("OPER nobody hunter2");
    assert.equal(await boss.numeric("491"), "boss :No O-lines for your host");
    boss.send("OPER boss hunter2");
    assert.deepEqual(await boss.drain(), [
      ":irc.test 381 boss :You are now an IRC operator",
      ":boss!boss@127.0.0.1 MODE boss :+o",
    ]);
    boss.send("OPER boss hunter2");
    assert.deepEqual(await boss.drain(), [":irc.test 381 boss :You are now an IRC operator"]);
    peer.send("WHOIS boss");
    assert.equal(await peer.numeric("313"), "opeer boss :is an IRC operator");
    peer.send("USERHOST boss opeer");
    assert.equal(await peer.numeric("302"), "opeer :boss*=+boss@127.0.0.1 opeer=+opeer@127.0.0.1");
    peer.send("WHO boss");
    assert.deepEqual(await peer.drain(), [
      ":irc.test 352 opeer * boss 127.0.0.1 irc.test boss H* :0 boss",
      ":irc.test 315 opeer boss :End of WHO list",
    ]);
    peer.send("WHO * o");
    const opers = (await peer.drain()).filter((line) => / 352 /.test(line));
    assert.deepEqual(opers, [":irc.test 352 opeer * boss 127.0.0.1 irc.test boss H* :0 boss"]);
    peer.send("LUSERS");
    assert.match(await peer.numeric("252"), /^opeer [1-9]\d* :operator\(s\) online$/);
    // An operator may kick and set modes without being a channel operator.
    boss.send("KICK #ops quiet :by order");
    assert.equal(await quiet.expect(/ KICK /), ":boss!boss@127.0.0.1 KICK #ops quiet :by order");
    boss.send("SAJOIN quiet #ops");
    await quiet.expect(/ JOIN #ops/);
    boss.send("SAJOIN quiet #ops");
    assert.equal(await boss.numeric("443"), "boss quiet #ops :is already on channel");
    boss.send("SAPART boss #ops");
    assert.equal(await boss.numeric("441"), "boss boss #ops :They aren't on that channel");
    boss.send("SAJOIN nobody #ops");
    assert.equal(await boss.numeric("401"), "boss nobody :No such nick/channel");
    boss.send("KILL nobody");
    assert.equal(await boss.numeric("401"), "boss nobody :No such nick/channel");
    // WALLOPS reach operators and +w users only.
    peer.send("MODE opeer +w");
    assert.equal(await peer.expect(/ MODE opeer/), ":opeer!opeer@127.0.0.1 MODE opeer :+w");
    boss.send("WALLOPS :attention");
    assert.equal(await peer.expect(/WALLOPS/), ":boss!boss@127.0.0.1 WALLOPS :attention");
    assert.equal(await boss.expect(/WALLOPS/), ":boss!boss@127.0.0.1 WALLOPS :attention");
    assert.deepEqual(
      (await quiet.drain()).filter((line) => /WALLOPS/.test(line)),
      [],
    );
    boss.send("KILL quiet :spam");
    const last = await quiet.raw.linesUntilClose();
    assert.equal(last.at(-1), "ERROR :Killed (boss (spam))\r");
    assert.equal(await peer.expect(/ QUIT /), ":quiet!quiet@127.0.0.1 QUIT :Killed (boss (spam))");
    // -o gives it up; +o cannot be taken with MODE.
    boss.send("MODE boss -o");
    assert.equal(await boss.expect(/ MODE boss/), ":boss!boss@127.0.0.1 MODE boss :-o");
    boss.send("MODE boss +o");
    boss.send("MODE boss");
    assert.deepEqual(await boss.drain(), [":irc.test 221 boss :+"]);
    for (const command of ["KILL opeer", "WALLOPS :x", "SAJOIN opeer #x", "SAPART opeer #ops"]) {
      boss.send(command);
      assert.deepEqual(
        await boss.drain(),
        [":irc.test 481 boss :Permission Denied- You're not an IRC operator"],
        command,
      );
    }
  });

  it("answers WHO masks, WHOIS in full, WHOWAS with a count, invisible users and USERHOST away", async () => {
    const seeker = await register("seeker");
    const hidden = await connect();
    hidden.send("NICK hidden");
    hidden.send("USER hidden 8 * :Hidden Person");
    assert.equal(await hidden.expect(/ MODE hidden/), ":hidden!hidden@127.0.0.1 MODE hidden :+i");
    seeker.send("WHO hid*");
    assert.deepEqual(await seeker.drain(), [":irc.test 315 seeker hid* :End of WHO list"]);
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
      told.slice(-2).map((line) => line.replace(stamp, "").replace(/\r$/, "")),
      [":kop!kop@127.0.0.1 KICK #kk kx :all of you", ":kop!kop@127.0.0.1 KICK #kk ky :all of you"],
    );
    op.send("NAMES #kk");
    assert.equal(await op.numeric("353"), "kop = #kk :@kop ktimed");
  });
});

/** The numeric each error reply text stands for. */
function replyCode(reply: string): string {
  const codes: Array<[RegExp, string]> = [
    [/:No such channel$/, "403"],
    [/:You're not on that channel$/, "442"],
    [/:You're not channel operator$/, "482"],
    [/:They aren't on that channel$/, "441"],
    [/:No such nick\/channel$/, "401"],
    [/:is already on channel$/, "443"],
    [/:Not enough parameters$/, "461"],
    [/:Can't change mode for other users$/, "502"],
    [/:Unknown MODE flag$/, "501"],
  ];
  return codes.find(([pattern]) => pattern.test(reply))?.[1] ?? "???";
}

describe("LUSERS counts", { timeout: 30_000 }, () => {
  const { register, connect } = ircSuiteServer({ opers: [{ name: "root", password: "pw" }] });

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
});
