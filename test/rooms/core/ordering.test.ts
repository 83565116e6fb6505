// Operations that overtake each other on the scheduling test bus, each case set up exactly: a join that
// reaches a third node before the kick it followed, an invitation used before it arrives, SAJOIN and
// SAPART decided by the target's node, rooms emptied and made again, a room made at once on two nodes whose
// maker leaves at once. Each ends the same on every node, and every node's members are told alike.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Operation } from "../../../src/rooms/core/operations.js";
import { RoomError, type RoomRegistry } from "../../../src/rooms/core/registry.js";
import type { Room } from "../../../src/rooms/core/room.js";
import type { User } from "../../../src/rooms/core/user.js";
import { Network } from "./network.js";
import { checkConverged, type HearingFrontend, joinAll, opEveryone, stateOf } from "./scenario.js";

/** Three nodes (users 0 and 1 on node 0, 2 and 3 on node 1, 4 and 5 on node 2), everyone in #a and #b. */
function network(causal = false) {
  const net = new Network(causal);
  net.settle();
  joinAll(net);
  net.settle();
  opEveryone(net);
  net.settle();
  const registry = (n: number) => net.registries[n] as RoomRegistry;
  const user = (u: number) => net.users[u] as User;
  /** User `u` as node `n` holds it. */
  const on = (n: number, u: number) => registry(n).usersById.get(user(u).id) as User;
  const room = (n: number, name: string) => registry(n).findRoom(name) as Room;
  /** What node n's user `u` was told of `subject`'s memberships in `name`. */
  const told = (n: number, u: number, name: string, subject: number) =>
    (net.frontends[n] as HearingFrontend).told.get(user(u).id)?.get(`${name} ${user(subject).id}`) ?? [];
  return { net, registry, user, on, room, told };
}

/** The operations node `n` has decided, as published (the scheduling bus keeps them for the test). */
function decided(net: Network, n: number): Operation[] {
  return net.published.filter((entry) => entry.from === n).map((entry) => entry.op);
}

describe("rooms core: operations that overtake each other", () => {
  it("a join that reaches a third node before the kick it followed: the kick is told there first", () => {
    const { net, registry, on, room, told } = network();
    // User 2 (node 1) kicks user 1 (node 0) out of #a; node 0 hears of it, and user 1 joins again.
    assert.equal(registry(1).kick(on(1, 2), room(1, "#a"), on(1, 1), "out"), null);
    const kick = decided(net, 1).at(-1) as Operation;
    net.deliver(1, 0, Number.POSITIVE_INFINITY);
    assert.ok("room" in registry(0).join(on(0, 1), "#a"));
    const join = decided(net, 0).at(-1) as Extract<Operation, { t: "join" }>;
    assert.equal(join.ended?.id, kick.id, "the join carries the kick that ended the last membership");
    // Node 2 hears of the join before the kick.
    net.deliver(0, 2, Number.POSITIVE_INFINITY);
    assert.deepEqual(told(2, 4, "#a", 1), [`K ${kick.id}`, `J ${join.id}`]);
    net.settle();
    // The kick arriving late ends nothing more; everyone was told the same, in the same order.
    for (const [n, u] of [
      [0, 0],
      [1, 2],
      [2, 4],
    ] as const)
      assert.deepEqual(told(n, u, "#a", 1), [`K ${kick.id}`, `J ${join.id}`], `node ${n}`);
    assert.ok(room(2, "#a").members.has(on(2, 1)));
    checkConverged(net);
  });

  it("an invitation used on another node: gone everywhere, whichever a third node hears first", () => {
    for (const partFirst of [false, true]) {
      const { net, registry, on, room } = network();
      registry(0).setModes(on(0, 0), room(0, "#a"), [{ sign: "+", mode: "i" }]);
      registry(0).part(on(0, 3), room(0, "#a"), "");
      net.settle();
      // User 0 (node 0) invites user 3 (node 1); node 1 hears of it, and user 3 joins past +i.
      assert.equal(registry(0).invite(on(0, 0), room(0, "#a"), on(0, 3)), null);
      net.deliver(0, 1, Number.POSITIVE_INFINITY);
      assert.deepEqual([...(room(1, "#a").invited.keys() ?? [])], [on(1, 3).id]);
      assert.ok("room" in registry(1).join(on(1, 3), "#a"));
      if (partFirst) registry(1).part(on(1, 3), room(1, "#a"), "");
      // Node 2 hears of the join (and the part) before the invitation, which arrives used up.
      net.deliver(1, 2, Number.POSITIVE_INFINITY);
      net.settle();
      for (let n = 0; n < 3; n++) assert.equal(room(n, "#a").invited.size, 0, `node ${n}`);
      checkConverged(net);
      if (partFirst) {
        const again = registry(1).join(on(1, 3), "#a");
        assert.deepEqual(again, { error: RoomError.InviteOnly }, "an invitation lets in once");
      }
    }
  });

  it("SAJOIN and SAPART of another node's user are decided by that user's node", () => {
    const { net, registry, on, room, told } = network();
    // SAJOIN: node 0 asks; node 1 decides the join, as its own user's, past +k.
    registry(1).join(on(1, 2), "#x");
    registry(1).setModes(on(1, 2), room(1, "#x"), [{ sign: "+", mode: "k", param: "sesame" }]);
    net.settle();
    assert.equal(registry(0).forceJoin(on(0, 0), on(0, 5), "#x"), null);
    assert.equal(decided(net, 0).at(-1)?.t, "sajoin");
    assert.equal(
      room(0, "#x").members.has(on(0, 5)),
      false,
      "nothing changes before the user's node decides",
    );
    net.settle();
    const join = decided(net, 2).at(-1) as Operation;
    assert.equal(join.t, "join");
    for (let n = 0; n < 3; n++) assert.ok(room(n, "#x").members.has(on(n, 5)), `node ${n}`);
    // A SAPART that crosses the user's own part: the user's node parts it once.
    assert.equal(registry(0).forcePart(on(0, 0), on(0, 3), room(0, "#b"), "go"), null);
    registry(1).part(on(1, 3), room(1, "#b"), "bye");
    net.settle();
    assert.deepEqual(
      told(2, 4, "#b", 3).map((entry) => entry[0]),
      ["P"],
      "one part, the user's own",
    );
    // Refused where the operator is: a member already, not a member, a bad name.
    assert.equal(registry(0).forceJoin(on(0, 0), on(0, 5), "#x"), RoomError.AlreadyInRoom);
    assert.equal(registry(0).forcePart(on(0, 0), on(0, 3), room(0, "#b"), ""), RoomError.TargetNotInRoom);
    assert.equal(registry(0).forceJoin(on(0, 0), on(0, 5), "nohash"), RoomError.InvalidRoomName);
    checkConverged(net);
  });

  it("a room made on two nodes at once whose first maker leaves at once: one room everywhere", () => {
    const { net, registry, on, room } = network(true);
    // Users 1 (node 0) and 3 (node 1) make #c at the same moment; user 1 leaves before hearing of the other.
    assert.ok("room" in registry(0).join(on(0, 1), "#c"));
    assert.ok("room" in registry(1).join(on(1, 3), "#c"));
    registry(0).part(on(0, 1), room(0, "#c"), "");
    net.settle();
    checkConverged(net);
    // Node 0's creation is the older (same time, node order): user 3 joined it, without operator status.
    for (let n = 0; n < 3; n++) {
      const c = room(n, "#c");
      assert.equal(c.created.origin, "node-0", `node ${n}`);
      assert.deepEqual(
        [...c.members.values()].map((s) => s.op),
        [false],
      );
    }
  });

  it("a room emptied and made again: a new room, whatever was set in the old one", () => {
    const {
      net,
      registry,
      on,
      room,
      net: { clock },
    } = network(true);
    registry(0).join(on(0, 1), "#c");
    registry(0).setTopic(on(0, 1), room(0, "#c"), "old");
    registry(0).part(on(0, 1), room(0, "#c"), "");
    clock.advance(1000);
    registry(0).join(on(0, 1), "#c");
    net.settle();
    checkConverged(net);
    for (let n = 0; n < 3; n++) {
      const c = room(n, "#c");
      assert.equal(c.topic, null, `node ${n}`);
      assert.equal(c.isOp(on(n, 1)), true, `node ${n}: the maker of the new room is its operator`);
    }
  });

  it("a room emptied on one node while another joins it: what was set there comes back with the join", () => {
    const { net, registry, on, room } = network(true);
    registry(0).join(on(0, 1), "#c");
    net.settle();
    // User 1 sets a topic and leaves; user 3 (node 1) joins before hearing of either.
    registry(0).setTopic(on(0, 1), room(0, "#c"), "kept");
    registry(0).part(on(0, 1), room(0, "#c"), "");
    assert.equal(registry(0).findRoom("#c"), undefined);
    registry(1).join(on(1, 3), "#c");
    net.settle();
    checkConverged(net);
    for (let n = 0; n < 3; n++) assert.equal(room(n, "#c").topic?.text, "kept", `node ${n}`);
    assert.deepEqual(stateOf(registry(0)), stateOf(registry(2)));
  });
});
