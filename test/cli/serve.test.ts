// `tcpchat serve` and `tcpchat lab` as a user runs them: a child process, its stdout line, real clients.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, describe, it } from "node:test";
import { PRESETS } from "../../src/cli/presets.js";
import { type CliRun, cliSuite } from "../support/cli.js";
import { LabClient } from "../support/lab-client.js";
import { LineClient } from "../support/line-client.js";
import { portIsFree } from "../support/ports.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

/** What every command exits with on a usage error. */
const USAGE_EXIT = 64;

describe("tcpchat serve / lab", { timeout: SUITE_TIMEOUT_MS }, () => {
  const commands = cliSuite();
  const clients: LineClient[] = [];
  const cli = (args: string[], stdin: "pipe" | "ignore" = "ignore") => commands.run(args, { stdin });
  const client = async (port: number) => {
    const c = await LineClient.connect(port);
    clients.push(c);
    return c;
  };
  after(() => {
    for (const c of clients) c.destroy();
  });

  it("prints exactly one stdout line when ready, serves, and shuts down in order on SIGTERM", async () => {
    const run = cli(["serve", "--service", "echo", "--model", "evented", "--port", "0"]);
    const port = await run.listening();
    assert.equal(run.stdout, `listening on 127.0.0.1:${port}\n`);
    const c = await client(port);
    assert.equal(await c.send1("hello"), "hello");
    run.kill("SIGTERM");
    assert.deepEqual(await c.linesUntilClose(), ["Server shutting down"]);
    assert.deepEqual(await run.exited, { code: 0, signal: null });
    assert.equal(await portIsFree(port), true, `port ${port} is free`);
  });

  it("shuts down on SIGINT too, with a client of the threaded model connected", async () => {
    const run = cli(["serve", "--service", "upper", "--model", "threaded", "--port", "0"]);
    const c = await client(await run.listening());
    assert.equal(await c.send1("x"), "X");
    run.kill("SIGINT");
    assert.deepEqual(await c.linesUntilClose(), ["Server shutting down"]);
    assert.equal((await run.exited).code, 0);
  });

  it("single --busy queue: SIGTERM tells the served client and the queued one, closes both, and exits 0", async () => {
    const run = cli(["serve", "--service", "echo", "--model", "single", "--busy", "queue", "--port", "0"]);
    const port = await run.listening();
    const served = await client(port);
    assert.equal(await served.send1("first"), "first");
    const queued = await client(port);
    queued.send("waiting in line");
    // The server has taken the queued connection by the time it answers the served one again (its accept
    // came first), and has not read it.
    assert.equal(await served.send1("again"), "again");
    assert.deepEqual(queued.lines, []);
    run.kill("SIGTERM");
    assert.deepEqual(await served.linesUntilClose(), ["Server shutting down"]);
    assert.deepEqual(await queued.linesUntilClose(), ["Server shutting down"]);
    assert.equal(queued.error, null, "closed, not reset");
    assert.equal(served.error, null, "closed, not reset");
    assert.deepEqual(await run.exited, { code: 0, signal: null });
    assert.equal(await portIsFree(port), true, `port ${port} is free`);
  });

  it("says clearly when the port is taken", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const run = cli(["serve", "--service", "echo", "--port", String(port)]);
      const { code } = await run.exited;
      assert.equal(code, 1);
      assert.match(
        run.stderr,
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`),
      );
      assert.equal(run.stdout, "");
    } finally {
      taken.close();
    }
  });

  it("rejects bad options with a usage error: one line naming the option, no stack, no listener", async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ["serve", "--service", "nope"],
        /^error: option '--service <name>' argument 'nope' is invalid\. Allowed choices are echo, /,
      ],
      [
        ["serve", "--service", "echo", "--port", "70000"],
        /^error: option '--port <port>' argument '70000' is invalid\./,
      ],
      [
        ["serve", "--service", "echo", "--model", "fork"],
        /^error: option '--model <name>' argument 'fork' is invalid\./,
      ],
      [["serve"], /^error: required option '--service <name>' not specified \(nor in --config\)$/],
      [["lab", "server9"], /^error: no preset named 'server9'/],
    ];
    const started = cases.map(([args]) => cli(args));
    for (const [i, [args, message]] of cases.entries()) {
      const run = started[i] as CliRun;
      const { code, signal } = await run.exited;
      // A usage error, not a crash: the exit code serve and lab give for usage errors, and one line.
      assert.deepEqual({ code, signal }, { code: USAGE_EXIT, signal: null }, args.join(" "));
      const lines = run.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, `${args.join(" ")}: ${run.stderr}`);
      assert.match(lines[0] as string, message, args.join(" "));
      assert.equal(run.stdout, "", args.join(" "));
    }
  });

  it("lab --list names every preset with its seed program and its earlier names", async () => {
    const run = cli(["lab", "--list"]);
    assert.equal((await run.exited).code, 0);
    for (const preset of PRESETS) {
      const aliases = preset.aliases ? ` \\(also: ${preset.aliases.join(", ")}\\)` : "";
      assert.match(
        run.stdout,
        new RegExp(
          `^${preset.name}\\s+${preset.model}\\s+${preset.service}\\s+${preset.port}\\s+seed 00\\d .+${aliases}$`,
          "m",
        ),
      );
    }
  });

  it("lab server1 (alias of 001-server1): seed 001's words, with a newline to a line client; others refused", async () => {
    const run = cli(["lab", "server1", "--port", "0"]);
    const port = await run.listening();
    const a = await client(port);
    assert.equal(await a.send1("2+3"), "Query evaluates to: 5");
    assert.equal(await a.send1("10/4"), "Query evaluates to: 2.5");
    await assert.rejects(LineClient.connect(port), /ECONNREFUSED/);
    a.send("bye");
    assert.deepEqual(await a.linesUntilClose(), ["bye"]);
  });

  it("lab server2 (threaded, calc) and server4 (evented, echo)", async () => {
    const two = cli(["lab", "server2", "--port", "0"]);
    const four = cli(["lab", "server4", "--port", "0"]);
    const [p2, p4] = await Promise.all([two.listening(), four.listening()]);
    const a = await client(p2);
    const b = await client(p2);
    assert.match(await a.send1("-7//2"), /^\[Thread \d+\] says: -4$/);
    assert.match(await b.send1("-7%3"), /^\[Thread \d+\] says: 2$/);
    const e = await client(p4);
    assert.equal(await e.send1("2+2"), "2+2");
  });

  it("lab uppercase queues the second client and serves it after the first", async () => {
    const run = cli(["lab", "uppercase", "--port", "0"]);
    const port = await run.listening();
    const a = await client(port);
    const b = await client(port);
    b.send("second");
    assert.equal(await a.send1("straße"), "STRASSE");
    a.send("bye");
    await a.linesUntilClose();
    assert.equal(await b.nextLine(), "SECOND");
  });

  it("lab banner sends its banner bare and closes; lab greet reads one reply and logs it", async () => {
    const banner = cli(["lab", "banner", "--port", "0"]);
    const b = await LabClient.connect(await banner.listening());
    assert.equal(await b.recv(), "Hi, Hello!");
    assert.equal(await b.recv(), "");

    const greet = cli(["lab", "greet", "--port", "0", "--log-format", "json"]);
    const g = await LabClient.connect(await greet.listening());
    assert.equal(await g.recv(), "Hi");
    g.send("Hello from the client");
    assert.equal(await g.recv(), "");
    await greet.waitFor(/client says: Hello from the client/, "stderr");
  });

  it("lab console-chat (alias of 002-chat): the client speaks, the operator answers, exit ends it", async () => {
    const run = cli(["lab", "console-chat", "--port", "0"], "pipe");
    const port = await run.listening();
    const c = await client(port);
    await run.waitFor(/\* client (\d+) connected from 127\.0\.0\.1:\d+/);
    c.send("hello operator");
    await run.waitFor(/^\[client \d+\] hello operator$/m);
    run.child.stdin?.write("hello client\n");
    assert.equal(await c.nextLine(), "hello client");
    c.send("and now?");
    await run.waitFor(/^\[client \d+\] and now\?$/m);
    run.child.stdin?.write("exit\n");
    assert.deepEqual(await c.linesUntilClose(), ["exit"]);
    await run.waitFor(/chat with client \d+ ended/);
  });
});
