// The seed rooms protocol over real sockets: byte-exact replies, framing, every error code, many clients.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { PROC_NET_MISSING, writeBytewise } from "../support/bytewise.js";
import { LineClient } from "../support/line-client.js";
import { SeedClient, startRoomsServer } from "../support/rooms.js";
import { DEFAULT_WAIT_MS, SUITE_TIMEOUT_MS } from "../support/timing.js";

const JOIN = (room: string, name: string) =>
  `JOIN_CHATROOM: ${room}\nCLIENT_IP: 0\nPORT: 0\nCLIENT_NAME: ${name}\n`;

for (const model of ["evented", "threaded"] as const) {
  describe(`seed rooms protocol (${model})`, { timeout: SUITE_TIMEOUT_MS }, () => {
    let server: RunningServer;
    const open: SeedClient[] = [];
    const connect = async () => {
      const client = await SeedClient.connect(server.port);
      open.push(client);
      return client;
    };

    before(async () => {
      server = await startRoomsServer(model);
    });
    after(async () => {
      for (const client of open) client.close();
      await server.shutdown();
    });

    it("answers HELO with the address and port it listens on and the student id", async () => {
      const client = await connect();
      client.send(["HELO text"]);
      assert.deepEqual(await client.block(4), [
        "HELO text",
        "IP:127.0.0.1",
        `Port:${server.port}`,
        "StudentID:s-test",
      ]);
    });

    it("joins, chats to every member (sender included) and leaves, byte for byte", async () => {
      const alice = await connect();
      const bob = await connect();
      alice.send(["JOIN_CHATROOM: room1", "CLIENT_IP: 0", "PORT: 0", "CLIENT_NAME: alice"]);
      const joined = await alice.block(5);
      assert.equal(joined[0], "JOINED_CHATROOM: room1");
      assert.equal(joined[1], "SERVER_IP: 127.0.0.1");
      assert.equal(joined[2], `PORT: ${server.port}`);
      assert.match(joined[3] ?? "", /^ROOM_REF: \d+$/);
      assert.match(joined[4] ?? "", /^JOIN_ID: \d+$/);
      const a = { ref: Number(joined[3]?.slice(10)), joinId: Number(joined[4]?.slice(9)) };
      await alice.expectChat(a.ref, "alice", "alice has joined this chatroom.");

      const b = await bob.join("room1", "bob");
      assert.equal(b.ref, a.ref, "one room, one ROOM_REF");
      assert.notEqual(b.joinId, a.joinId, "JOIN_ID is per connection");
      await alice.expectChat(a.ref, "bob", "bob has joined this chatroom.");

      alice.chat(a, "alice", "hello room");
      await alice.expectChat(a.ref, "alice", "hello room");
      await bob.expectChat(a.ref, "alice", "hello room");

      bob.leave(b, "bob");
      assert.deepEqual(await bob.block(2), [`LEFT_CHATROOM: ${b.ref}`, `JOIN_ID: ${b.joinId}`]);
      await alice.expectChat(a.ref, "bob", "bob has left this chatroom.");
      // A repeated leave gets the same answer.
      bob.leave(b, "bob");
      assert.deepEqual(await bob.block(2), [`LEFT_CHATROOM: ${b.ref}`, `JOIN_ID: ${b.joinId}`]);
    });

    it("sends no CHAT of a room after its LEFT_CHATROOM, and keeps the other rooms flowing", async () => {
      const carol = await connect();
      const dave = await connect();
      const c1 = await carol.join("quiet", "carol");
      const c2 = await carol.join("loud", "carol");
      const d1 = await dave.join("quiet", "dave");
      await carol.expectChat(c1.ref, "dave", "dave has joined this chatroom.");
      const d2 = await dave.join("loud", "dave");
      await carol.expectChat(c2.ref, "dave", "dave has joined this chatroom.");
      carol.leave(c1, "carol");
      assert.deepEqual(await carol.block(2), [`LEFT_CHATROOM: ${c1.ref}`, `JOIN_ID: ${c1.joinId}`]);
      await dave.expectChat(d1.ref, "carol", "carol has left this chatroom.");
      dave.chat(d1, "dave", "only dave hears this");
      dave.chat(d2, "dave", "both hear this");
      // Carol's next block is from the room she is still in.
      await carol.expectChat(c2.ref, "dave", "both hear this");
      await dave.expectChat(d1.ref, "dave", "only dave hears this");
      await dave.expectChat(d2.ref, "dave", "both hear this");
    });

    it("keeps a ROOM_REF for a room's name after it empties, and gives other rooms other refs", async () => {
      const erin = await connect();
      const first = await erin.join("refs-a", "erin");
      erin.leave(first, "erin");
      await erin.block(2);
      const again = await erin.join("refs-a", "erin");
      const other = await erin.join("refs-b", "erin");
      assert.equal(again.ref, first.ref);
      assert.notEqual(other.ref, first.ref);
      // Joining a room again answers the same block, without a second notice.
      erin.send(["JOIN_CHATROOM: refs-b", "CLIENT_IP: 0", "PORT: 0", "CLIENT_NAME: erin"]);
      assert.deepEqual((await erin.block(5)).slice(3), [
        `ROOM_REF: ${other.ref}`,
        `JOIN_ID: ${other.joinId}`,
      ]);
      erin.send(["HELO still here"]);
      assert.equal((await erin.block(4))[0], "HELO still here");
    });

    it("reads requests cut into single bytes and many requests in one packet", {
      skip: PROC_NET_MISSING,
    }, async () => {
      const frank = await connect();
      // Each byte read by the server on its own before the next is written.
      await writeBytewise(frank.raw.socket, `HELO one\n${JOIN("bytes", "frank")}`);
      assert.equal((await frank.block(4))[0], "HELO one");
      const [, , , refLine, idLine] = await frank.block(5);
      const ref = Number(refLine?.slice(10));
      const id = Number(idLine?.slice(9));
      await frank.expectChat(ref, "frank", "frank has joined this chatroom.");
      const chat = (message: string) =>
        `CHAT: ${ref}\r\nJOIN_ID: ${id}\r\nCLIENT_NAME: frank\r\nMESSAGE: ${message}\r\n\r\n`;
      frank.raw.write(`${chat("one")}${chat("two")}HELO three\n${chat("four")}`);
      await frank.expectChat(ref, "frank", "one");
      await frank.expectChat(ref, "frank", "two");
      assert.equal((await frank.block(4))[0], "HELO three");
      await frank.expectChat(ref, "frank", "four");
    });

    it("answers every malformed or impossible request with its error code", async () => {
      const gina = await connect();
      gina.send(["HELO x"]);
      await gina.block(4);
      gina.send(["NOT_A_REQUEST: 1"]);
      assert.match(await gina.expectError(1), /unknown request/);
      // A misspelt key: one error, and the rest of the broken request is passed over.
      gina.send(["JOIN_CHATROOM: r", "CLIENT_IPP: 0", "PORT: 0", "CLIENT_NAME: gina", "HELO after"]);
      assert.match(await gina.expectError(1), /expects CLIENT_IP/);
      assert.equal((await gina.block(4))[0], "HELO after");
      // A request broken off by the start of another: the error, then the new request.
      gina.send(["CHAT: 1", "HELO interrupted"]);
      assert.match(await gina.expectError(1), /CHAT expects JOIN_ID/);
      assert.equal((await gina.block(4))[0], "HELO interrupted");
      // Unknown client before any join, and an unknown ROOM_REF.
      gina.send(["CHAT: 1", "JOIN_ID: 1", "CLIENT_NAME: gina", "MESSAGE: hi", ""]);
      assert.match(await gina.expectError(3), /join a room first/);
      gina.send(["LEAVE_CHATROOM: 99999", "JOIN_ID: 1", "CLIENT_NAME: gina"]);
      assert.match(await gina.expectError(2), /ROOM_REF "99999"/);
      gina.send(["LEAVE_CHATROOM: abc", "JOIN_ID: 1", "CLIENT_NAME: gina"]);
      await gina.expectError(2);
      // Invalid names.
      gina.send(["JOIN_CHATROOM: has space", "CLIENT_IP: 0", "PORT: 0", "CLIENT_NAME: gina"]);
      assert.match(await gina.expectError(5), /invalid room name/);
      gina.send(["JOIN_CHATROOM: fine", "CLIENT_IP: 0", "PORT: 0", "CLIENT_NAME: 9lives"]);
      assert.match(await gina.expectError(5), /invalid CLIENT_NAME/);
      const g = await gina.join("errors", "gina");
      // A name in use, by another connection.
      const other = await connect();
      other.send(["JOIN_CHATROOM: errors", "CLIENT_IP: 0", "PORT: 0", "CLIENT_NAME: GINA"]);
      assert.match(await other.expectError(6), /in use/);
      // Wrong JOIN_ID and wrong name for this connection.
      gina.chat({ ref: g.ref, joinId: g.joinId + 1000 }, "gina", "x");
      assert.match(await gina.expectError(3), new RegExp(`JOIN_ID is ${g.joinId}`));
      gina.chat(g, "someone", "x");
      assert.match(await gina.expectError(7), /not this connection's name/);
      // CHAT to a room one is not in.
      const h = await other.join("elsewhere", "hal");
      gina.chat({ ref: h.ref, joinId: g.joinId }, "gina", "x");
      assert.match(await gina.expectError(4), /not in the room/);
      // KILL_SERVICE without --allow-kill.
      gina.send(["KILL_SERVICE"]);
      assert.match(await gina.expectError(10), /--allow-kill/);
      // Lines too long and lines that are not UTF-8 keep the connection.
      gina.raw.write(`${"x".repeat(9000)}\n`);
      await gina.expectError(11);
      gina.raw.write(Buffer.from([0x43, 0x48, 0xff, 0xfe, 0x0a]));
      await gina.expectError(12);
      gina.raw.write(Buffer.from([0x00, 0x01, 0x02, 0x80, 0x0a]));
      await gina.expectError(12);
      gina.chat(g, "gina", "still here");
      await gina.expectChat(g.ref, "gina", "still here");
    });

    it("answers a request cut off by the end of input, then closes", async () => {
      const ivy = await connect();
      ivy.raw.write("HELO bye\nJOIN_CHATROOM: cut\nCLIENT_IP: 0\n");
      ivy.raw.end();
      const lines = await ivy.raw.linesUntilClose();
      assert.equal(lines[0], "HELO bye");
      assert.deepEqual(lines.slice(4), [
        "ERROR_CODE: 1",
        "ERROR_DESCRIPTION: invalid message format: incomplete JOIN_CHATROOM request at end of input",
      ]);
    });

    it("leaves every room on DISCONNECT, telling the others, and closes", async () => {
      const jack = await connect();
      const kate = await connect();
      const j1 = await jack.join("d1", "jack");
      const j2 = await jack.join("d2", "jack");
      await kate.join("d1", "kate");
      await jack.expectChat(j1.ref, "kate", "kate has joined this chatroom.");
      await kate.join("d2", "kate");
      await jack.expectChat(j2.ref, "kate", "kate has joined this chatroom.");
      kate.send(["DISCONNECT: 0", "PORT: 0", "CLIENT_NAME: kate"]);
      assert.deepEqual(await kate.raw.linesUntilClose(), []);
      await jack.expectChat(j1.ref, "kate", "kate has left this chatroom.");
      await jack.expectChat(j2.ref, "kate", "kate has left this chatroom.");
    });

    it("lets a client that vanishes mid-request leave its rooms, and frees its name", async () => {
      const leo = await connect();
      const mia = await connect();
      const l = await leo.join("vanish", "leo");
      await mia.join("vanish", "mia");
      await leo.expectChat(l.ref, "mia", "mia has joined this chatroom.");
      mia.raw.write("CHAT: 1\nJOIN_ID: ");
      mia.close();
      await leo.expectChat(l.ref, "mia", "mia has left this chatroom.");
      const again = await connect();
      await again.join("vanish", "mia");
      await leo.expectChat(l.ref, "mia", "mia has joined this chatroom.");
    });

    it("carries many clients in many rooms with nothing lost", async () => {
      const ROOMS = 5;
      // A worker thread per client boots slowly under tsx: fewer of them under `threaded`.
      const CLIENTS = model === "threaded" ? 12 : 40;
      // Their workers all boot at once (about 4 s for 12 on two cores, more beside another test file).
      const firstReply = model === "threaded" ? 2 * DEFAULT_WAIT_MS : undefined;
      const clients = await Promise.all(Array.from({ length: CLIENTS }, () => connect()));
      // Client i is in rooms i % ROOMS and (i + 1) % ROOMS.
      const rooms = (i: number) => [`many${i % ROOMS}`, `many${(i + 1) % ROOMS}`];
      const joins: Array<Array<{ ref: number; joinId: number }>> = [];
      for (const [i, client] of clients.entries()) {
        joins.push([
          await client.join(rooms(i)[0] as string, `m${i}`, firstReply),
          await client.join(rooms(i)[1] as string, `m${i}`),
        ]);
      }
      // Everyone is in; now the join notices of later joiners are flowing. Count CHAT blocks per client.
      const expected = new Map<SeedClient, number>();
      const members = new Map<string, number>();
      for (let i = 0; i < CLIENTS; i++)
        for (const room of rooms(i)) members.set(room, (members.get(room) ?? 0) + 1);
      for (const [i, client] of clients.entries()) {
        for (const joined of joins[i] ?? []) client.chat(joined, `m${i}`, `from m${i}`);
      }
      for (let i = 0; i < CLIENTS; i++) {
        let count = 0;
        for (const room of rooms(i)) count += members.get(room) ?? 0;
        expected.set(clients[i] as SeedClient, count);
      }
      await Promise.all(
        clients.map(async (client, i) => {
          const want = expected.get(client) ?? 0;
          // Every message counted, so that a second delivery of one shows.
          const seen = new Map<string, number>();
          let messages = 0;
          const next = async () => {
            const [chat, name, message, blank] = await client.block(4);
            assert.match(chat ?? "", /^CHAT: \d+$/);
            assert.equal(blank, "");
            return { from: `${chat} ${name} ${message}`, message: message ?? "", name };
          };
          while (messages < want) {
            const block = await next();
            if (!block.message.startsWith("MESSAGE: from ")) continue; // a join notice
            seen.set(block.from, (seen.get(block.from) ?? 0) + 1);
            messages += 1;
          }
          // Then a round trip of its own through its first room: a duplicate would have come before it.
          const own = joins[i]?.[0] as { ref: number; joinId: number };
          client.chat(own, `m${i}`, `sync m${i}`);
          for (;;) {
            const block = await next();
            if (block.name === `CLIENT_NAME: m${i}` && block.message === `MESSAGE: sync m${i}`) break;
            assert.doesNotMatch(block.message, /^MESSAGE: from /, `client m${i}: more than it was sent`);
          }
          assert.equal(seen.size, want, `client m${i}`);
          assert.deepEqual(
            [...seen].filter(([, count]) => count !== 1),
            [],
            `client m${i}: delivered more than once`,
          );
        }),
      );
    });
  });
}

describe("seed rooms protocol: KILL_SERVICE", { timeout: 15_000 }, () => {
  it("stops the server when --allow-kill is given, telling every client", async () => {
    const server = await startRoomsServer("evented", { allowKill: true });
    const watcher = await LineClient.connect(server.port);
    const killer = await SeedClient.connect(server.port);
    watcher.send("HELO watching");
    await watcher.nextLines(4);
    killer.send(["KILL_SERVICE"]);
    await server.stopped;
    assert.deepEqual(await watcher.linesUntilClose(), [
      "ERROR_CODE: 14",
      "ERROR_DESCRIPTION: server shutting down",
    ]);
    killer.close();
  });
});
