// The labs' own client programs, run unchanged with python3 against `tcpchat lab <preset>`. They are kept
// outside the project (../shared/seed-clients/); where that folder or python3 is missing, these tests skip
// and say why. Some clients have their port written in (12000, 54, 65432, 8080): if it is taken, the test
// skips and says so.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { type CliRun, cliSuite, ROOT } from "../support/cli.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

const CLIENTS = join(ROOT, "..", "shared", "seed-clients");
const missing = !existsSync(CLIENTS)
  ? `the lab clients are not here (${CLIENTS})`
  : spawnSync("python3", ["--version"]).status !== 0
    ? "python3 is not installed"
    : null;

describe("the labs' own clients against the lab presets", { timeout: SUITE_TIMEOUT_MS }, () => {
  const commands = cliSuite();

  /** `tcpchat lab <preset>`; null (the test skipped, with the reason printed) if its fixed port is taken. */
  async function lab(t: TestContext, args: string[], stdin: "pipe" | "ignore" = "ignore") {
    const run = commands.run(["lab", ...args], { stdin });
    const started = await Promise.race([run.listening(), run.exited.then(() => null)]);
    if (started !== null) return { run, port: started };
    const taken = /cannot listen on (\S+): (address already in use|permission denied)/.exec(run.stderr);
    assert.ok(taken, `lab ${args.join(" ")} did not start: ${run.stderr}`);
    const reason = `port ${taken[1]} is not available (${taken[2]}), which the lab client has written in`;
    console.log(`skipped: ${reason}`);
    t.skip(reason);
    return null;
  }

  /** One of the lab clients, unchanged; python's -u only turns off its output buffering on a pipe. */
  function client(file: string, args: string[] = []): CliRun {
    const child = spawn("python3", ["-u", join(CLIENTS, file), ...args], {
      cwd: CLIENTS,
      stdio: ["pipe", "pipe", "pipe"],
    });
    return commands.watch(child);
  }

  /** Runs a client with all of its typing at once, and returns what it printed; it must exit 0. */
  async function transcript(file: string, args: string[], typed: string[]): Promise<string> {
    const run = client(file, args);
    run.child.stdin?.end(typed.map((line) => `${line}\n`).join(""));
    assert.equal(await run.exitCode(), 0, run.stderr);
    assert.equal(run.stderr, "");
    return run.stdout;
  }

  /**
   * A turn chat between a lab client and the operator at the server's console: the client says `said[0]`,
   * the operator answers `said[1]`, and so on; the operator's last word ends it. What the client printed.
   */
  async function turns(server: CliRun, file: string, said: readonly string[]): Promise<string> {
    const chat = client(file);
    for (const [i, text] of said.entries()) {
      if (i % 2 === 0) {
        chat.type(text);
        await server.shows(new RegExp(`^\\[client \\d+\\] ${text}$`, "m"));
      } else {
        server.type(text);
        if (i < said.length - 1) await chat.waitForStdout(`Server: ${text}\n`);
      }
    }
    assert.equal(await chat.exitCode(), 0, chat.stderr);
    return chat.stdout;
  }

  it("000_cases_client.py against 000-cases (port 12000)", { skip: missing ?? false }, async (t) => {
    if (!(await lab(t, ["000-cases"]))) return;
    assert.equal(await transcript("000_cases_client.py", [], []), "HELLO THERE\n");
  });

  it("000_banner_client1.py against 000-banner (port 8080)", { skip: missing ?? false }, async (t) => {
    if (!(await lab(t, ["000-banner"]))) return;
    assert.equal(await transcript("000_banner_client1.py", [], []), "Hi, Hello!\n");
  });

  it("001_continous_client.py against 001-server1_u: the calculator, then busy for a second client", {
    skip: missing ?? false,
  }, async (t) => {
    const server = await lab(t, ["001-server1_u", "--port", "0"]);
    if (!server) return;
    const args = ["127.0.0.1", String(server.port)];
    const first = client("001_continous_client.py", args);
    first.type("2+3");
    await first.waitForStdout("Server said: Query evaluates to: 5\n");
    // The first is still connected: the second is told busy and ends, as it was written to.
    const second = await transcript("001_continous_client.py", args, ["2+2"]);
    assert.equal(
      second,
      `${JSON.stringify([join(CLIENTS, "001_continous_client.py"), ...args])
        .replaceAll('"', "'")
        .replaceAll(",", ", ")} 3\n` +
        "Enter  your message to server: Server is busy, try again later\nClosing connection\n",
    );
    first.type("10/4");
    first.type("2**0.5");
    first.type("import os");
    first.type("bye");
    assert.equal(await first.exitCode(), 0, first.stderr);
    assert.equal(
      first.stdout.slice(first.stdout.indexOf("\n") + 1),
      [
        "Enter  your message to server: Server said: Query evaluates to: 5",
        "Enter  your message to server: Server said: Query evaluates to: 2.5",
        "Enter  your message to server: Server said: Query evaluates to: 1.4142135623730951",
        "Enter  your message to server: Server said: Bad query, please enter a valid expression",
        "Enter  your message to server: Terminating connection",
        "",
      ].join("\n"),
    );
  });

  it("001_continous_client.py against 001-server1 to 001-server4", { skip: missing ?? false }, async (t) => {
    const expected: Record<string, RegExp> = {
      "001-server1": /^Server said: Query evaluates to: 42$/,
      "001-server2": /^Server said: \[Thread \d+\] says: 42$/,
      "001-server3": /^Server said: Evaluated expression: 42$/,
      "001-server4": /^Server said: 6\*7$/,
    };
    for (const [preset, answer] of Object.entries(expected)) {
      const server = await lab(t, [preset, "--port", "0"]);
      if (!server) return;
      const out = await transcript(
        "001_continous_client.py",
        ["127.0.0.1", String(server.port)],
        ["6*7", "bye"],
      );
      const lines = out.split("Enter  your message to server: ").slice(1);
      assert.match(lines[0]?.replace(/\n$/, "") ?? "", answer, `${preset}: ${out}`);
      assert.equal(lines[1], "Terminating connection\n", preset);
      server.run.kill("SIGTERM");
      await server.run.exitCode();
    }
  });

  // 003-server2 is left out: its threads boot under tsx here, which may take longer than the client's 2 s
  // timeout; lab-presets.test.ts checks its words.
  it("003_client.py against 003-server1, 3 and 4, and its 2 s timeout while another is served", {
    skip: missing ?? false,
  }, async (t) => {
    const expected: Record<string, string> = {
      "003-server1": "Hello/5/Please send a proper statement",
      "003-server3": "hello/5/INVALID STATEMENT",
      "003-server4": "Hi/2+3/x y",
    };
    for (const [preset, answers] of Object.entries(expected)) {
      const server = await lab(t, [preset, "--port", "0"]);
      if (!server) return;
      const [hi, sum, bad] = answers.split("/");
      const out = await transcript(
        "003_client.py",
        ["127.0.0.1", String(server.port)],
        ["2+3", "x y", "bye"],
      );
      assert.equal(
        out,
        `Received from server: ${hi}\n` +
          `Please Enter The Equation: Received from server: ${sum}\n` +
          `Please Enter The Equation: Received from server: ${bad}\n` +
          "Please Enter The Equation: ",
        preset,
      );
      if (preset === "003-server1") {
        // One client at a time: the next one's Hi goes unanswered until the first leaves, so it gives up.
        const first = client("003_client.py", ["127.0.0.1", String(server.port)]);
        await first.waitForStdout("Please Enter The Equation: ");
        const second = await transcript("003_client.py", ["127.0.0.1", String(server.port)], []);
        assert.equal(second, "not Possible to connect to the server right now! Try Later.\n");
        first.child.stdin?.end("bye\n");
        assert.equal(await first.exitCode(), 0);
      }
      server.run.kill("SIGTERM");
      await server.run.exitCode();
    }
  });

  it("002_exp2_client.py against 002-chat (port 65432): in turn, and the operator's exit ends it", {
    skip: missing ?? false,
  }, async (t) => {
    const server = await lab(t, ["002-chat"], "pipe");
    if (!server) return;
    assert.equal(
      await turns(server.run, "002_exp2_client.py", ["hello", "hi there", "how are you", "exit"]),
      "Connected to server. Type 'exit' to quit.\n" +
        "Client: Server: hi there\n" +
        "Client: Server: exit\n" +
        "Server ended the chat.\n",
    );
    // The client's own exit.
    const again = await transcript("002_exp2_client.py", [], ["exit"]);
    assert.equal(again, "Connected to server. Type 'exit' to quit.\nClient: Client ended the chat.\n");
    await server.run.shows(/^\* client \d+ ended the chat$/m);
  });

  it("000_blocking_client.py against 000-blocking-chat (port 54): bye from either side", {
    skip: missing ?? false,
  }, async (t) => {
    const server = await lab(t, ["000-blocking-chat"], "pipe");
    if (!server) return;
    assert.equal(
      await turns(server.run, "000_blocking_client.py", ["hello", "hi, and bye soon", "ok", "bye"]),
      "Connected to the server at 127.0.0.1 on port 54\n" +
        "You: Server: hi, and bye soon\n" +
        "You: Server: bye\n" +
        "Server ended the chat.\n" +
        "Connection closed.\n",
    );
    const again = await transcript("000_blocking_client.py", [], ["bye"]);
    assert.equal(
      again,
      "Connected to the server at 127.0.0.1 on port 54\nYou: You ended the chat.\nConnection closed.\n",
    );
    await server.run.shows(/^\* client \d+ ended the chat$/m);
  });
});
