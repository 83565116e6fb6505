// `tcpchat connect` as a user runs it: a child process against small real servers started here.
// Scripted mode through pipes; interactive mode through a pseudo-terminal from util-linux `script`.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { connect, createServer, type Server, type Socket } from "node:net";
import { after, describe, it } from "node:test";
import { EXIT_CODES } from "../../src/cli/connect.js";
import { PROC_NET_MISSING, writeBytewise } from "../support/bytewise.js";
import { bounded, type CliRun, cliSuite } from "../support/cli.js";
import { withoutCr } from "../support/line-client.js";
import { SCRIPT_MISSING, Screen } from "../support/screen.js";
import { CLI_TEST_TIMEOUT_MS, DEFAULT_WAIT_MS, WINDOW_MS } from "../support/timing.js";

const HOST = "127.0.0.1";
const BUSY_LINE = "ERROR busy: serving another client, try again later";

// ---------------------------------------------------------------------------------------------------------
// Small servers, each given what to do with a connection.

interface TestServer {
  port: number;
  /** The sockets accepted so far. */
  sockets: Socket[];
  /** The `index`th connection, once accepted. */
  accepted(index: number): Promise<Socket>;
  /** Everything the `index`th client sent, once it half-closed or went away. */
  received(index: number): Promise<string>;
}

class Deferred<T> {
  resolve!: (value: T) => void;
  readonly promise = new Promise<T>((resolve) => {
    this.resolve = resolve;
  });
}

function lines(text: string): string[] {
  return text.split("\n").map(withoutCr);
}

/** Replies to each complete line with `reply(line)` (unless null); closes when the client half-closes. */
function lineHandler(reply: (line: string) => string | null): (socket: Socket) => void {
  return (socket) => {
    let pending = "";
    socket.setEncoding("utf8");
    socket.on("data", (text: string) => {
      pending += text;
      let lf = pending.indexOf("\n");
      while (lf !== -1) {
        const answer = reply(pending.slice(0, lf));
        if (answer !== null) socket.write(`${answer}\n`);
        pending = pending.slice(lf + 1);
        lf = pending.indexOf("\n");
      }
    });
    socket.on("end", () => socket.end());
  };
}

const upperHandler = lineHandler((line) => line.toUpperCase());

describe("tcpchat connect", () => {
  const cli = cliSuite();
  const servers: Server[] = [];
  /** Every socket of this process (accepted or not), destroyed at the end. */
  const sockets: Socket[] = [];

  after(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  });

  /** `tcpchat connect <args>` with stdin a pipe (left open unless `input` is given, which is then ended). */
  function tcpchat(args: string[], input?: string): CliRun {
    return cli.run(["connect", ...args], { stdin: "pipe", input });
  }

  /** `tcpchat connect <args>` on a pseudo-terminal; stdout is what the terminal shows (stderr too). */
  function tcpchatOnTerminal(args: string[]): CliRun {
    return cli.onTerminal(["connect", ...args]);
  }

  async function startServer(
    onConnection: (socket: Socket) => void,
    options: { allowHalfOpen?: boolean } = {},
  ): Promise<TestServer> {
    const accepted: Socket[] = [];
    const received: Deferred<string>[] = [];
    const connections: Deferred<Socket>[] = [];
    const at = <T>(list: Deferred<T>[], index: number): Deferred<T> => {
      while (list.length <= index) list.push(new Deferred());
      return list[index] as Deferred<T>;
    };
    const server = createServer({ allowHalfOpen: options.allowHalfOpen ?? false }, (socket) => {
      const done = at(received, accepted.length);
      at(connections, accepted.length).resolve(socket);
      accepted.push(socket);
      sockets.push(socket);
      let text = "";
      socket.on("data", (chunk: Buffer | string) => {
        text += chunk.toString();
      });
      socket.on("end", () => done.resolve(text));
      socket.on("close", () => done.resolve(text));
      socket.on("error", () => {});
      onConnection(socket);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    return {
      port: (server.address() as { port: number }).port,
      sockets: accepted,
      accepted: (index) => bounded(at(connections, index).promise, `connection ${index}`, DEFAULT_WAIT_MS),
      received: (index) => at(received, index).promise,
    };
  }

  /** A port nothing listens on: listened on, then closed. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  /** What the `index`th client sent, bounded in time. */
  function receivedBy(server: TestServer, index = 0): Promise<string> {
    return bounded(server.received(index), `the end of client ${index}'s input`, DEFAULT_WAIT_MS);
  }

  // ----- scripted -----

  it("scripted: sends each stdin line, prints each reply, half-closes, exits 0 when the server closes", {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    const server = await startServer(upperHandler);
    const run = tcpchat([HOST, String(server.port)], "2+2\n6/2\n");
    assert.equal(await run.exitCode(), EXIT_CODES.ok);
    assert.equal(run.stdout, "2+2\n6/2\n".toUpperCase());
    assert.equal(run.stderr, "");
    assert.equal(await receivedBy(server), "2+2\n6/2\n");
  });

  it("scripted: many lines, in order", { timeout: CLI_TEST_TIMEOUT_MS }, async () => {
    const server = await startServer(upperHandler);
    const input = Array.from({ length: 3000 }, (_, i) => `line ${i} ${"x".repeat(i % 50)}`);
    const run = tcpchat([HOST, String(server.port)], `${input.join("\n")}\n`);
    assert.equal(await run.exitCode(), EXIT_CODES.ok);
    assert.deepEqual(lines(run.stdout), [...input.map((l) => l.toUpperCase()), ""]);
    assert.equal(run.stderr, "");
  });

  it("scripted: a last stdin line without newline is sent too, newline-terminated", {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    const server = await startServer(upperHandler);
    const run = tcpchat([HOST, String(server.port)], "one\ntwo");
    assert.equal(await run.exitCode(), EXIT_CODES.ok);
    assert.equal(await receivedBy(server), "one\ntwo\n");
    assert.equal(run.stdout, "ONE\nTWO\n");
  });

  it("scripted: prints what the server says first, as it arrives, before stdin has ended", {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    const server = await startServer((socket) => {
      socket.write("welcome to the echo\n");
      upperHandler(socket);
    });
    const run = tcpchat([HOST, String(server.port)]); // stdin stays open
    await run.waitForStdout("welcome to the echo\n");
    // Still connected both ways: a line typed after the greeting is answered (a client that had ended its
    // side could not send it), and only then is the client's end looked for.
    run.type("abc");
    await run.waitForStdout("ABC\n");
    assert.equal(await Promise.race([server.received(0), "still open"]), "still open");
    run.child.stdin?.end("def\n");
    assert.equal(await run.exitCode(), EXIT_CODES.ok);
    assert.equal(run.stdout, "welcome to the echo\nABC\nDEF\n");
    assert.equal(await receivedBy(server), "abc\ndef\n");
  });

  it("scripted: server output one byte per read, UTF-8 characters cut too", {
    timeout: CLI_TEST_TIMEOUT_MS,
    skip: PROC_NET_MISSING,
  }, async () => {
    const text = "héllo wörld ✓\nsecond line\n";
    // One byte per write, each once the client has read the one before; then the server closes.
    const server = await startServer(async (socket) => {
      await writeBytewise(socket, text);
      socket.end();
    });
    const run = tcpchat([HOST, String(server.port)]);
    assert.equal(await run.exitCode(), EXIT_CODES.ok);
    assert.equal(run.stdout, text);
    assert.equal(run.stderr, "");
  });

  it("scripted: several lines in one packet, and a last line without LF printed at close", {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    const server = await startServer((socket) => socket.end("alpha\nbeta\ngamma\ntail without newline"));
    const run = tcpchat([HOST, String(server.port)]);
    assert.equal(await run.exitCode(), EXIT_CODES.ok);
    assert.equal(run.stdout, "alpha\nbeta\ngamma\ntail without newline\n");
  });

  it("scripted: CRLF from the server is printed as plain lines", {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    const server = await startServer((socket) => socket.end("one\r\ntwo\r\n\r\nlast\r"));
    const run = tcpchat([HOST, String(server.port)]);
    assert.equal(await run.exitCode(), EXIT_CODES.ok);
    assert.equal(run.stdout, "one\ntwo\n\nlast\n");
  });

  it("--hello sends Hi first (and without it nothing is sent)", {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    const server = await startServer(lineHandler((line) => (line === "Hi" ? "Hello" : `= ${line}`)));
    const withHello = tcpchat(["--hello", HOST, String(server.port)], "1+1\n");
    assert.equal(await withHello.exitCode(), EXIT_CODES.ok);
    assert.equal(await receivedBy(server), "Hi\n1+1\n");
    assert.equal(withHello.stdout, "Hello\n= 1+1\n");

    const without = tcpchat([HOST, String(server.port)], "");
    assert.equal(await without.exitCode(), EXIT_CODES.ok);
    assert.equal(await receivedBy(server, 1), "");
    assert.equal(without.stdout, "");
  });

  // ----- errors -----

  it("no server at that address: a one-line message, exit code 1", {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    const port = await closedPort();
    const run = tcpchat([HOST, String(port)], "x\n");
    assert.equal(await run.exitCode(), EXIT_CODES.connection);
    assert.equal(run.stderr, `tcpchat: no server at ${HOST}:${port} (connection refused)\n`);
    assert.equal(run.stdout, "");
  });

  it("unknown host: a one-line message, exit code 1", { timeout: CLI_TEST_TIMEOUT_MS }, async () => {
    const run = tcpchat(["no-such-host.invalid", "10000"], "x\n");
    assert.equal(await run.exitCode(), EXIT_CODES.connection);
    assert.match(
      run.stderr,
      /^tcpchat: (unknown host no-such-host\.invalid|cannot resolve host no-such-host\.invalid \(.*\))\n$/,
    );
  });

  it("busy server: its line on stdout, `server is busy` on stderr, exit code 2", {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    const server = await startServer((socket) => socket.end(`${BUSY_LINE}\n`));
    const run = tcpchat([HOST, String(server.port)]); // stdin stays open: the server's close ends it
    assert.equal(await run.exitCode(), EXIT_CODES.busy);
    assert.equal(run.stdout, `${BUSY_LINE}\n`);
    assert.equal(run.stderr, "tcpchat: server is busy\n");
  });

  it("connection reset by the server: a one-line message, exit code 1", {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    const server = await startServer((socket) => {
      socket.once("data", () => socket.resetAndDestroy());
    });
    const run = tcpchat([HOST, String(server.port)]);
    run.child.stdin?.write("are you there?\n");
    assert.equal(await run.exitCode(), EXIT_CODES.connection);
    assert.equal(run.stderr, "tcpchat: connection reset by server\n");
    assert.equal(run.stdout, "");
  });

  it("scripted: UTF-8 characters split between reads", { timeout: CLI_TEST_TIMEOUT_MS }, async () => {
    // Each piece is sent once the client has printed the line before it, so the client has read the bytes
    // before it; every piece but the last ends inside a character.
    const pieces = [
      Buffer.from("first\nh\xC3", "latin1"),
      Buffer.from("\xA9llo\nw\xC3", "latin1"),
      Buffer.from("\xB6rld\n\xE2", "latin1"),
      Buffer.from("\x9C\x93\n", "latin1"),
    ];
    const printedBefore = ["first\n", "héllo\n", "wörld\n"];
    const server = await startServer((socket) => socket.setNoDelay(true));
    const run = tcpchat([HOST, String(server.port)]);
    const socket = await server.accepted(0);
    for (const [i, piece] of pieces.entries()) {
      if (i > 0) await run.waitForStdout(printedBefore[i - 1] as string);
      socket.write(piece);
    }
    socket.end();
    assert.equal(await run.exitCode(), EXIT_CODES.ok);
    assert.equal(run.stdout, "first\nhéllo\nwörld\n✓\n");
  });

  it("--timeout: a server that never answers, exit code 3", { timeout: CLI_TEST_TIMEOUT_MS }, async () => {
    const server = await startServer(() => {}); // reads, says nothing
    const run = tcpchat(["--timeout", "0.3", HOST, String(server.port)]);
    run.child.stdin?.write("hello?\n");
    assert.equal(await run.exitCode(), EXIT_CODES.timeout);
    assert.equal(run.stderr, "tcpchat: no answer within 0.3 s\n");
    assert.equal(run.stdout, "");
  });

  it("--timeout counts from the last line sent: a server that greets, then never answers", {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    const server = await startServer((socket) => socket.write("hello, ask me\n"));
    const run = tcpchat(["--timeout", "0.3", HOST, String(server.port)]);
    await run.waitForStdout("hello, ask me\n");
    run.child.stdin?.write("what now?\n");
    assert.equal(await run.exitCode(), EXIT_CODES.timeout);
    assert.equal(run.stderr, "tcpchat: no answer within 0.3 s\n");
  });

  it("--timeout: once the answer came, a long silence is no timeout", {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    // The server answers at once, then (on its own clock) says one more thing well after --timeout, and closes.
    // The answer must come within --timeout: a window of 25 worst round trips (test/support/timing.ts).
    const server = await startServer((socket) => {
      socket.once("data", () => {
        socket.write("answer\n");
        setTimeout(() => socket.end("much later\n"), 2.5 * WINDOW_MS);
      });
    });
    const run = tcpchat(["--timeout", String(WINDOW_MS / 1000), HOST, String(server.port)]);
    run.child.stdin?.write("question\n"); // stdin stays open
    assert.equal(await run.exitCode(), EXIT_CODES.ok);
    assert.equal(run.stdout, "answer\nmuch later\n");
    assert.equal(run.stderr, "");
  });

  it("--timeout: answers arrive but the server never closes after stdin ended, exit code 3", {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    // Answers every line, ignores the half-close.
    const server = await startServer(
      (socket) => {
        socket.setEncoding("utf8");
        socket.on("data", (text: string) => socket.write(text.toUpperCase()));
      },
      { allowHalfOpen: true },
    );
    // The answers must come within --timeout: a window of 25 worst round trips (test/support/timing.ts).
    const seconds = WINDOW_MS / 1000;
    const run = tcpchat(["--timeout", String(seconds), HOST, String(server.port)], "a\nb\n");
    assert.equal(await run.exitCode(), EXIT_CODES.timeout);
    assert.equal(run.stdout, "A\nB\n");
    assert.equal(run.stderr, `tcpchat: no answer within ${seconds} s (the server did not close)\n`);
  });

  it("--timeout bounds the connect attempt too, exit code 3", { timeout: CLI_TEST_TIMEOUT_MS }, async (t) => {
    // A listener that never accepts (its process blocked), its queue of 2 filled: further SYNs are dropped.
    const blocker = spawn(
      process.execPath,
      [
        "-e",
        `const s = require("node:net").createServer();
         s.listen({ port: 0, host: "${HOST}", backlog: 1 }, () => {
           process.stdout.write(s.address().port + "\\n", () =>
             Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0));
         });`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const blocked = cli.watch(blocker);
    await blocked.until(() => blocked.stdout.endsWith("\n"), "the blocked listener's port");
    const port = Number(blocked.stdout.trim());
    for (let i = 0; i < 2; i++) {
      const filler = connect(port, HOST);
      sockets.push(filler);
      await new Promise<void>((resolve, reject) => {
        filler.once("connect", resolve);
        filler.once("error", reject);
      });
    }
    try {
      const run = tcpchat(["--timeout", "0.5", HOST, String(port)], "x\n");
      assert.equal(await run.exitCode(), EXIT_CODES.timeout);
      assert.equal(run.stderr, `tcpchat: no connection to ${HOST}:${port} within 0.5 s\n`);
    } finally {
      blocker.kill("SIGKILL");
      t.diagnostic("blocked listener killed");
    }
  });

  it("rejects a bad port, a bad timeout and missing arguments with the usage exit code", {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    const cases: Array<[string[], RegExp]> = [
      [[HOST, "0"], /port number, 1 to 65535/],
      [[HOST, "65536"], /port number, 1 to 65535/],
      [[HOST, "80.5"], /port number, 1 to 65535/],
      [[HOST], /missing required argument 'port'/],
      [["--timeout", "soon", HOST, "80"], /number of seconds/],
    ];
    const runsHere = cases.map(([args]) => tcpchat(args, ""));
    for (const [i, [args, message]] of cases.entries()) {
      const run = runsHere[i] as CliRun;
      assert.equal(await run.exitCode(), EXIT_CODES.usage, args.join(" "));
      assert.match(run.stderr, message, args.join(" "));
      assert.equal(run.stdout, "", args.join(" "));
    }
  });

  it("--help documents the exit codes", { timeout: CLI_TEST_TIMEOUT_MS }, async () => {
    const run = tcpchat(["--help"], "");
    assert.equal(await run.exitCode(), 0);
    assert.match(run.stdout, /Exit codes:/);
    for (const code of Object.values(EXIT_CODES))
      assert.match(run.stdout, new RegExp(`^ {2}${code} +\\S`, "m"));
  });

  // ----- interactive, on a pseudo-terminal -----

  it("interactive: a line received while the user types is printed above, the partial input redrawn", {
    timeout: CLI_TEST_TIMEOUT_MS,
    skip: SCRIPT_MISSING,
  }, async () => {
    const server = await startServer((socket) => {
      socket.write("welcome\n");
      lineHandler((line) => `got ${line}`)(socket);
    });
    const run = tcpchatOnTerminal([HOST, String(server.port)]);
    const screen = new Screen();
    let fed = 0;
    const show = () => {
      screen.feed(run.stdout.slice(fed));
      fed = run.stdout.length;
      return screen;
    };
    const shows = (rows: string[], cursorAfter: string) =>
      run.until(
        () => {
          const s = show();
          return JSON.stringify(s.text()) === JSON.stringify(rows) && s.beforeCursor() === cursorAfter;
        },
        `the screen ${JSON.stringify(rows)} with the cursor after ${JSON.stringify(cursorAfter)}`,
      );

    await shows(["welcome", ">"], "> ");
    run.child.stdin?.write("hel"); // typed, not entered
    await shows(["welcome", "> hel"], "> hel");
    run.child.stdin?.write("\x1b[D"); // cursor left: between "he" and "l"
    await shows(["welcome", "> hel"], "> he");

    (server.sockets[0] as Socket).write("news while you type\n");
    await shows(["welcome", "news while you type", "> hel"], "> he");

    run.child.stdin?.write("y"); // inserted at the cursor: typing goes on where it was
    await shows(["welcome", "news while you type", "> heyl"], "> hey");
    run.child.stdin?.write("\r"); // entered: the server gets what was typed
    await shows(["welcome", "news while you type", "> heyl", "got heyl", ">"], "> ");

    run.child.stdin?.write("bye\r");
    await run.until(() => show().text().includes("got bye"), "the answer to bye");
    (server.sockets[0] as Socket).end();
    assert.equal(await run.exitCode(), EXIT_CODES.ok);
    show();
    assert.ok(screen.text().includes("tcpchat: connection closed by server"), JSON.stringify(screen.text()));
  });

  it("interactive: Ctrl-D at an empty prompt half-closes and exits 0; --hello sends Hi", {
    timeout: CLI_TEST_TIMEOUT_MS,
    skip: SCRIPT_MISSING,
  }, async () => {
    const server = await startServer(lineHandler((line) => (line === "Hi" ? "Hello" : null)));
    const run = tcpchatOnTerminal(["--hello", HOST, String(server.port)]);
    await run.until(() => run.stdout.includes("Hello"), "Hello");
    run.child.stdin?.write("\x04");
    assert.equal(await receivedBy(server), "Hi\n");
    assert.equal(await run.exitCode(), EXIT_CODES.ok);
  });

  it("interactive: Ctrl-C ends the session too, exit 0", {
    timeout: CLI_TEST_TIMEOUT_MS,
    skip: SCRIPT_MISSING,
  }, async () => {
    const server = await startServer(upperHandler);
    const run = tcpchatOnTerminal([HOST, String(server.port)]);
    await run.until(() => run.stdout.includes("> "), "the prompt");
    run.child.stdin?.write("half typed\x03");
    assert.equal(await receivedBy(server), "");
    assert.equal(await run.exitCode(), EXIT_CODES.ok);
  });
});
