// A line service's client that does not read: the server stops reading it while its replies wait
// (back-pressure), and closes it only if even so they outgrow --max-send-queue. Through the real command.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PROC_NET_MISSING, peerStoppedReading } from "../support/bytewise.js";
import { cliSuite } from "../support/cli.js";
import { LineClient } from "../support/line-client.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

/** Far more than the kernel's buffers and the default send queue (1 MiB) hold: 48 MB of lines. */
const LINES = 48_000;
const line = (i: number) => `${String(i).padStart(6, "0")} ${"z".repeat(990)}`;
const flood = () => Array.from({ length: LINES }, (_, i) => `${line(i)}\n`).join("");

describe("line services and a client that does not read", { timeout: SUITE_TIMEOUT_MS }, () => {
  const cli = cliSuite();

  it("back-pressure: the server stops reading until the client reads, then answers every line", {
    skip: PROC_NET_MISSING,
  }, async () => {
    const run = cli.run(["serve", "--service", "echo", "--port", "0", "--log-format", "json"]);
    const client = await LineClient.connect(await run.listening());
    try {
      client.socket.pause();
      client.write(flood());
      // The input backs up to us: the server has stopped reading it, its replies unread.
      await peerStoppedReading(client.socket);
      client.socket.resume();
      const echoed = await client.nextLines(LINES, 120_000);
      for (let i = 0; i < LINES; i++)
        if (echoed[i] !== line(i)) assert.fail(`line ${i}: ${echoed[i]?.slice(0, 20)}`);
      // Still connected, and nobody was dropped.
      client.send("bye");
      assert.deepEqual(await client.linesUntilClose(), ["Bye"]);
      run.kill("SIGTERM");
      assert.equal((await run.exited).code, 0);
      assert.doesNotMatch(run.stderr, /send queue exceeded/);
    } finally {
      client.destroy();
    }
  });

  it("--max-send-queue: a client whose replies outgrow it is closed, and the server says so", async () => {
    const run = cli.run([
      "serve",
      "--service",
      "echo",
      "--port",
      "0",
      "--log-format",
      "json",
      "--max-send-queue",
      "65536",
    ]);
    const client = await LineClient.connect(await run.listening());
    try {
      client.socket.pause();
      client.write(flood());
      const warning = await run.waitFor(/^.*"msg":"send queue exceeded, closing".*$/m, "stderr");
      const record = JSON.parse(warning[0]) as { level: number; queued: number };
      assert.equal(record.level, 40);
      assert.ok(record.queued > 65536, warning[0]);
      client.socket.resume();
      // What it had been sent, in order, then the end (a reset: the server dropped the input it had not read).
      const echoed = await client.linesUntilClose(60_000, { reset: true });
      assert.ok(echoed.length < LINES, `${echoed.length} lines`);
      for (let i = 0; i < echoed.length; i++)
        if (echoed[i] !== line(i)) assert.fail(`line ${i}: ${echoed[i]?.slice(0, 20)}`);
      run.kill("SIGTERM");
      assert.equal((await run.exited).code, 0);
    } finally {
      client.destroy();
    }
  });
});
