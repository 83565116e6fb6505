// Nodes on the Redis bus when things fail: a node killed with SIGKILL leaves no ghosts, and Redis going
// away (a Redis of the test's own, restarted during traffic) neither stops a node nor loses track of users.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { type CliRun, runCli } from "../support/cli.js";
import type { LineClient } from "../support/line-client.js";
import {
  exited,
  freePort,
  REDIS_URL,
  redisServerSkipReason,
  redisSkipReason,
  startRedis,
  suitePrefixes,
} from "../support/redis.js";
import { connectIrc, joinIrc, startRoomsServer } from "../support/rooms.js";

const skip = await redisSkipReason();

describe("rooms nodes on Redis, when things fail", { timeout: 90_000 }, () => {
  const prefix = suitePrefixes(skip);

  it("drops the users of a node killed with SIGKILL from every room, and frees their nicks", {
    skip,
  }, async () => {
    const args = ["serve", "--service", "rooms", "--port", "0", "--server-name", "irc.test"];
    const bus = ["--bus", REDIS_URL, "--bus-prefix", prefix("kill")];
    const runs: CliRun[] = [runCli([...args, ...bus]), runCli([...args, ...bus])];
    const clients: LineClient[] = [];
    try {
      const [portA, portB] = await Promise.all(runs.map((run) => run.listening(30_000)));
      const survivor = await connectIrc(portA as number, "survivor");
      clients.push(survivor);
      await joinIrc(survivor, "survivor", "#ghosts");
      const doomed = await connectIrc(portB as number, "doomed");
      clients.push(doomed);
      await joinIrc(doomed, "doomed", "#ghosts");
      await survivor.until(/^:doomed!\S+ JOIN #ghosts/);
      runs[1]?.kill("SIGKILL");
      // Heartbeats expire after 3 s and are checked every second.
      const quit = (await survivor.until(/^:doomed!\S+ QUIT /, 15_000)).at(-1) ?? "";
      assert.match(quit, /QUIT :Node lost/);
      survivor.send("NAMES #ghosts\r");
      assert.match((await survivor.until(/ 353 /)).at(-1) ?? "", / :@survivor\r$/);
      const again = await connectIrc(portA as number, "doomed");
      clients.push(again);
    } finally {
      for (const client of clients) client.destroy();
      for (const run of runs) run.kill();
    }
  });

  it("keeps a node's users talking while Redis is down, and reunites the nodes when it is back", {
    skip: redisServerSkipReason(),
  }, async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    let redis = await startRedis(port);
    const bus = { bus: url, busPrefix: prefix("restart") };
    const nodes: RunningServer[] = [];
    const clients: LineClient[] = [];
    try {
      nodes.push(await startRoomsServer("evented", bus), await startRoomsServer("evented", bus));
      const [a, b] = nodes as [RunningServer, RunningServer];
      const a1 = await connectIrc(a.port, "a1");
      const a2 = await connectIrc(a.port, "a2");
      const b1 = await connectIrc(b.port, "b1");
      clients.push(a1, a2, b1);
      await joinIrc(b1, "b1", "#r");
      await joinIrc(a1, "a1", "#r");
      await joinIrc(a2, "a2", "#r");
      await b1.until(/^:a2!\S+ JOIN #r/);
      await a1.until(/^:a2!\S+ JOIN #r/);

      redis.kill("SIGKILL");
      await exited(redis);
      // The node's own users still talk; the sender is told the other node did not get it.
      a1.send("PRIVMSG #r :while redis is down\r");
      await a2.until(/^:a1!\S+ PRIVMSG #r :while redis is down/);
      await a1.until(/NOTICE a1 :The link to the other nodes is down/, 10_000);
      // Each side drops the other's users after the timeout, with a QUIT.
      await a2.until(/^:b1!\S+ QUIT :Lost the link to its node/, 15_000);
      await b1.until(/^:a1!\S+ QUIT :Lost the link to its node/, 15_000);

      redis = await startRedis(port);
      // Back: each node announces its users again, and they rejoin the room on the other side.
      await a2.until(/^:b1!\S+ JOIN #r/, 20_000);
      await b1.until(/^:a2!\S+ JOIN #r/, 20_000);
      b1.send("PRIVMSG #r :after the restart\r");
      await a1.until(/^:b1!\S+ PRIVMSG #r :after the restart/);
      await a2.until(/^:b1!\S+ PRIVMSG #r :after the restart/);
    } finally {
      for (const client of clients) client.destroy();
      await Promise.all(nodes.map((node) => node.shutdown()));
      redis.kill("SIGKILL");
      await exited(redis);
    }
  });
});
