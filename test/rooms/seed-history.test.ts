// --seed-history: a seed-protocol client joining a room gets its last lines as CHAT blocks between
// JOINED_CHATROOM and its join notice; requests sent right behind the join wait for it, in order. Without
// the option, replies stay byte-exact: nothing is replayed.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { Irc } from "../support/irc.js";
import { SeedClient, startRoomsServer } from "../support/rooms.js";
import { sqliteStore, type TestStore } from "../support/stores.js";

describe("seed history on join", () => {
  const servers: RunningServer[] = [];
  const closers: Array<{ close(): void }> = [];
  const stores: TestStore[] = [];
  after(async () => {
    for (const c of closers) c.close();
    await Promise.all(servers.map((s) => s.shutdown()));
    for (const store of stores) await store.remove();
  });

  async function roomWithHistory(seedHistory: number) {
    const store = sqliteStore();
    stores.push(store);
    const server = await startRoomsServer("evented", { seedHistory, ...store.config });
    servers.push(server);
    const alice = await Irc.register(server.port, "alice");
    closers.push(alice);
    await alice.join("#s");
    for (const text of ["one", "two", "\x01ACTION waves\x01", "\x01VERSION\x01", "four"])
      alice.send(`PRIVMSG #s :${text}`);
    await alice.drain();
    return server;
  }

  it("sends the last N lines as CHAT blocks before the join notice", async () => {
    const server = await roomWithHistory(3);
    const bob = await SeedClient.connect(server.port);
    closers.push(bob);
    // The join and a CHAT right behind it, in one packet: the CHAT waits for the join.
    bob.send(["JOIN_CHATROOM: s", "CLIENT_IP: 0", "PORT: 0", "CLIENT_NAME: bob"]);
    const reply = await bob.block(5);
    assert.equal(reply[0], "JOINED_CHATROOM: s");
    const ref = Number(reply[3]?.replace("ROOM_REF: ", ""));
    const joinId = Number(reply[4]?.replace("JOIN_ID: ", ""));
    bob.chat({ ref, joinId }, "bob", "hello");
    // The last three messages; a CTCP other than ACTION has no seed form and is left out.
    await bob.expectChat(ref, "alice", "* alice waves");
    await bob.expectChat(ref, "alice", "four");
    await bob.expectChat(ref, "bob", "bob has joined this chatroom.");
    await bob.expectChat(ref, "bob", "hello");
  });

  it("replays nothing by default: the reply and the notice, byte for byte", async () => {
    const server = await roomWithHistory(0);
    const carol = await SeedClient.connect(server.port);
    closers.push(carol);
    const joined = await carol.join("s", "carol");
    carol.chat(joined, "carol", "hi");
    await carol.expectChat(joined.ref, "carol", "hi");
  });
});
