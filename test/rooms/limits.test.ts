// Limits and abuse: a client that never reads, floods, too many connections from one address, too many
// rooms or members, and a thousand clients in ten rooms with nothing lost.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { DEFAULT_ROOM_LIMITS } from "../../src/rooms/core/registry.js";
import { LineClient } from "../support/line-client.js";
import {
  connectIrc as ircClient,
  joinIrc as joinChannel,
  SeedClient,
  startRoomsServer,
} from "../support/rooms.js";

async function withServer(
  server: RunningServer,
  clients: Array<{ destroy(): void }>,
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } finally {
    for (const client of clients) client.destroy();
    await server.shutdown();
  }
}

describe("rooms limits", { timeout: 60_000 }, () => {
  it("closes a client that stops reading with SendQ exceeded; the others get every message", async () => {
    // The grace a closing socket gets to flush outlasts the test, so on a loaded machine the sleeper still finds
    // its last line when it reads again, however long the batches took.
    const server = await startRoomsServer(
      "evented",
      {},
      { limits: { maxSendQueueBytes: 128 * 1024, closeGraceMs: 120_000 } },
    );
    const clients: LineClient[] = [];
    await withServer(server, clients, async () => {
      const [sender, reader, sleeper] = await Promise.all([
        ircClient(server.port, "sender"),
        ircClient(server.port, "reader"),
        ircClient(server.port, "sleeper"),
      ]);
      clients.push(sender, reader, sleeper);
      for (const [client, nick] of [
        [sender, "sender"],
        [reader, "reader"],
        [sleeper, "sleeper"],
      ] as const)
        await joinChannel(client, nick, "#sendq");
      await reader.until(/JOIN #sendq/); // the sleeper's join
      await sender.until(/sleeper!.* JOIN #sendq/);
      sleeper.socket.pause();
      // Far more than the kernel's buffers and the send queue hold, in batches the reader keeps up with:
      // the reader gets every message, in order, and the sleeper's QUIT somewhere among them.
      const COUNT = 40_000;
      const BATCH = 500;
      const text = "x".repeat(400);
      let next = 0;
      let quit = false;
      for (let start = 0; start < COUNT; start += BATCH) {
        let batch = "";
        for (let i = start; i < start + BATCH; i++) batch += `PRIVMSG #sendq :${i} ${text}\r\n`;
        sender.write(batch);
        while (next < start + BATCH) {
          const line = await reader.nextLine(30_000);
          if (/^:sleeper!\S+ QUIT :SendQ exceeded/.test(line)) quit = true;
          else assert.equal(line, `:sender!sender@127.0.0.1 PRIVMSG #sendq :${next++} ${text}\r`);
        }
      }
      if (!quit) await reader.until(/^:sleeper!\S+ QUIT :SendQ exceeded/);
      await sender.until(/^:sleeper!\S+ QUIT :SendQ exceeded/);
      // The sleeper's socket is closed by the server once its grace to flush is over, or at once if it reads.
      sleeper.socket.resume();
      const tail = await sleeper.linesUntilClose(10_000);
      assert.equal(tail.at(-1), "ERROR :SendQ exceeded\r");
    });
  });

  it("delays a burst beyond the flood limit and drops a client that floods on", async () => {
    const server = await startRoomsServer("evented", { flood: { enabled: true, burst: 5, perSecond: 50 } });
    const clients: LineClient[] = [];
    await withServer(server, clients, async () => {
      const polite = await ircClient(server.port, "polite");
      const flooder = await ircClient(server.port, "flooder");
      clients.push(polite, flooder);
      await joinChannel(polite, "polite", "#flood");
      await joinChannel(flooder, "flooder", "#flood");
      await polite.until(/^:flooder!\S+ JOIN #flood/);
      // 20 lines at once: over the burst, but answered in order, none dropped.
      let pings = "";
      for (let i = 0; i < 20; i++) pings += `PING :p${i}\r\n`;
      polite.write(pings);
      const pongs = await polite.nextLines(20);
      assert.deepEqual(
        pongs.map((line) => line.replace(/^.* :/, "").replace("\r", "")),
        Array.from({ length: 20 }, (_, i) => `p${i}`),
      );
      // 500 at once: more than the backlog a client may have waiting.
      let flood = "";
      for (let i = 0; i < 500; i++) flood += `PRIVMSG #flood :${i}\r\n`;
      flooder.write(flood);
      const last = await flooder.linesUntilClose();
      assert.equal(last.at(-1), "ERROR :Excess Flood\r");
      await polite.until(/^:flooder!\S+ QUIT :Excess Flood/);
      // The seed protocol says it in its own words.
      const seed = await SeedClient.connect(server.port);
      clients.push(seed.raw);
      await seed.join("seedflood", "seedflooder");
      seed.raw.write("HELO x\n".repeat(500));
      const lines = await seed.raw.linesUntilClose();
      assert.deepEqual(lines.slice(-2), [
        "ERROR_CODE: 13",
        "ERROR_DESCRIPTION: Excess Flood: too many requests too fast",
      ]);
    });
  });

  it("takes any burst with flood control off", async () => {
    const server = await startRoomsServer("evented", { flood: { enabled: false, burst: 5, perSecond: 1 } });
    const clients: LineClient[] = [];
    await withServer(server, clients, async () => {
      const fast = await ircClient(server.port, "fast");
      clients.push(fast);
      fast.write("PING :x\r\n".repeat(1000));
      assert.equal((await fast.nextLines(1000)).length, 1000);
    });
  });

  it("limits connections per address, loopback only when asked", async () => {
    const limited = await startRoomsServer("evented", { maxClientsPerIp: 2, limitLoopback: true });
    const clients: LineClient[] = [];
    await withServer(limited, clients, async () => {
      clients.push(await ircClient(limited.port, "one"), await ircClient(limited.port, "two"));
      const third = await LineClient.connect(limited.port);
      clients.push(third);
      assert.deepEqual(await third.linesUntilClose(), ["ERROR :Too many connections from your IP address\r"]);
      // Once one leaves, a new one gets in (as soon as the server has seen it go).
      clients[0]?.send("QUIT\r");
      await clients[0]?.closed;
      for (let attempt = 1; ; attempt++) {
        const next = await LineClient.connect(limited.port);
        clients.push(next);
        next.write("NICK three\r\nUSER three 0 * :three\r\n");
        const line = await next.nextLine();
        if (line.startsWith(":irc.test 001 three ")) break;
        await next.closed;
        assert.ok(attempt < 1000, `still refused: ${line}`);
      }
    });
    const exempt = await startRoomsServer("evented", { maxClientsPerIp: 2 });
    const many: LineClient[] = [];
    await withServer(exempt, many, async () => {
      for (let i = 0; i < 5; i++) many.push(await ircClient(exempt.port, `lo${i}`));
    });
  });

  it("limits rooms per user and members per room, in both protocols", async () => {
    const server = await startRoomsServer("evented", {
      limits: { ...DEFAULT_ROOM_LIMITS, maxRoomsPerUser: 2, maxMembersPerRoom: 2 },
    });
    const clients: Array<{ destroy(): void }> = [];
    await withServer(server, clients, async () => {
      const irc = await ircClient(server.port, "roomy");
      clients.push(irc);
      await joinChannel(irc, "roomy", "#r1");
      await joinChannel(irc, "roomy", "#r2");
      irc.send("JOIN #r3\r");
      assert.match((await irc.nextLine()).trim(), /^:irc\.test 405 roomy #r3 :/);
      const seed = await SeedClient.connect(server.port);
      clients.push(seed.raw);
      await seed.join("r1", "seedy");
      const third = await SeedClient.connect(server.port);
      clients.push(third.raw);
      third.send(["JOIN_CHATROOM: r1", "CLIENT_IP: 0", "PORT: 0", "CLIENT_NAME: third"]);
      assert.match(await third.expectError(8), /full/);
      const ircThird = await ircClient(server.port, "late");
      clients.push(ircThird);
      ircThird.send("JOIN #r1\r");
      assert.match((await ircThird.nextLine()).trim(), /^:irc\.test 471 late #r1 :/);
      await seed.join("r4", "seedy");
      seed.send(["JOIN_CHATROOM: r5", "CLIENT_IP: 0", "PORT: 0", "CLIENT_NAME: seedy"]);
      assert.match(await seed.expectError(8), /too many rooms/);
    });
  });

  it("carries 1,000 IRC clients in 10 rooms exchanging messages with none lost", {
    timeout: 120_000,
  }, async () => {
    const server = await startRoomsServer("evented");
    const CLIENTS = 1000;
    const ROOMS = 10;
    const clients: LineClient[] = [];
    await withServer(server, clients, async () => {
      for (let start = 0; start < CLIENTS; start += 100) {
        const wave = await Promise.all(
          Array.from({ length: 100 }, async (_, k) => {
            const i = start + k;
            const client = await ircClient(server.port, `u${i}`);
            await joinChannel(client, `u${i}`, `#room${i % ROOMS}`);
            return client;
          }),
        );
        clients.push(...wave);
      }
      // Everyone is in: forget the join lines, then each client says one line in its room.
      // (The last joiner of each room has seen its own JOIN already.)
      await Promise.all(
        clients.map((client, i) =>
          i >= CLIENTS - ROOMS
            ? null
            : client.until(new RegExp(`u${CLIENTS - ROOMS + (i % ROOMS)}!\\S+ JOIN`)),
        ),
      );
      for (const client of clients) client.lines.splice(0);
      for (const [i, client] of clients.entries())
        client.send(`PRIVMSG #room${i % ROOMS} :hello from u${i}\r`);
      const perRoom = CLIENTS / ROOMS;
      await Promise.all(
        clients.map(async (client, i) => {
          const lines = await client.nextLines(perRoom - 1, 60_000);
          const senders = new Set(lines.map((line) => /hello from (u\d+)/.exec(line)?.[1]));
          assert.equal(senders.size, perRoom - 1, `u${i} heard everyone in its room once`);
          assert.ok(!senders.has(`u${i}`), "no echo without echo-message");
          for (const sender of senders) assert.equal(Number(sender?.slice(1)) % ROOMS, i % ROOMS);
        }),
      );
    });
  });
});
