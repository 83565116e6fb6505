// Read markers in the core: per account, only forward, never past the clock, told to the account's users;
// and across two nodes joined by their replicators on the in-memory bus and on Redis, where each node's
// users of the account are told and markers set at once on both end at the later everywhere.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { Replicator } from "../../../src/rooms/bus/replicator.js";
import { ManualClock } from "../../../src/rooms/core/clock.js";
import type { ReadMarker } from "../../../src/rooms/core/read-markers.js";
import { DEFAULT_ROOM_LIMITS, RoomRegistry } from "../../../src/rooms/core/registry.js";
import { User } from "../../../src/rooms/core/user.js";
import { transportBackends } from "../../support/rooms.js";
import { eventually } from "../../support/wait.js";
import { RecordingFrontend, recordingRegistry } from "./recorder.js";

const log = pino({ level: "silent" });

describe("rooms core: read markers", () => {
  it("moves an account's marker forward only, never past now, told to that account's users", () => {
    const clock = new ManualClock(1_000_000);
    const { registry, ops, user, frontend } = recordingRegistry({}, clock);
    const one = user("one");
    const two = user("two");
    const stranger = user("stranger");
    const anonymous = user("anonymous");
    registry.setAccount(one, "Reader");
    registry.setAccount(two, "reader");
    registry.setAccount(stranger, "other");
    frontend.clear();
    assert.equal(registry.markRead(anonymous, "#r", 10), null, "no account: nothing kept by the core");
    assert.equal(registry.markRead(one, "#R", 500), 500);
    assert.deepEqual(
      frontend.of("markread").map((d) => [d.event.target, d.event.read, d.to.sort()]),
      [["#R", 500, ["one", "two"]]],
    );
    assert.equal(registry.readMarkers.get("READER", "#r"), 500);
    // Earlier or equal: the marker in force, no operation.
    const count = ops.length;
    assert.equal(registry.markRead(two, "#r", 400), 500);
    assert.equal(registry.markRead(two, "#r", 500), 500);
    assert.equal(ops.length, count);
    // Past the clock: now.
    assert.equal(registry.markRead(two, "#r", 5_000_000), 1_000_000);
    assert.deepEqual(ops.at(-1), {
      ...ops.at(-1),
      t: "markread",
      account: "reader",
      target: "#r",
      read: 1_000_000,
    });
    // Another node's operation applies without checks, and only forward.
    registry.apply({
      t: "markread",
      account: "reader",
      target: "#r",
      read: 10,
      time: 1,
      origin: "x",
      id: "x1",
    });
    assert.equal(registry.readMarkers.get("reader", "#r"), 1_000_000);
    registry.apply({
      t: "markread",
      account: "other",
      target: "nick",
      read: 7,
      time: 1,
      origin: "x",
      id: "x2",
    });
    assert.deepEqual(frontend.of("markread").at(-1)?.to, ["stranger"]);
  });

  it("loads the store's markers and tells it of each that moves, saying which were decided here", async () => {
    const { registry, user } = recordingRegistry({}, new ManualClock(1_000));
    const moved: Array<[ReadMarker, boolean]> = [];
    await registry.readMarkers.follow({
      load: async () => [{ account: "kept", target: "#k", time: 300 }],
      moved: (marker, local) => moved.push([marker, local]),
    });
    assert.equal(registry.readMarkers.get("KEPT", "#K"), 300);
    const kept = user("kept");
    registry.setAccount(kept, "Kept");
    registry.markRead(kept, "#K", 200);
    registry.markRead(kept, "#K", 400);
    registry.apply({
      t: "markread",
      account: "Kept",
      target: "#K",
      read: 450,
      time: 1,
      origin: "x",
      id: "x1",
    });
    assert.deepEqual(moved, [
      [{ account: "kept", target: "#k", time: 400 }, true],
      [{ account: "kept", target: "#k", time: 450 }, false],
    ]);
  });
});

const BACKENDS = await transportBackends("read-markers");

for (const backend of BACKENDS) {
  describe(`rooms core: read markers across nodes (${backend.name})`, { timeout: 30_000 }, () => {
    it("tells the account's users on every node, and settles markers set at once on the later", {
      skip: backend.skip,
    }, async () => {
      const { transport, cleanup } = backend.open();
      const registries: RoomRegistry[] = [];
      const replicators: Replicator[] = [];
      const frontends: RecordingFrontend[] = [];
      const users: User[] = [];
      try {
        for (let n = 0; n < 2; n++) {
          const registry = new RoomRegistry(DEFAULT_ROOM_LIMITS);
          const replicator = new Replicator(registry, transport(), log, () => {});
          await replicator.start();
          const frontend = new RecordingFrontend();
          const user = new User(registry.userId(n + 1), "irc", frontend, `reader${n}`, "host", Date.now());
          registry.add(user);
          registry.setAccount(user, "reader");
          registries.push(registry);
          replicators.push(replicator);
          frontends.push(frontend);
          users.push(user);
        }
        const [first, second] = registries as [RoomRegistry, RoomRegistry];
        const [one, two] = users as [User, User];
        await eventually(
          () => registries.every((r) => r.usersById.size === 2),
          "each node to know both users",
        );
        const now = Date.now();
        first.markRead(one, "#shared", now - 5000);
        await eventually(
          () => second.readMarkers.get("reader", "#shared") === now - 5000,
          "the marker to arrive",
        );
        assert.deepEqual(
          frontends[1]?.of("markread").map((d) => [d.event.target, d.event.read, d.to]),
          [["#shared", now - 5000, ["reader1"]]],
        );
        // At once on both nodes: each applies its own first, then the other's only if later.
        first.markRead(one, "#both", now - 3000);
        second.markRead(two, "#both", now - 4000);
        await eventually(
          () => registries.every((r) => r.readMarkers.get("reader", "#both") === now - 3000),
          "both nodes to hold the later marker",
        );
      } finally {
        await Promise.all(replicators.map((replicator) => replicator.close()));
        await cleanup();
      }
    });
  });
}
