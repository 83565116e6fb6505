// Every collection a client can grow has a bound: WHOWAS, the +b, +e and +I lists (MAXLIST), invitations.
// (MONITOR and CHATHISTORY's limit have theirs in test/rooms/irc/monitor.test.ts and chathistory.test.ts.)
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { DEFAULT_ROOM_LIMITS } from "../../src/rooms/core/registry.js";
import { MAX_INVITED, MAX_INVITES_PER_USER, MAX_USED_INVITES, Room } from "../../src/rooms/core/room.js";
import { MAX_BANS } from "../../src/rooms/irc/limits.js";
import { Irc } from "../support/irc.js";
import { memoryRooms } from "../support/memory-rooms.js";
import { startRoomsServer } from "../support/rooms.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

describe("bounded collections over TCP", { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  const clients: Irc[] = [];
  before(async () => {
    server = await startRoomsServer("evented");
  });
  after(async () => {
    for (const client of clients) client.raw.destroy();
    await server.shutdown();
  });

  it(`keeps ${MAX_BANS} entries in each of +b, +e and +I (MAXLIST) and refuses the next with 478`, async () => {
    const op = await Irc.register(server.port, "listop");
    clients.push(op);
    op.send("JOIN #lists");
    await op.numeric("366");
    for (const mode of ["b", "e", "I"]) {
      for (let i = 0; i < MAX_BANS; i += 4)
        op.send(`MODE #lists +${mode.repeat(4)} ${[0, 1, 2, 3].map((k) => `m${i + k}!*@*`).join(" ")}`);
      op.send(`MODE #lists +${mode} over!*@*`);
      assert.equal(await op.numeric("478"), "listop #lists over!*@* :Channel list is full");
      op.send(`MODE #lists ${mode}`);
      const lines = await op.drain();
      const code = mode === "b" ? "367" : mode === "e" ? "348" : "346";
      assert.equal(lines.filter((line) => line.includes(` ${code} listop #lists `)).length, MAX_BANS);
    }
  });

  it(`remembers the last ${DEFAULT_ROOM_LIMITS.whowasEntries} nicks for WHOWAS, no more`, async () => {
    const changer = await Irc.register(server.port, "w0");
    clients.push(changer);
    const count = DEFAULT_ROOM_LIMITS.whowasEntries + 1;
    let burst = "";
    for (let i = 1; i <= count; i++) burst += `NICK w${i}\r\n`;
    changer.raw.write(burst);
    await changer.expect(new RegExp(`NICK :?w${count}\\r?$`));
    changer.send("WHOWAS w0");
    assert.equal(await changer.numeric("406"), `w${count} w0 :There was no such nickname`);
    changer.send("WHOWAS w1");
    assert.match(await changer.numeric("314"), new RegExp(`^w${count} w1 w0 `));
  });
});

describe("bounded invitations", () => {
  it(`holds at most ${MAX_INVITED} invited users per room: the oldest invitation goes`, () => {
    const { register } = memoryRooms();
    const op = register("inviter");
    op.say("JOIN #invites", "MODE #invites +i");
    const guests = Array.from({ length: MAX_INVITED + 1 }, (_, i) => register(`g${i}`));
    for (let i = 0; i <= MAX_INVITED; i++) op.say(`INVITE g${i} #invites`);
    guests[0]?.conn.take();
    guests[0]?.say("JOIN #invites");
    assert.ok(guests[0]?.conn.take().some((line) => / 473 g0 #invites /.test(line)));
    guests[1]?.say("JOIN #invites");
    assert.ok(guests[1]?.conn.take().some((line) => /^:g1!\S+ JOIN #invites/.test(line)));
  });

  it(`keeps ${MAX_INVITES_PER_USER} invitations per user and ${MAX_USED_INVITES} used ones still to arrive`, () => {
    const room = new Room("#r", "#r", 1, { time: 0, origin: "n", id: "c" });
    for (let i = 0; i < 50; i++) room.invite(7, `i${i}`);
    assert.deepEqual([...(room.invited.get(7) ?? [])], ["i46", "i47", "i48", "i49"]);
    room.useInvites(
      8,
      Array.from({ length: MAX_USED_INVITES + 500 }, (_, i) => `u${i}`),
    );
    assert.equal(room.usedInvites.size, MAX_USED_INVITES);
    assert.ok(room.usedInvites.has(`u${MAX_USED_INVITES + 499}`));
  });
});
