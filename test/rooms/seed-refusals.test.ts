// What IRC channel modes and the server's limits mean for seed-protocol clients, who cannot see modes: a
// join refused with error 8, a message refused with error 9, a client that stops reading closed with 15.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { Irc } from "../support/irc.js";
import { SeedClient, startRoomsServer } from "../support/rooms.js";

describe("seed clients refused by channel modes and limits", { timeout: 120_000 }, () => {
  let server: RunningServer;
  const open: Array<{ close(): void }> = [];
  const irc = async (nick: string) => {
    const client = await Irc.register(server.port, nick);
    open.push(client);
    return client;
  };
  const seed = async () => {
    const client = await SeedClient.connect(server.port);
    open.push(client);
    return client;
  };
  /** The next error a seed client gets, after whatever CHAT blocks come first (notices of mode changes). */
  const nextError = async (client: SeedClient) => {
    const chats: string[][] = [];
    for (;;) {
      const [first] = await client.block(1);
      if (first?.startsWith("ERROR_CODE: ")) {
        const [description] = await client.block(1);
        return { code: Number(first.slice(12)), description: description ?? "", chats };
      }
      assert.match(first ?? "", /^CHAT: \d+$/);
      chats.push([first as string, ...(await client.block(3))]);
    }
  };
  const joinRequest = (room: string, name: string) => [
    `JOIN_CHATROOM: ${room}`,
    "CLIENT_IP: 0",
    "PORT: 0",
    `CLIENT_NAME: ${name}`,
  ];

  before(async () => {
    server = await startRoomsServer("evented", {}, { limits: { maxSendQueueBytes: 64 * 1024 } });
  });
  after(async () => {
    for (const client of open) client.close();
    await server.shutdown();
  });

  it("+i, +k, +l and +b each refuse a seed join with error 8; lifted, the join goes through", async () => {
    const op = await irc("gatekeeper");
    await op.join("#gate");
    const visitor = await seed();
    const refusedWith = async (modes: string) => {
      op.send(`MODE #gate ${modes}`);
      await op.expect(/ MODE #gate /);
      visitor.send(joinRequest("gate", "visitor"));
      return visitor.expectError(8).catch((err: Error) => {
        throw new Error(`MODE #gate ${modes}: ${err.message}`);
      });
    };
    assert.match(await refusedWith("+i"), /gate/);
    assert.match(await refusedWith("-i+k sesame"), /gate/);
    assert.match(await refusedWith("-k+l sesame 1"), /gate/);
    assert.match(await refusedWith("-l+b visitor!*@*"), /gate/);
    op.send("MODE #gate -b visitor!*@*");
    await op.expect(/ MODE #gate -b /);
    const joined = await visitor.join("gate", "visitor");
    assert.equal(await op.expect(/ JOIN /), ":visitor!visitor@127.0.0.1 JOIN #gate");
    // Nothing else was let through on the way: the operator saw no other join.
    assert.deepEqual(
      (await op.drain()).filter((line) => / JOIN /.test(line)),
      [],
    );
    assert.ok(joined.ref > 0);
  });

  it("+m and a ban refuse a seed member's message with error 9; voice lets it speak", async () => {
    const op = await irc("moderator");
    await op.join("#hall");
    const talker = await seed();
    const joined = await talker.join("hall", "talker");
    await op.expect(/ JOIN #hall/);
    op.send("MODE #hall +m");
    await op.expect(/ MODE #hall \+m/);
    talker.chat(joined, "talker", "may I?");
    const moderated = await nextError(talker);
    assert.equal(moderated.code, 9);
    assert.match(moderated.description, /^ERROR_DESCRIPTION: .*hall/);
    // Whatever came before the error is about the room (a mode change), not its own message.
    for (const chat of moderated.chats) assert.doesNotMatch(chat[2] ?? "", /may I/);
    op.send("MODE #hall +v talker");
    await op.expect(/ MODE #hall \+v talker/);
    talker.chat(joined, "talker", "thank you");
    assert.equal(await op.expect(/ PRIVMSG #hall /), ":talker!talker@127.0.0.1 PRIVMSG #hall :thank you");
    op.send("MODE #hall -mv+b talker talker!*@*");
    await op.expect(/ MODE #hall -mv\+b /);
    talker.chat(joined, "talker", "and now?");
    const banned = await nextError(talker);
    assert.equal(banned.code, 9);
    assert.match(banned.description, /^ERROR_DESCRIPTION: .*hall/);
    for (const chat of banned.chats) assert.doesNotMatch(chat[2] ?? "", /and now/);
    assert.deepEqual(
      (await op.drain()).filter((line) => / PRIVMSG /.test(line)),
      [],
    );
  });

  it("a seed client that stops reading is closed with error 15, its room told it left", async () => {
    const sender = await irc("blaster");
    await sender.join("#firehose");
    const sleeper = await seed();
    const joined = await sleeper.join("firehose", "sleeper");
    await sender.expect(/ JOIN #firehose/);
    sleeper.raw.socket.pause();
    // Batches the server handles one at a time (a round trip after each), until the sleeper is gone:
    // more than the kernel's buffers and the send queue hold.
    const text = "y".repeat(400);
    let quit = "";
    for (let batch = 0; quit === "" && batch < 200; batch++) {
      let lines = "";
      for (let i = 0; i < 250; i++) lines += `PRIVMSG #firehose :${batch}.${i} ${text}\r\n`;
      sender.raw.write(lines);
      quit = (await sender.drain()).find((line) => / QUIT /.test(line)) ?? "";
    }
    assert.equal(quit, ":sleeper!sleeper@127.0.0.1 QUIT :SendQ exceeded");
    sleeper.raw.socket.resume();
    const rest = await sleeper.raw.linesUntilClose();
    assert.deepEqual(rest.slice(-2), [
      "ERROR_CODE: 15",
      "ERROR_DESCRIPTION: send queue exceeded: the client is not reading",
    ]);
    // Before it, whole CHAT blocks of the room's messages, in order, and nothing else.
    const before = rest.slice(0, -2);
    assert.equal(before.length % 4, 0);
    let last = -1;
    for (let at = 0; at < before.length; at += 4) {
      assert.deepEqual(before.slice(at, at + 2), [`CHAT: ${joined.ref}`, "CLIENT_NAME: blaster"]);
      const [batch, i] = (before[at + 2] ?? "")
        .replace(/^MESSAGE: (\d+)\.(\d+) y+$/, "$1 $2")
        .split(" ")
        .map(Number);
      const order = (batch ?? 0) * 250 + (i ?? 0);
      assert.ok(order > last, `${before[at + 2]} after ${last}`);
      last = order;
      assert.equal(before[at + 3], "");
    }
  });
});
