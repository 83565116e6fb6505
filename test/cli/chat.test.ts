// `tcpchat chat` as a person or a script runs it: a child process against a rooms server started here,
// with raw IRC and seed-protocol clients on the other side of the room.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { type CliRun, ROOT, CliRun as Run, runCli } from "../support/cli.js";
import { connectIrc, joinIrc, SeedClient, startRoomsServer } from "../support/rooms.js";

const CTCP = String.fromCharCode(1);
const TIME = "\\[\\d\\d:\\d\\d:\\d\\d\\]";

function chat(port: number, ...args: string[]): CliRun {
  return runCli(["chat", "127.0.0.1", String(port), ...args], { stdin: "pipe" });
}

function type(run: CliRun, line: string): void {
  run.child.stdin?.write(`${line}\n`);
}

describe("tcpchat chat", { timeout: 60_000 }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startRoomsServer("evented");
  });
  after(async () => {
    await server.shutdown();
  });

  it("over IRC: joins, talks, acts, renames, lists, sets the topic, parts and quits", async () => {
    const bob = await connectIrc(server.port, "bob");
    await joinIrc(bob, "bob", "#lobby");
    const run = chat(server.port, "--nick", "alice");
    try {
      type(run, "/join lobby");
      await run.waitFor(/joined #lobby/);
      await bob.until(/^:alice!\S+ JOIN #lobby/);
      bob.send("PRIVMSG #lobby :hi alice\r");
      await run.waitFor(new RegExp(`^${TIME} #lobby <bob> hi alice$`, "m"));
      type(run, "hello bob");
      await bob.until(/^:alice!\S+ PRIVMSG #lobby :hello bob/);
      await run.waitFor(new RegExp(`^${TIME} #lobby <alice> hello bob$`, "m"));
      type(run, "/me waves");
      const action = (await bob.until(/^:alice!\S+ PRIVMSG #lobby :/)).at(-1);
      assert.equal(action, `:alice!alice@127.0.0.1 PRIVMSG #lobby :${CTCP}ACTION waves${CTCP}\r`);
      type(run, "/msg bob psst");
      await bob.until(/^:alice!\S+ PRIVMSG bob :psst/);
      type(run, "/nick alicia");
      await bob.until(/^:alice!\S+ NICK alicia/);
      bob.send("MODE #lobby -t\r"); // bob created the room: he lets others set the topic
      await bob.until(/ MODE #lobby -t/);
      type(run, "/topic chat about chat");
      await bob.until(/^:alicia!\S+ TOPIC #lobby :chat about chat/);
      type(run, "/names");
      await run.waitFor(/#lobby.*@?bob/);
      type(run, "/list");
      await run.waitFor(/#lobby.*2/);
      type(run, "/join second");
      await run.waitFor(/joined #second/);
      await joinIrc(bob, "bob", "#second"); // so that he still shares a room when she quits
      type(run, "/switch lobby");
      type(run, "back in the lobby");
      await bob.until(/^:alicia!\S+ PRIVMSG #lobby :back in the lobby/);
      type(run, "/part");
      await bob.until(/^:alicia!\S+ PART #lobby/);
      type(run, "/quit see you");
      await bob.until(/^:alicia!\S+ QUIT :.*see you/);
      const { code } = await run.exited;
      assert.equal(code, 0, run.stderr);
    } finally {
      run.kill();
      bob.destroy();
    }
  });

  it("over the seed protocol: joins, talks, switches rooms, refuses what the protocol lacks, disconnects", async () => {
    const seed = await SeedClient.connect(server.port);
    const joined = await seed.join("seedroom", "sally");
    const run = chat(server.port, "--nick", "sam", "--protocol", "seed", "--join", "seedroom");
    try {
      await run.waitFor(/joined seedroom/);
      await seed.expectChat(joined.ref, "sam", "sam has joined this chatroom.");
      seed.chat(joined, "sally", "hello sam");
      await seed.expectChat(joined.ref, "sally", "hello sam");
      await run.waitFor(new RegExp(`^${TIME} seedroom <sally> hello sam$`, "m"));
      type(run, "hi sally");
      await seed.expectChat(joined.ref, "sam", "hi sally");
      type(run, "/nick samuel");
      await run.waitFor(/! \/nick is not part of the seed rooms protocol/);
      type(run, "/join other");
      await run.waitFor(/joined other/);
      type(run, "/switch seedroom");
      type(run, "in seedroom again");
      await seed.expectChat(joined.ref, "sam", "in seedroom again");
      run.child.stdin?.end(); // the end of input quits
      await seed.expectChat(joined.ref, "sam", "sam has left this chatroom.");
      const { code } = await run.exited;
      assert.equal(code, 0, run.stderr);
    } finally {
      run.kill();
      seed.close();
    }
  });

  it("exits 64 on bad arguments and 1 when no server answers", async () => {
    const missing = runCli(["chat", "127.0.0.1", String(server.port)]);
    assert.equal((await missing.exited).code, 64);
    assert.match(missing.stderr, /--nick/);
    const badPort = runCli(["chat", "127.0.0.1", "99999", "--nick", "x"]);
    assert.equal((await badPort.exited).code, 64);
    const closed = await startRoomsServer("evented");
    const port = closed.port;
    await closed.shutdown();
    const refused = runCli(["chat", "127.0.0.1", String(port), "--nick", "x"], { stdin: "pipe" });
    assert.equal((await refused.exited).code, 1);
    assert.match(refused.stderr, /no server at 127\.0\.0\.1:\d+ \(connection refused\)/);
  });

  it("prints a line that arrives while one is typed above it, without garbling it", async (t) => {
    if (spawnSync("script", ["--version"]).status !== 0) {
      t.skip("util-linux script is not installed");
      return;
    }
    const bob = await connectIrc(server.port, "typist2");
    await joinIrc(bob, "typist2", "#tty");
    const command = [
      process.execPath,
      "--import",
      "tsx",
      "src/cli.ts",
      "chat",
      "127.0.0.1",
      String(server.port),
    ]
      .concat(["--nick", "typist", "--join", "tty"])
      .map((word) => `'${word}'`)
      .join(" ");
    const run = new Run(
      spawn("script", ["-qfec", command, "/dev/null"], {
        cwd: ROOT,
        stdio: ["pipe", "pipe", "pipe"],
        env: { ...process.env, REDIS_URL: "", COLUMNS: "120", LINES: "40", TERM: "xterm" },
      }),
    );
    try {
      await bob.until(/^:typist!\S+ JOIN #tty/, 15_000);
      run.child.stdin?.write("half a li");
      await run.waitFor(/half a li/);
      bob.send("PRIVMSG #tty :interruption\r");
      // The incoming line is printed, then the prompt and the half-typed text are drawn again after it.
      await run.waitFor(/<typist2> interruption[\s\S]*> half a li/);
      run.child.stdin?.write("ne\r");
      await bob.until(/PRIVMSG #tty :half a line/);
      run.child.stdin?.write("/quit\r");
      await run.exited;
    } finally {
      run.kill();
      bob.destroy();
    }
  });
});
