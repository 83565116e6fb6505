// The cluster model as a user runs it: `tcpchat serve --model cluster` as a child process, with line
// services (nothing shared) and with the rooms (shared through the primary process).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CliRun, runCli } from "../support/cli.js";
import { LineClient } from "../support/line-client.js";
import { CLUSTER_ROOMS, connectIrc, joinIrc } from "../support/rooms.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

async function stop(run: CliRun): Promise<void> {
  run.kill("SIGTERM");
  const { code } = await run.exited;
  assert.equal(code, 0, run.stderr);
}

describe("cluster model", { timeout: SUITE_TIMEOUT_MS }, () => {
  it("serves a line service from several processes on one port, and stops on SIGTERM", async () => {
    const run = runCli(["serve", "--service", "echo", "--model", "cluster", "--workers", "2", "--port", "0"]);
    try {
      const port = await run.listening(30_000);
      const clients = await Promise.all(Array.from({ length: 6 }, () => LineClient.connect(port)));
      const replies = await Promise.all(clients.map((client, i) => client.send1(`hello ${i}`)));
      assert.deepEqual(
        replies,
        Array.from({ length: 6 }, (_, i) => `hello ${i}`),
      );
      const closed = clients.map((client) => client.linesUntilClose(10_000));
      await stop(run);
      for (const lines of await Promise.all(closed)) assert.deepEqual(lines, ["Server shutting down"]);
    } finally {
      run.kill();
    }
  });

  it("shares the rooms between its processes through the primary", async () => {
    const run = runCli(CLUSTER_ROOMS);
    const clients: LineClient[] = [];
    try {
      const port = await run.listening(30_000);
      // Connections are dealt to the workers in turn: four clients land on both. (Generous waits: each
      // worker loads the rooms code on its first client, slowly on a busy machine.)
      for (let i = 0; i < 4; i++) clients.push(await connectIrc(port, `c${i}`, "irc.test", 20_000));
      for (const [i, client] of clients.entries()) await joinIrc(client, `c${i}`, "#shared", 20_000);
      const last = clients[3] as LineClient;
      for (const [i, client] of clients.slice(0, 3).entries())
        await client.until(/^:c3!\S+ JOIN #shared/, 10_000).catch((err) => {
          throw new Error(`c${i}: ${err}`);
        });
      last.send("PRIVMSG #shared :to everyone\r");
      for (const client of clients.slice(0, 3))
        assert.match(
          (await client.until(/PRIVMSG #shared/)).at(-1) ?? "",
          /^:c3!c3@127\.0\.0\.1 PRIVMSG #shared :to everyone/,
        );
      // One nick space: c0's nick is taken whichever process c4 lands on.
      const late = await LineClient.connect(port);
      clients.push(late);
      late.write("NICK c0\r\nUSER x 0 * :x\r\n");
      assert.match(await late.nextLine(10_000), /^:irc\.test 433 \* c0 :/);
      clients[0]?.send("NAMES #shared\r");
      const names =
        (await (clients[0] as LineClient).until(/ 366 /)).find((line) => / 353 /.test(line)) ?? "";
      const members = names.trim().split(" :")[1]?.split(" ") ?? [];
      assert.deepEqual(members.map((name) => name.replace(/^[@+]/, "")).sort(), ["c0", "c1", "c2", "c3"]);
      // The creator is an operator. (A join on another process within a millisecond of the creation may
      // create the room there too, making that joiner an operator as well: both nodes then agree on both.)
      assert.ok(members.includes("@c0"), names);
      await stop(run);
    } finally {
      for (const client of clients) client.destroy();
      run.kill();
    }
  });
});
