// A room created at the same moment on two workers of `--model cluster` ends with one creator as its one
// operator, seen the same by every member, as IRC networks settle channel timestamps.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";
import type { LineClient } from "../support/line-client.js";
import { CLUSTER_ROOMS, connectIrc } from "../support/rooms.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

/** The NAMES of `channel` as `client` sees them now. */
async function names(client: LineClient, channel: string): Promise<string[]> {
  client.send(`NAMES ${channel}\r`);
  const line = (await client.until(/ 366 /)).find((l) => / 353 /.test(l)) ?? "";
  return (line.trim().split(" :")[1]?.split(" ") ?? []).sort();
}

describe("rooms under --model cluster: a creation race", { timeout: SUITE_TIMEOUT_MS }, () => {
  it("leaves one operator of a room six clients on two workers created at once", async () => {
    const run = runCli(CLUSTER_ROOMS);
    const clients: LineClient[] = [];
    try {
      const port = await run.listening(30_000);
      // Connections are dealt to the workers in turn: three on each.
      for (let i = 0; i < 6; i++) clients.push(await connectIrc(port, `u${i}`, "irc.test", 20_000));
      for (const client of clients) client.send("JOIN #race\r");
      for (const client of clients) await client.until(/ 366 /, 20_000);
      // Each worker applies the other's joins as they come: ask until every client sees all six.
      const deadline = Date.now() + 20_000;
      for (const client of clients)
        while ((await names(client, "#race")).length < 6)
          if (Date.now() > deadline) throw new Error("the workers never agreed on the members");
      const views = await Promise.all(clients.map((client) => names(client, "#race")));
      const first = views[0] as string[];
      for (const view of views) assert.deepEqual(view, first);
      assert.deepEqual(first.map((name) => name.replace(/^@/, "")).sort(), [
        "u0",
        "u1",
        "u2",
        "u3",
        "u4",
        "u5",
      ]);
      assert.equal(first.filter((name) => name.startsWith("@")).length, 1, first.join(" "));
      run.kill("SIGTERM");
      await run.exited;
    } finally {
      for (const client of clients) client.destroy();
      run.kill();
    }
  });
});
