// IRC over raw sockets: registration, capabilities, every command's replies, the error numerics a client
// can provoke, keepalive, and bad input. Lines are compared by their numerics and parameters.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { LineClient } from "../support/line-client.js";
import { connectIrc, joinIrc, startRoomsServer } from "../support/rooms.js";

/** A raw IRC connection: send a command, wait for the line that answers it. */
class Irc {
  private constructor(
    readonly raw: LineClient,
    readonly nick: string,
  ) {}

  static async register(port: number, nick: string): Promise<Irc> {
    return new Irc(await connectIrc(port, nick), nick);
  }

  static async open(port: number, nick = "*"): Promise<Irc> {
    return new Irc(await LineClient.connect(port), nick);
  }

  send(line: string): void {
    this.raw.send(`${line}\r`);
  }

  /** Lines up to the first that matches; returns that one, without its CR. */
  async expect(pattern: RegExp, timeoutMs?: number): Promise<string> {
    const lines = await this.raw.until(pattern, timeoutMs);
    return (lines.at(-1) ?? "").replace(/\r$/, "");
  }

  /** The server's numeric `code` addressed to this client, and its parameters after the nick. */
  async numeric(code: string): Promise<string> {
    const line = await this.expect(new RegExp(`^:irc\\.test ${code} `));
    return line.slice(`:irc.test ${code} `.length);
  }

  close(): void {
    this.raw.destroy();
  }
}

for (const model of ["evented", "threaded"] as const) {
  describe(`IRC core (${model})`, { timeout: 30_000 }, () => {
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
  });
}

describe("IRC commands and numerics", { timeout: 60_000 }, () => {
  let server: RunningServer;
  const open: Irc[] = [];
  const register = async (nick: string) => {
    const client = await Irc.register(server.port, nick);
    open.push(client);
    return client;
  };
  const connect = async () => {
    const client = await Irc.open(server.port);
    open.push(client);
    return client;
  };
  before(async () => {
    server = await startRoomsServer("evented", {
      opers: [{ name: "admin", password: "s3cret" }],
      motd: ["Welcome to the test server", "Be nice"],
    });
  });
  after(async () => {
    for (const client of open) client.close();
    await server.shutdown();
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
    const fast = await startRoomsServer("evented", { pingIntervalMs: 200 });
    try {
      const c = await connectIrc(fast.port, "sleepy");
      c.send("PING :hello\r");
      await c.until(/ PONG irc\.test :hello/);
      await c.until(/^PING :irc\.test/, 5000);
      c.send("PONG :irc.test\r");
      await c.until(/^PING :irc\.test/, 5000); // asked again after another quiet interval
      const last = await c.linesUntilClose(5000);
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
