// Several rooms nodes as an operator runs them: `tcpchat serve --service rooms` processes sharing one Redis,
// named by REDIS_URL or --bus, under evented or cluster; a node leaving in order or killed; Redis going away.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { cliSuite } from "../support/cli.js";
import { withoutCr } from "../support/line-client.js";
import {
  freePort,
  REDIS_URL,
  redisServerSkipReason,
  redisSkipReason,
  startRedis,
  suitePrefixes,
} from "../support/redis.js";
import { connectIrc, joinIrc, SeedClient } from "../support/rooms.js";
import { DEFAULT_WAIT_MS, SUITE_TIMEOUT_MS } from "../support/timing.js";

const skip = await redisSkipReason();
const ROOMS = ["serve", "--service", "rooms", "--port", "0", "--server-name", "irc.test"];

describe("rooms nodes from the command line, on Redis", { timeout: SUITE_TIMEOUT_MS }, () => {
  const cli = cliSuite();
  const prefix = suitePrefixes(skip);
  const clients: Array<{ destroy(): void }> = [];
  after(() => {
    for (const client of clients) client.destroy();
  });
  const irc = async (port: number, nick: string, channel?: string) => {
    const client = await connectIrc(port, nick);
    clients.push(client);
    if (channel) await joinIrc(client, nick, channel);
    return client;
  };
  const seed = async (port: number) => {
    const client = await SeedClient.connect(port);
    clients.push(client.raw);
    return client;
  };

  it("REDIS_URL stands in for --bus; a node stopped by SIGTERM takes its users out at once", {
    skip,
  }, async () => {
    const env = { REDIS_URL };
    const busPrefix = prefix("env");
    const a = cli.run([...ROOMS, "--bus-prefix", busPrefix], { env });
    const b = cli.run([...ROOMS, "--bus-prefix", busPrefix], { env });
    const [portA, portB] = await Promise.all([a.listening(), b.listening()]);
    const alice = await irc(portA, "alice", "#both");
    // Bob's node must have heard of the room before he joins it, or he would make a second one.
    await irc(portB, "watcher", "#both");
    await alice.until(/^:watcher!\S+ JOIN #both/);
    const bob = await seed(portB);
    const joined = await bob.join("both", "bob");
    assert.equal(withoutCr(await alice.nextLine()), ":bob!bob@127.0.0.1 JOIN #both");
    alice.send("PRIVMSG #both :across the bus\r");
    await bob.expectChat(joined.ref, "alice", "across the bus");

    b.kill("SIGTERM");
    assert.deepEqual(await b.exited, { code: 0, signal: null });
    // Both of its users leave the room on the other node, each once.
    const quits = [
      withoutCr((await alice.until(/ QUIT /)).at(-1) ?? ""),
      withoutCr((await alice.until(/ QUIT /)).at(-1) ?? ""),
    ].sort();
    assert.deepEqual(
      quits.map((line) => line.replace(/ QUIT :(Node lost|Server shutting down)$/, "")),
      [":bob!bob@127.0.0.1", ":watcher!watcher@127.0.0.1"],
    );
    alice.send("NAMES #both\r");
    assert.match(withoutCr((await alice.until(/ 353 /)).at(-1) ?? ""), / :@alice$/);
    // Their nicks are free on the other node as soon as they are gone.
    await irc(portA, "bob", "#again");
    a.kill("SIGTERM");
    assert.deepEqual(await a.exited, { code: 0, signal: null });
  });

  it("a node killed with SIGKILL: seed clients on the others are told its users left", { skip }, async () => {
    const bus = ["--bus", REDIS_URL, "--bus-prefix", prefix("lost")];
    const a = cli.run([...ROOMS, ...bus]);
    const b = cli.run([...ROOMS, ...bus]);
    const [portA, portB] = await Promise.all([a.listening(), b.listening()]);
    const keeper = await irc(portA, "keeper", "#vigil");
    const watcher = await seed(portA);
    const joined = await watcher.join("vigil", "watcher");
    await keeper.until(/^:watcher!\S+ JOIN #vigil/);
    const doomed = await irc(portB, "doomed", "#vigil");
    await keeper.until(/^:doomed!\S+ JOIN #vigil/);
    await watcher.expectChat(joined.ref, "doomed", "doomed has joined this chatroom.");
    b.kill("SIGKILL");
    await b.exited;
    doomed.destroy();
    // The heartbeat expires; the seed client gets the same notice as for anyone who leaves.
    await watcher.expectChat(joined.ref, "doomed", "doomed has left this chatroom.");
    assert.equal(
      withoutCr((await keeper.until(/ QUIT /)).at(-1) ?? ""),
      ":doomed!doomed@127.0.0.1 QUIT :Node lost",
    );
    a.kill("SIGTERM");
    assert.equal((await a.exited).code, 0);
  });

  it("--model cluster with --bus: its processes and another node share the rooms", { skip }, async () => {
    const bus = ["--bus", REDIS_URL, "--bus-prefix", prefix("cluster")];
    const cluster = cli.run([...ROOMS, "--model", "cluster", "--workers", "2", ...bus]);
    const single = cli.run([...ROOMS, ...bus]);
    // (Each cluster worker loads the code under tsx: slow on a busy machine.)
    const [portC, portS] = await Promise.all([cluster.listening(3 * DEFAULT_WAIT_MS), single.listening()]);
    // Connections are dealt to the cluster's workers in turn: two clients land on both.
    const c0 = await irc(portC, "c0", "#mixed");
    const outside = await irc(portS, "outside", "#mixed");
    await c0.until(/^:outside!\S+ JOIN #mixed/);
    const c1 = await irc(portC, "c1", "#mixed");
    for (const client of [c0, outside]) await client.until(/^:c1!\S+ JOIN #mixed/);
    c1.send("PRIVMSG #mixed :from the cluster\r");
    outside.send("PRIVMSG #mixed :from outside\r");
    assert.equal(
      withoutCr((await outside.until(/ PRIVMSG /)).at(-1) ?? ""),
      ":c1!c1@127.0.0.1 PRIVMSG #mixed :from the cluster",
    );
    for (const client of [c0, c1])
      assert.equal(
        withoutCr((await client.until(/ PRIVMSG #mixed :from outside/)).at(-1) ?? ""),
        ":outside!outside@127.0.0.1 PRIVMSG #mixed :from outside",
      );
    // One nick space across all of them.
    const late = await irc(portS, "late");
    late.send("NICK c0\r");
    assert.match(withoutCr(await late.nextLine()), /^:irc\.test 433 late c0 :/);
    for (const run of [cluster, single]) run.kill("SIGTERM");
    for (const run of [cluster, single]) assert.equal((await run.exited).code, 0, run.stderr);
  });

  it("Redis going away: a seed client's message is told with error 16 that it reached this node only", {
    skip: skip || redisServerSkipReason(),
  }, async () => {
    const port = await freePort();
    const redis = await startRedis(port);
    try {
      const bus = ["--bus", `redis://127.0.0.1:${port}`, "--bus-prefix", "outage"];
      const a = cli.run([...ROOMS, ...bus]);
      const b = cli.run([...ROOMS, ...bus]);
      const [portA, portB] = await Promise.all([a.listening(), b.listening()]);
      const near = await irc(portA, "near", "#cut");
      const far = await irc(portB, "far", "#cut");
      await near.until(/^:far!\S+ JOIN #cut/);
      const speaker = await seed(portA);
      const joined = await speaker.join("cut", "speaker");
      await far.until(/^:speaker!\S+ JOIN #cut/);
      const gone = new Promise((resolve) => redis.once("exit", resolve));
      redis.kill("SIGKILL");
      await gone;
      // Once the node knows (its log says so), a message that would have crossed the bus is answered.
      await a.waitFor(/bus down/, "stderr");
      speaker.chat(joined, "speaker", "is anyone out there?");
      await speaker.expectChat(joined.ref, "speaker", "is anyone out there?");
      assert.equal(
        withoutCr((await near.until(/ PRIVMSG /)).at(-1) ?? ""),
        ":speaker!speaker@127.0.0.1 PRIVMSG #cut :is anyone out there?",
      );
      // The error comes next, or after the notice that the far side's users left (if the node gave up
      // waiting for the bus meanwhile).
      let [first, second] = await speaker.block(2);
      if (first === `CHAT: ${joined.ref}`) {
        assert.deepEqual(
          [second, ...(await speaker.block(2))],
          ["CLIENT_NAME: far", "MESSAGE: far has left this chatroom.", ""],
        );
        [first, second] = await speaker.block(2);
      }
      assert.deepEqual(
        [first, second],
        [
          "ERROR_CODE: 16",
          "ERROR_DESCRIPTION: The link to the other nodes is down: your messages reach this node's users only until it is back",
        ],
      );
    } finally {
      redis.kill("SIGKILL");
    }
  });
});
