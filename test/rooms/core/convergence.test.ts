// Convergence, property-based: users on three nodes do random things while the bus delivers each node's
// operations in any order it allows (each sender's in the order sent, senders interleaved at random).
// Afterwards every node holds the same rooms, members, modes, topics, invitations and users, every member
// heard every message once, with the same msgid and time everywhere, and every node's members were told of
// the same memberships in the same order.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { RoomRegistry } from "../../../src/rooms/core/registry.js";
import type { User } from "../../../src/rooms/core/user.js";
import { Network } from "./network.js";
import {
  checkConverged,
  command,
  commandIn,
  joinAll,
  NODES,
  opEveryone,
  USERS_PER_NODE,
} from "./scenario.js";

/** The order the last deliveries take: queues named from × NODES + to. */
const drain = fc.array(fc.nat(NODES * NODES - 1), { maxLength: 60 });

describe("rooms core: convergence over three nodes", () => {
  it("ends the same on every node, whatever order the bus delivers in", () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 120 }), drain, (commands, order) => {
        const net = new Network();
        net.settle();
        joinAll(net);
        net.settle();
        opEveryone(net);
        net.settle();
        for (const c of commands) net.run(c);
        net.settle(order);
        checkConverged(net);
      }),
      { numRuns: 3000 },
    );
  });

  it("ends the same when rooms empty and are made again, over a bus that keeps causes before effects", () => {
    fc.assert(
      fc.property(fc.array(commandIn(3), { minLength: 1, maxLength: 120 }), drain, (commands, order) => {
        const net = new Network(true);
        net.settle();
        joinAll(net);
        net.settle();
        opEveryone(net);
        net.settle();
        for (const c of commands) net.run(c);
        net.settle(order);
        checkConverged(net);
      }),
      { numRuns: 2000 },
    );
  });

  it("settles rooms created on all three nodes at the same moment: one creation, its operator alone", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ from: fc.nat(NODES - 1), to: fc.nat(NODES - 1), count: fc.nat(3) })),
        (deliveries) => {
          const net = new Network();
          net.settle();
          for (let n = 0; n < NODES; n++)
            (net.registries[n] as RoomRegistry).join(net.users[n * USERS_PER_NODE] as User, "#race");
          for (const d of deliveries) net.deliver(d.from, d.to, d.count);
          net.settle();
          checkConverged(net);
          const room = (net.registries[0] as RoomRegistry).findRoom("#race");
          const ops = [...(room?.members ?? [])].filter(([, s]) => s.op).map(([u]) => u.nick);
          assert.deepEqual(ops, ["u0"], "node-0 is first in node order");
        },
      ),
      { numRuns: 100 },
    );
  });
});
