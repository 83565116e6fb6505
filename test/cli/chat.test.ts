// `tcpchat chat` as a person runs it: a child process against a real rooms server started here, with
// other people in the rooms played by raw IRC and seed-protocol sockets. Scripted mode through pipes;
// interactive mode through a pseudo-terminal from util-linux `script`.
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { EXIT_CODES } from "../../src/cli/connect.js";
import type { RunningServer } from "../../src/models/index.js";
import { type CliRun, cliSuite } from "../support/cli.js";
import { type LineClient, withoutCr } from "../support/line-client.js";
import { connectIrc, type Joined, joinIrc, SeedClient, startRoomsServer } from "../support/rooms.js";
import { SCRIPT_MISSING, Screen } from "../support/screen.js";
import { CLI_TEST_TIMEOUT_MS } from "../support/timing.js";

const HOST = "127.0.0.1";
const TEST = { timeout: CLI_TEST_TIMEOUT_MS };
/** `[12:00:01] `: every line about the chat starts with the time. */
const TIME = String.raw`\[\d\d:\d\d:\d\d\] `;

/** `text` as a regexp source that matches it literally. */
const re = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A whole output line: `[time] <rest>`. */
const shown = (rest: string) => new RegExp(`^${TIME}${re(rest)}$`, "m");

// ---------------------------------------------------------------------------------------------------------

describe("tcpchat chat", () => {
  let server: RunningServer;
  const cli = cliSuite();
  const peers: LineClient[] = [];
  const extraServers: RunningServer[] = [];

  before(async () => {
    server = await startRoomsServer();
  });

  after(async () => {
    for (const peer of peers) peer.destroy();
    await Promise.all([server, ...extraServers].map((s) => s?.shutdown()));
  });

  let serial = 0;
  /** Names unique to one test (`alice7`, `lobby7`), so the tests share one server without meeting. */
  function unique<K extends string>(...stems: K[]): Record<K, string> {
    serial += 1;
    return Object.fromEntries(stems.map((stem) => [stem, `${stem}${serial}`])) as Record<K, string>;
  }

  /** `tcpchat chat <host> <port> <args>` with stdin a pipe, left open unless `input` is given (then ended). */
  function chat(args: string[], input?: string, port = server.port): CliRun {
    return cli.run(["chat", HOST, String(port), ...args], { stdin: "pipe", input });
  }

  /** Someone on IRC, registered and in `channels`. */
  async function ircPeer(nick: string, ...channels: string[]): Promise<IrcPeer> {
    const client = await connectIrc(server.port, nick);
    peers.push(client);
    for (const channel of channels) await joinIrc(client, nick, channel);
    return new IrcPeer(client);
  }

  /** Someone on the seed protocol, in `room`. */
  async function seedPeer(nick: string, room: string): Promise<SeedPeer> {
    const client = await SeedClient.connect(server.port);
    peers.push(client.raw);
    return new SeedPeer(client, nick, await client.join(room, nick));
  }

  // ----- IRC, scripted -----

  describe("--protocol irc, scripted", () => {
    it(
      "joins, says plain text in the room, shows others' messages with time, room and sender",
      TEST,
      async () => {
        const { alice, bob, lobby: name } = unique("alice", "bob", "lobby");
        const lobby = `#${name}`;
        const peer = await ircPeer(bob, lobby);
        const run = chat(["--nick", alice]);
        run.type(`/join ${lobby}`);
        await run.shows(shown(`${lobby} -- you joined ${lobby}`));
        await peer.sees(`:${alice}!\\S+ JOIN ${re(lobby)}`);

        run.type("hello everyone");
        await run.shows(shown(`${lobby} <${alice}> hello everyone`));
        await peer.heard(alice, lobby, "hello everyone");

        peer.send(`PRIVMSG ${lobby} :hi alice`);
        await run.shows(shown(`${lobby} <${bob}> hi alice`));
        peer.send(`PRIVMSG ${alice} :just you`);
        await run.shows(shown(`(private) <${bob}> just you`));

        run.type(`/msg ${bob} back at you`);
        await run.shows(shown(`(private) <${alice} → ${bob}> back at you`));
        await peer.heard(alice, bob, "back at you");

        run.type("/quit see you");
        assert.equal(await run.exitCode(), EXIT_CODES.ok);
        await peer.sees(`:${alice}!\\S+ QUIT :.*see you.*`);
        assert.equal(run.stderr, "");
        assert.doesNotMatch(run.stdout, /^\S+ ! /m, "no errors shown");
      },
    );

    it("a script's commands wait for its joins; the end of input quits, exit 0", TEST, async () => {
      const { alice, bob, a, b } = unique("alice", "bob", "a", "b");
      const peer = await ircPeer(bob, `#${a}`, `#${b}`);
      const run = chat(["--nick", alice, "--join", a], `first\n/join ${b}\nsecond\n`);
      assert.equal(await run.exitCode(), EXIT_CODES.ok);
      const said = (await peer.sees(`:${alice}!\\S+ QUIT .*`)).filter((l) => / PRIVMSG /.test(l));
      assert.deepEqual(
        said.map((l) => l.replace(/^:\S+ /, "")),
        [`PRIVMSG #${a} :first`, `PRIVMSG #${b} :second`],
      );
      assert.match(run.stdout, shown(`#${a} <${alice}> first`));
      assert.match(run.stdout, shown(`#${b} <${alice}> second`));
      assert.doesNotMatch(run.stdout, /connection closed by server/);
    });

    it("/me sends an action and shows others' actions", TEST, async () => {
      const { alice, bob, lobby: name } = unique("alice", "bob", "lobby");
      const lobby = `#${name}`;
      const peer = await ircPeer(bob, lobby);
      const run = chat(["--nick", alice, "--join", lobby]);
      await run.shows(shown(`${lobby} -- you joined ${lobby}`));
      run.type("/me waves");
      await run.shows(shown(`${lobby} * ${alice} waves`));
      await peer.heard(alice, lobby, "\x01ACTION waves\x01");
      peer.send(`PRIVMSG ${lobby} :\x01ACTION waves back\x01`);
      await run.shows(shown(`${lobby} * ${bob} waves back`));
      run.type("/quit");
      assert.equal(await run.exitCode(), EXIT_CODES.ok);
    });

    it("/nick changes the nickname; others see it, and later lines carry the new one", TEST, async () => {
      const { alice, alicia, bob, lobby: name } = unique("alice", "alicia", "bob", "lobby");
      const lobby = `#${name}`;
      const peer = await ircPeer(bob, lobby);
      const run = chat(["--nick", alice, "--join", lobby]);
      await run.shows(shown(`${lobby} -- you joined ${lobby}`));
      run.type(`/nick ${alicia}`);
      await run.shows(shown(`-- ${alice} is now known as ${alicia}`));
      await peer.sees(`:${alice}!\\S+ NICK :?${alicia}`);
      run.type("still me");
      await run.shows(shown(`${lobby} <${alicia}> still me`));
      await peer.heard(alicia, lobby, "still me");

      run.type(`/nick ${bob}`); // taken
      await run.shows(shown(`! ${bob}: Nickname is already in use`));
      run.type("/quit");
      assert.equal(await run.exitCode(), EXIT_CODES.ok);
    });

    it("/part leaves the room; then plain text has nowhere to go", TEST, async () => {
      const { alice, bob, lobby: name } = unique("alice", "bob", "lobby");
      const lobby = `#${name}`;
      const peer = await ircPeer(bob, lobby);
      const run = chat(["--nick", alice, "--join", lobby]);
      await run.shows(shown(`${lobby} -- you joined ${lobby}`));
      run.type("/part gone fishing");
      await run.shows(shown(`${lobby} -- you left ${lobby} (gone fishing)`));
      await peer.sees(`:${alice}!\\S+ PART ${re(lobby)} :gone fishing`);
      run.type("anyone?");
      await run.shows(shown("! join a room first: /join <room>"));
      run.type("/part");
      await run.shows(shown("! not in a room"));
      run.type("/quit");
      assert.equal(await run.exitCode(), EXIT_CODES.ok);
    });

    it(
      "/switch picks the room plain text goes to; leaving the current room falls back to another",
      TEST,
      async () => {
        const { alice, bob, a: nameA, b: nameB } = unique("alice", "bob", "a", "b");
        const [a, b] = [`#${nameA}`, `#${nameB}`];
        const peer = await ircPeer(bob, a, b);
        const run = chat(["--nick", alice, "--join", `${a},${b}`]);
        await run.shows(shown(`${b} -- you joined ${b}`));
        run.type("to b"); // the last room joined is the current one
        run.type(`/switch ${nameA}`); // the # is optional
        run.type("to a");
        run.type(`/switch ${b.toUpperCase()}`); // names are case-insensitive
        run.type("to b again");
        run.type("/switch #nowhere");
        await run.shows(shown("! not in #nowhere; /join it first"));
        const said = (await peer.heard(alice, b, "to b again")).filter((l) => / PRIVMSG /.test(l));
        assert.deepEqual(
          said.map((l) => l.replace(/^:\S+ /, "")),
          [`PRIVMSG ${b} :to b`, `PRIVMSG ${a} :to a`, `PRIVMSG ${b} :to b again`],
        );
        assert.match(run.stdout, shown(`${a} -- now talking in ${a}`));

        peer.send(`PRIVMSG ${a} :in a`); // rooms that are not current still show their messages
        await run.shows(shown(`${a} <${bob}> in a`));

        run.type(`/part ${b}`);
        await run.shows(shown(`${b} -- you left ${b}`));
        await run.shows(shown(`${a} -- now talking in ${a}`));
        run.type("back to a");
        await peer.heard(alice, a, "back to a");

        run.type(`/join ${a}`); // already in it: the server answers nothing, and nothing may stall
        await run.shows(shown(`${a} -- already in ${a}; now talking there`));
        run.type("still flowing");
        await peer.heard(alice, a, "still flowing");
        run.type("/quit");
        assert.equal(await run.exitCode(), EXIT_CODES.ok);
      },
    );

    it("/names, /list and /topic", TEST, async () => {
      const { alice, bob, lobby: name, other } = unique("alice", "bob", "lobby", "other");
      const lobby = `#${name}`;
      const run = chat(["--nick", alice, "--join", lobby]);
      await run.shows(shown(`${lobby} -- you joined ${lobby}`)); // the first one in: its operator
      const peer = await ircPeer(bob, lobby, `#${other}`);
      await run.shows(shown(`${lobby} -- ${bob} joined`));
      run.type("/names");
      await run.shows(new RegExp(`^${TIME}${re(lobby)} -- names: (@${alice} ${bob}|${bob} @${alice})$`, "m"));
      run.type(`/names ${other}`); // a room we are not in; the # is optional
      await run.shows(shown(`#${other} -- names: @${bob}`));

      run.type("/topic");
      await run.shows(shown(`-- ${lobby} No topic is set`));
      run.type("/topic fish on fridays");
      await run.shows(shown(`${lobby} -- ${alice} set the topic: fish on fridays`));
      await peer.sees(`:${alice}!\\S+ TOPIC ${re(lobby)} :fish on fridays`);
      run.type("/topic");
      await run.shows(shown(`${lobby} -- topic: fish on fridays`));

      run.type("/list");
      await run.shows(shown(`-- ${lobby} (2 users) fish on fridays`));
      await run.shows(shown(`-- #${other} (1 users)`));
      run.type("/msg nobody hello");
      await run.shows(shown("! nobody: No such nick/channel"));
      run.type("/quit");
      assert.equal(await run.exitCode(), EXIT_CODES.ok);
    });

    it("typing mistakes are answered here: unknown commands, missing arguments; /help", TEST, async () => {
      const { alice } = unique("alice");
      const run = chat(["--nick", alice]);
      run.type("/frobnicate");
      await run.shows(shown("! unknown command /frobnicate; /help lists them"));
      run.type("/msg bob");
      await run.shows(shown("! usage: /msg <nick> <text>"));
      run.type("/help");
      await run.shows(/^\/switch <room> +make another joined room the current one$/m);
      run.type("/quit");
      assert.equal(await run.exitCode(), EXIT_CODES.ok);
    });

    it("a nickname in use: tries another", TEST, async () => {
      const { carol } = unique("carol");
      await ircPeer(carol);
      const run = chat(["--nick", carol], "/quit\n");
      assert.equal(await run.exitCode(), EXIT_CODES.ok);
      assert.match(run.stdout, shown(`-- nickname taken, trying ${carol}_`));
      assert.match(run.stdout, new RegExp(`Welcome to the .* ${carol}_!`));
    });

    it(`a nickname the server refuses: an error, exit ${EXIT_CODES.connection}`, TEST, async () => {
      const run = chat(["--nick", "9lives"], "/join #lobby\nhello\n");
      assert.equal(await run.exitCode(), EXIT_CODES.connection);
      assert.match(run.stdout, shown("! 9lives: Erroneous nickname"));
      assert.doesNotMatch(run.stdout, /hello/);
    });

    it("the server closing the connection: a note, exit 0", TEST, async () => {
      const own = await startRoomsServer();
      extraServers.push(own);
      const run = chat(["--nick", "alice", "--join", "#lobby"], undefined, own.port);
      await run.shows(shown("#lobby -- you joined #lobby"));
      await own.shutdown();
      assert.equal(await run.exitCode(), EXIT_CODES.ok);
      assert.match(run.stdout, shown("-- connection closed by server"));
    });
  });

  it(
    `a server that never answers: the script gives up on its commands, exit ${EXIT_CODES.timeout}`,
    TEST,
    async () => {
      // It ignores everything but QUIT, which it answers by closing.
      const sockets: Socket[] = [];
      const silent = createServer((socket) => {
        sockets.push(socket);
        socket.setEncoding("utf8").on("data", (text: string) => {
          if (/^QUIT\b/m.test(text)) socket.end();
        });
        socket.on("error", () => {});
      });
      await new Promise<void>((resolve) => silent.listen(0, HOST, resolve));
      try {
        const port = (silent.address() as { port: number }).port;
        const run = chat(["--nick", "alice"], "/join #lobby\nhello\n", port);
        assert.equal(await run.exitCode(), EXIT_CODES.timeout);
        assert.match(run.stdout, shown("! no answer from the server; 2 command(s) not sent"));
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      }
    },
  );

  // ----- seed, scripted -----

  describe("--protocol seed, scripted", () => {
    it(
      "joins, says plain text, shows seed and IRC users' messages with time, room and sender",
      TEST,
      async () => {
        const { alice, bob, dave, lobby } = unique("alice", "bob", "dave", "lobby");
        const seed = await seedPeer(dave, lobby);
        const irc = await ircPeer(bob, `#${lobby}`);
        const run = chat(["--protocol", "seed", "--nick", alice]);
        run.type(`/join ${lobby}`);
        await run.shows(shown(`${lobby} -- joined ${lobby} (room ${seed.ref})`));
        await run.shows(shown(`${lobby} -- ${alice} has joined this chatroom.`));

        run.type("hello from seed");
        await run.shows(shown(`${lobby} <${alice}> hello from seed`));
        await seed.heard(alice, "hello from seed");
        await irc.heard(alice, `#${lobby}`, "hello from seed");

        seed.say("hi alice");
        await run.shows(shown(`${lobby} <${dave}> hi alice`));
        irc.send(`PRIVMSG #${lobby} :hi from irc`);
        await run.shows(shown(`${lobby} <${bob}> hi from irc`));

        run.type("/quit");
        assert.equal(await run.exitCode(), EXIT_CODES.ok);
        await seed.heard(alice, `${alice} has left this chatroom.`);
        assert.equal(run.stderr, "");
        assert.doesNotMatch(run.stdout, /^\S+ ! /m, "no errors shown");
      },
    );

    it("/me is shown as an action", TEST, async () => {
      const { alice, bob, dave, lobby } = unique("alice", "bob", "dave", "lobby");
      const seed = await seedPeer(dave, lobby);
      const irc = await ircPeer(bob, `#${lobby}`);
      const run = chat(["--protocol", "seed", "--nick", alice, "--join", lobby]);
      await run.shows(shown(`${lobby} -- ${alice} has joined this chatroom.`));
      run.type("/me waves");
      await run.shows(shown(`${lobby} * ${alice} waves`));
      await seed.heard(alice, `* ${alice} waves`);
      irc.send(`PRIVMSG #${lobby} :\x01ACTION bows\x01`);
      await run.shows(shown(`${lobby} * ${bob} bows`));
      run.type("/quit");
      assert.equal(await run.exitCode(), EXIT_CODES.ok);
    });

    it("/switch between two rooms, /part", TEST, async () => {
      const { alice, dave, a, b } = unique("alice", "dave", "a", "b");
      const inA = await seedPeer(dave, a);
      const inB = await seedPeer(`${dave}b`, b);
      const run = chat(["--protocol", "seed", "--nick", alice, "--join", `${a},${b}`]);
      await run.shows(shown(`${b} -- ${alice} has joined this chatroom.`));
      run.type("to b"); // the last room joined is the current one
      await inB.heard(alice, "to b");
      run.type(`/switch ${a}`);
      await run.shows(shown(`${a} -- now talking in ${a}`));
      run.type("to a");
      await inA.heard(alice, "to a");
      run.type("/switch nowhere");
      await run.shows(shown("! not in nowhere; /join it first"));

      run.type("/part");
      await run.shows(shown(`${a} -- left ${a}`));
      await inA.heard(alice, `${alice} has left this chatroom.`);
      await run.shows(shown(`${b} -- now talking in ${b}`));
      run.type("b again");
      await inB.heard(alice, "b again");
      inA.say("after alice left");
      await inA.heard(inA.nick, "after alice left");
      inB.say("b still flows");
      await run.shows(shown(`${b} <${inB.nick}> b still flows`));
      assert.doesNotMatch(run.stdout, /after alice left/);
      run.type("/quit");
      assert.equal(await run.exitCode(), EXIT_CODES.ok);
    });

    it("commands the seed protocol lacks are answered with a clear error", TEST, async () => {
      const { alice, lobby } = unique("alice", "lobby");
      const run = chat(["--protocol", "seed", "--nick", alice, "--join", lobby]);
      await run.shows(shown(`${lobby} -- ${alice} has joined this chatroom.`));
      for (const command of ["/nick al", "/names", "/list", "/topic", "/msg bob hi"]) {
        run.type(command);
        const name = command.split(" ")[0] as string;
        await run.shows(shown(`! ${name} is not part of the seed rooms protocol (use --protocol irc)`));
      }
      run.type("still here");
      await run.shows(shown(`${lobby} <${alice}> still here`));
      run.type("/quit");
      assert.equal(await run.exitCode(), EXIT_CODES.ok);
    });

    it("a bad room name: the server's error, and the script goes on", TEST, async () => {
      const { alice, lobby } = unique("alice", "lobby");
      const run = chat(["--protocol", "seed", "--nick", alice], `/join bad,room\n/join ${lobby}\nhi\n`);
      assert.equal(await run.exitCode(), EXIT_CODES.ok);
      assert.match(run.stdout, new RegExp(`^${TIME}! invalid room name .*\\(code \\d+\\)$`, "m"));
      assert.match(run.stdout, shown(`${lobby} <${alice}> hi`));
    });

    it("the server closing the connection: a note, exit 0", TEST, async () => {
      const own = await startRoomsServer();
      extraServers.push(own);
      const run = chat(["--protocol", "seed", "--nick", "alice", "--join", "lobby"], undefined, own.port);
      await run.shows(shown("lobby -- alice has joined this chatroom."));
      await own.shutdown();
      assert.equal(await run.exitCode(), EXIT_CODES.ok);
      assert.match(run.stdout, shown("-- connection closed by server"));
    });
  });

  // ----- usage and connection errors -----

  describe("usage and connection errors", () => {
    for (const [what, args] of [
      ["a bad port", [HOST, "99999", "--nick", "alice"]],
      ["port 0", [HOST, "0", "--nick", "alice"]],
      ["a missing port", [HOST, "--nick", "alice"]],
      ["no --nick", [HOST, "6667"]],
      ["a nickname with a space", [HOST, "6667", "--nick", "al ice"]],
      ["an empty nickname", [HOST, "6667", "--nick", ""]],
      ["an unknown protocol", [HOST, "6667", "--nick", "alice", "--protocol", "xmpp"]],
    ] as const) {
      it(`${what}: a message and exit ${EXIT_CODES.usage}`, TEST, async () => {
        const run = cli.run(["chat", ...args]);
        assert.equal(await run.exitCode(), EXIT_CODES.usage);
        assert.match(run.stderr, /^error: /m);
        assert.equal(run.stdout, "");
      });
    }

    it(`no server there: a message and exit ${EXIT_CODES.connection}`, TEST, async () => {
      const own = await startRoomsServer();
      const port = own.port;
      await own.shutdown();
      const run = chat(["--nick", "alice"], "", port);
      assert.equal(await run.exitCode(), EXIT_CODES.connection);
      assert.equal(run.stderr, `tcpchat: no server at ${HOST}:${port} (connection refused)\n`);
    });

    it("--help lists the exit codes", TEST, async () => {
      const run = cli.run(["chat", "--help"]);
      assert.equal(await run.exitCode(), EXIT_CODES.ok);
      assert.match(run.stdout, /Exit codes: 0 .*; 1 .*; 3 .*; 64 /s);
    });
  });

  // ----- interactive, on a pseudo-terminal -----

  it("interactive: a message arriving while the user types is printed above the half-typed line", {
    ...TEST,
    skip: SCRIPT_MISSING,
  }, async () => {
    const { alice, bob, lobby: name } = unique("alice", "bob", "lobby");
    const lobby = `#${name}`;
    const peer = await ircPeer(bob, lobby);
    const run = cli.onTerminal(["chat", HOST, String(server.port), "--nick", alice, "--join", lobby]);
    const child = run.child;
    const screen = new Screen();
    let fed = 0;
    /** The last rows on screen are `rows` (a regexp matches a whole row), the cursor after `cursorAfter`. */
    const shows = (rows: Array<string | RegExp>, cursorAfter: string) =>
      run.until(
        () => {
          screen.feed(run.stdout.slice(fed));
          fed = run.stdout.length;
          const last = screen.text().slice(-rows.length);
          return (
            last.length === rows.length &&
            rows.every((want, i) =>
              typeof want === "string" ? last[i] === want : want.test(last[i] ?? ""),
            ) &&
            screen.beforeCursor() === cursorAfter
          );
        },
        `the screen ending ${rows.map(String).join(" / ")} with the cursor after ${JSON.stringify(cursorAfter)}`,
      );
    const row = (rest: string) => new RegExp(`^${TIME}${re(rest)}$`);

    const names = new RegExp(`^${TIME}${re(lobby)} -- names: `);
    await shows([names, ">"], "> ");
    child.stdin?.write("hello bo"); // typed, not entered
    await shows([names, "> hello bo"], "> hello bo");
    child.stdin?.write("\x1b[D\x1b[D"); // the cursor moves left twice: before "bo"
    await shows(["> hello bo"], "> hello ");

    peer.send(`PRIVMSG ${lobby} :news while you type`);
    await shows([row(`${lobby} <${bob}> news while you type`), "> hello bo"], "> hello ");

    // Typing goes on where the cursor was. One key at a time, as a person types: Node 20's readline
    // misplaces a chunk of several characters inserted mid-line (a paste), terminal or not.
    let typed = "> hello ";
    for (const key of "there ") {
      child.stdin?.write(key);
      typed += key;
      await shows([row(`${lobby} <${bob}> news while you type`), `${typed}bo`], typed);
    }
    await shows([row(`${lobby} <${bob}> news while you type`), "> hello there bo"], "> hello there ");
    child.stdin?.write("\r");
    await peer.heard(alice, lobby, "hello there bo");
    await shows(["> hello there bo", row(`${lobby} <${alice}> hello there bo`), ">"], "> ");

    child.stdin?.write("/quit\r");
    assert.equal(await run.exitCode(), EXIT_CODES.ok);
    await peer.sees(`:${alice}!\\S+ QUIT .*`);
  });
});

/** Someone on IRC: a raw socket. */
class IrcPeer {
  constructor(readonly client: LineClient) {}

  send(line: string): void {
    this.client.send(line);
  }

  /** Waits for a line matching the regexp source `pattern` as a whole (CRLF or LF); returns the lines up to it. */
  async sees(pattern: string): Promise<string[]> {
    const lines = await this.client.until(new RegExp(`^${pattern}\\r?$`));
    return lines.map(withoutCr);
  }

  /** Waits for `who` to say `text` to `target` (a channel, or this peer). */
  heard(who: string, target: string, text: string): Promise<string[]> {
    return this.sees(`:${re(who)}!\\S+ PRIVMSG ${re(target)} :${re(text)}`);
  }
}

/** Someone on the seed protocol, in one room. */
class SeedPeer {
  constructor(
    readonly client: SeedClient,
    readonly nick: string,
    readonly joined: Joined,
  ) {}

  get ref(): number {
    return this.joined.ref;
  }

  say(text: string): void {
    this.client.chat(this.joined, this.nick, text);
  }

  /** Waits for a chat message from `from` with `text` in this peer's room (other blocks may come first). */
  async heard(from: string, text: string): Promise<void> {
    const lines = await this.client.raw.until(new RegExp(`^MESSAGE: ${re(text)}$`));
    assert.deepEqual(lines.slice(-3), [`CHAT: ${this.ref}`, `CLIENT_NAME: ${from}`, `MESSAGE: ${text}`]);
  }
}
