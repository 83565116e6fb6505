// `--config`, `tcpchat config check` and `tcpchat passwd` as a user runs them: child processes, real clients.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { verifyPassword } from "../../src/password-hash.js";
import { type CliRun, runCli } from "../support/cli.js";
import { Irc } from "../support/irc.js";
import { LineClient } from "../support/line-client.js";

describe("tcpchat --config, config check, passwd", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "tcpchat-config-cli-"));
  const runs: CliRun[] = [];
  const clients: LineClient[] = [];
  const cli = (args: string[], stdin: "pipe" | "ignore" = "ignore") => {
    const run = runCli(args, { stdin });
    runs.push(run);
    return run;
  };
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  after(() => {
    for (const c of clients) c.destroy();
    for (const run of runs) run.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  async function greeting(run: CliRun): Promise<string[]> {
    const client = await LineClient.connect(await run.listening());
    clients.push(client);
    return client.linesUntilClose();
  }

  it("serves from the file alone, and the command line wins over it", async () => {
    const path = file(
      "greet.toml",
      'service = "greet"\nmodel = "single"\ngreeting = "from the file"\n[listen]\nport = 0\n',
    );
    const fromFile = cli(["serve", "--config", path]);
    assert.deepEqual(await greeting(fromFile), ["from the file"]);
    const overridden = cli(["serve", "--config", path, "--greeting", "from the command line"]);
    assert.deepEqual(await greeting(overridden), ["from the command line"]);
    for (const run of [fromFile, overridden]) {
      run.kill("SIGTERM");
      assert.equal((await run.exited).code, 0);
    }
  });

  it("lab presets read it too, under the preset's fixed settings", async () => {
    // Port 0 from the file rather than the preset's 10000: the file was read.
    const path = file("echo.toml", "port = 0\nmax-line = 8\n");
    const run = cli(["lab", "001-server4", "--config", path]);
    const client = await LineClient.connect(await run.listening());
    clients.push(client);
    assert.equal(await client.send1("short"), "short");
    run.kill("SIGTERM");
    assert.equal((await run.exited).code, 0);
    const fixed = cli(["lab", "000-banner", "--config", file("fixed.toml", 'model = "evented"\n')]);
    assert.equal((await fixed.exited).code, 64);
    assert.match(fixed.stderr, /^error: lab 000-banner fixes --model single and --service greet/);
  });

  it("a bad file stops the server before it listens: every problem with its line, exit 78", async () => {
    const path = file("bad.toml", 'service = "echo"\nport = 99999\n[limits]\nmax-lines = 3\n');
    const run = cli(["serve", "--config", path]);
    assert.equal((await run.exited).code, 78);
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr,
      `${path}:2: port: expected a port number, 0 to 65535\n` +
        `${path}:4: unknown key 'max-lines' (did you mean 'max-line'?)\n`,
    );
    const missing = cli(["serve", "--service", "echo", "--config", join(dir, "absent.toml")]);
    assert.equal((await missing.exited).code, 78);
    assert.equal(missing.stderr, `${join(dir, "absent.toml")}: cannot read: no such file\n`);
  });

  it("config check: ok with the count of settings, or every problem and exit 78", async () => {
    const good = file("good.toml", 'service = "rooms"\noper = ["alice:pw"]\n[limits]\nflood-burst = 20\n');
    const ok = cli(["config", "check", good]);
    assert.equal((await ok.exited).code, 0);
    assert.equal(ok.stdout, `${good}: ok (3 settings)\n`);

    const bad = file("check.toml", "[limits]\nflood-rate = 0\nmax-line = true\n[webby]\n");
    const check = cli(["config", "check", bad]);
    assert.equal((await check.exited).code, 78);
    assert.equal(
      check.stderr,
      [
        `${bad}:2: flood-rate: expected a rate above 0`,
        `${bad}:3: max-line: expected a string or a number, got the boolean true`,
        `${bad}:4: unknown section [webby] (sections: listen, limits)`,
        "",
      ].join("\n"),
    );
  });

  it("passwd hashes the first line of stdin; the hash verifies that password only", async () => {
    const run = cli(["passwd"], "pipe");
    run.child.stdin?.end("correct horse\n");
    assert.equal((await run.exited).code, 0, run.stderr);
    const hash = run.stdout.trim();
    assert.match(hash, /^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.equal(await verifyPassword("correct horse", hash), true);
    assert.equal(await verifyPassword("correct horse ", hash), false);

    const empty = cli(["passwd"], "pipe");
    empty.child.stdin?.end("");
    assert.equal((await empty.exited).code, 1);
    assert.equal(empty.stderr, "tcpchat: no password given\n");
  });

  it("an operator whose password is a hash in the file: OPER with the password, not the hash", async () => {
    const passwd = cli(["passwd"], "pipe");
    passwd.child.stdin?.end("s3cret\n");
    assert.equal((await passwd.exited).code, 0, passwd.stderr);
    const hash = passwd.stdout.trim();
    const path = file(
      "opers.toml",
      `service = "rooms"\nserver-name = "irc.test"\noper = ["alice:${hash}", "bob:plain"]\n[listen]\nport = 0\n`,
    );
    const server = cli(["serve", "--config", path]);
    const alice = await Irc.register(await server.listening(), "alice");
    try {
      alice.send(`OPER alice ${hash}`);
      assert.match(await alice.numeric("464"), /^alice :Password incorrect/);
      alice.send("OPER alice s3cret");
      assert.match(await alice.numeric("381"), /^alice :You are now an IRC operator/);
      alice.send("OPER bob plain");
      assert.match(await alice.numeric("381"), /^alice :You are now an IRC operator/);
    } finally {
      alice.close();
    }
    server.kill("SIGTERM");
    assert.equal((await server.exited).code, 0);
  });
});
