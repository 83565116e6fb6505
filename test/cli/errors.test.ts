// What the command says and how it exits when it cannot do what it was asked: listen errors as one line,
// usage errors as exit 64 from every subcommand, help with each service's and preset's real defaults.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CliRun, ROOT, runCli } from "../support/cli.js";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
const USAGE = 64;

describe("tcpchat errors and exit codes", { timeout: 300_000 }, () => {
  const runs: CliRun[] = [];
  const cli = (args: string[]) => {
    const run = runCli(args);
    runs.push(run);
    return run;
  };
  after(() => {
    for (const run of runs) run.kill();
  });

  /** A listen failure: exit 1, nothing on stdout, exactly this one line on stderr. */
  async function assertOneLine(run: CliRun, line: RegExp): Promise<void> {
    const { code } = await run.exited;
    assert.equal(code, 1, run.stderr);
    assert.equal(run.stdout, "");
    const lines = run.stderr.split("\n").filter((l) => l !== "");
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0] as string, line);
  }

  describe("listen errors", () => {
    let taken: Server;
    let port = 0;
    after(() => taken?.close());

    it("EADDRINUSE: one line under every model and for the rooms", async () => {
      taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
      port = (taken.address() as { port: number }).port;
      const message = new RegExp(
        `^tcpchat: cannot listen on 127\\.0\\.0\\.1:${port}: address already in use$`,
      );
      for (const args of [
        ["serve", "--service", "echo", "--model", "evented"],
        ["serve", "--service", "calc", "--model", "single"],
        ["serve", "--service", "upper", "--model", "threaded"],
        ["serve", "--service", "echo", "--model", "cluster", "--workers", "2"],
        ["serve", "--service", "rooms"],
        ["lab", "server1"],
      ]) {
        await assertOneLine(cli([...args, "--port", String(port)]), message);
      }
    });

    it("EADDRNOTAVAIL: an address no interface has, said once", async () => {
      // 192.0.2.0/24 is reserved for documentation: no machine has it.
      await assertOneLine(
        cli(["serve", "--service", "echo", "--host", "192.0.2.1", "--port", "0"]),
        /^tcpchat: cannot listen on 192\.0\.2\.1:0: address not available \(no interface of this machine has it\)$/,
      );
    });

    it("an unknown host name", async () => {
      await assertOneLine(
        cli(["serve", "--service", "echo", "--host", "no-such-host.invalid", "--port", "0"]),
        /^tcpchat: cannot listen on no-such-host\.invalid:0: unknown host$/,
      );
    });

    it("EACCES: a privileged port for an unprivileged user", async () => {
      const asRoot = process.getuid?.() === 0;
      // As root, the child runs as nobody; otherwise it is unprivileged already.
      const child = spawn(
        process.execPath,
        ["--import", "tsx", CLI, "serve", "--service", "echo", "--port", "1"],
        {
          cwd: ROOT,
          stdio: ["ignore", "pipe", "pipe"],
          env: { ...process.env, NO_COLOR: "1", REDIS_URL: "" },
          ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
        },
      );
      const run = new CliRun(child);
      runs.push(run);
      await assertOneLine(
        run,
        /^tcpchat: cannot listen on 127\.0\.0\.1:1: permission denied \(ports below 1024 need privileges\)$/,
      );
    });
  });

  it("exits 64 on a usage error, from every subcommand", async () => {
    const cases = [
      [],
      ["nope"],
      ["--nope"],
      ["serve"],
      ["serve", "--service", "nope"],
      ["serve", "--service", "echo", "--port", "70000"],
      ["serve", "--service", "echo", "--bogus"],
      ["serve", "--service", "operator", "--model", "cluster"],
      ["lab", "server9"],
      ["lab", "server1", "--port", "x"],
      ["lab", "server1", "--model", "evented"],
      ["lab", "server4", "--busy", "queue"],
      ["lab", "server1", "--oper", "a:b"],
      ["connect"],
      ["connect", "127.0.0.1", "0"],
      ["chat", "127.0.0.1", "6667"],
      ["bench", "--nope"],
      ["config"],
      ["config", "check"],
      ["passwd", "extra"],
    ];
    await Promise.all(
      cases.map(async (args) => {
        const run = cli(args);
        const { code } = await run.exited;
        assert.equal(code, USAGE, `tcpchat ${args.join(" ")}: ${run.stderr}`);
        assert.match(run.stderr, /error|Usage/, args.join(" "));
      }),
    );
  });

  it("lab presets name the settings they fix", async () => {
    const run = cli(["lab", "server1", "--model", "evented", "--port", "0"]);
    assert.equal((await run.exited).code, USAGE);
    assert.equal(
      run.stderr,
      "error: lab 001-server1 fixes --model single and --service calc; for another, run tcpchat serve --service calc --model evented\n",
    );
    const busy = cli(["lab", "server4", "--busy", "queue"]);
    assert.equal((await busy.exited).code, USAGE);
    assert.equal(busy.stderr, "error: --busy applies to the single model; 001-server4 runs evented\n");
  });

  it("--help shows each service's and preset's own defaults, and the exit codes", async () => {
    // The help as one line of words: where commander wraps it depends on the width.
    const help = async (args: string[]) => {
      const run = cli([...args, "--help"]);
      assert.equal((await run.exited).code, 0, args.join(" "));
      return run.stdout.replace(/\s+/g, " ");
    };
    const serve = await help(["serve"]);
    assert.match(
      serve,
      /--port <port> port to listen on, 0 for any free port \(default: 10000; rooms: 6667\)/,
    );
    assert.match(serve, /--max-line <bytes> longest line accepted \(default: 4096; rooms: 8703\)/);
    assert.match(serve, /Exit codes: 0 .* 1 .* 64 .* 78 /);

    const rooms = await help(["lab", "rooms"]);
    assert.match(rooms, /--port <port> port to listen on, 0 for any free port \(default: 8080\)/);
    assert.match(rooms, /--max-line <bytes> longest line accepted \(default: 8703\)/);
    assert.match(rooms, /--oper <name:password>/);
    assert.match(rooms, /Fixed by this preset: --model <name> fixed: evented --service <name> fixed: rooms/);
    assert.doesNotMatch(rooms, /--busy/);

    const uppercase = await help(["lab", "uppercase"]);
    assert.match(uppercase, /--port <port> port to listen on, 0 for any free port \(default: 12000\)/);
    assert.match(uppercase, /--busy <policy> single: [^(]*\(default: queue\)/);
    assert.doesNotMatch(uppercase, /--oper|--max-threads|--workers/);

    const greet = await help(["lab", "greet"]);
    assert.match(greet, /--greeting <text> greet: what the server says first \(default: "Hi"\)/);
    assert.match(greet, /--then <what> greet: after the greeting \(default: read-one\)/);

    for (const args of [["lab"], ["connect"], ["chat"], ["config", "check"], ["passwd"]]) {
      assert.match(await help(args), /Exit codes:/, args.join(" "));
    }
  });

  it("--version prints the package's version", async () => {
    const run = cli(["--version"]);
    assert.equal((await run.exited).code, 0);
    const { version } = JSON.parse(readFileSync(`${ROOT}/package.json`, "utf8")) as { version: string };
    assert.equal(run.stdout, `${version}\n`);
  });
});
