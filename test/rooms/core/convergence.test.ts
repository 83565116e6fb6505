// Convergence, property-based: users on three nodes do random things while the bus delivers each node's
// operations in any order it allows (each sender's in the order sent, senders interleaved at random).
// Afterwards every node holds the same rooms, members, modes, topics and users, and every member heard
// every message once, with the same msgid and time everywhere.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ManualClock } from "../../../src/rooms/core/clock.js";
import type { Operation } from "../../../src/rooms/core/operations.js";
import { DEFAULT_ROOM_LIMITS, RoomRegistry } from "../../../src/rooms/core/registry.js";
import { User } from "../../../src/rooms/core/user.js";
import {
  type Command,
  checkConverged,
  command,
  decide,
  HearingFrontend,
  joinAll,
  NODES,
  opEveryone,
  USERS,
  USERS_PER_NODE,
} from "./scenario.js";

/** Three registries, each node's operations queued for each other node as JSON, as a wire carries them. */
class Network {
  readonly clock = new ManualClock();
  readonly registries: RoomRegistry[] = [];
  readonly frontends: HearingFrontend[] = [];
  readonly users: User[] = [];
  /** queues[from][to] */
  private readonly queues: string[][][] = [];
  /** Every message decided, by msgid: its room, for who must have heard it. */
  readonly messages = new Map<string, string>();

  constructor() {
    for (let n = 0; n < NODES; n++) {
      const registry = new RoomRegistry(DEFAULT_ROOM_LIMITS, this.clock);
      registry.origin = `node-${n}`;
      registry.setNodeNumber(n + 1);
      registry.observer = { changed: (op) => this.publish(n, op) };
      this.registries.push(registry);
      this.frontends.push(new HearingFrontend());
      this.queues.push(Array.from({ length: NODES }, () => []));
    }
    for (let u = 0; u < USERS; u++) {
      const n = this.nodeOf(u);
      const made = new User(
        (this.registries[n] as RoomRegistry).userId(u + 1),
        "irc",
        this.frontends[n] as HearingFrontend,
        `u${u}`,
        "host",
        this.clock.now(),
      );
      (this.registries[n] as RoomRegistry).add(made);
      this.users.push(made);
    }
  }

  nodeOf(u: number): number {
    return Math.floor(u / USERS_PER_NODE);
  }

  private publish(from: number, op: Operation): void {
    if (op.t === "message" && op.room !== null) this.messages.set(op.id, op.room);
    const text = JSON.stringify(op);
    for (let to = 0; to < NODES; to++) if (to !== from) this.queues[from]?.[to]?.push(text);
  }

  deliver(from: number, to: number, count: number): void {
    const queue = this.queues[from]?.[to] ?? [];
    for (const text of queue.splice(0, count))
      (this.registries[to] as RoomRegistry).apply(JSON.parse(text) as Operation);
  }

  /** Deliver everything still queued. */
  settle(): void {
    for (let busy = true; busy; ) {
      busy = false;
      for (let from = 0; from < NODES; from++)
        for (let to = 0; to < NODES; to++)
          if ((this.queues[from]?.[to]?.length ?? 0) > 0) {
            busy = true;
            this.deliver(from, to, 1);
          }
    }
  }

  /** A command: a delivery, a tick of the clock, or a user's, decided on its own node. */
  run(command: Command): void {
    if (command.k === "tick") this.clock.advance(command.ms);
    else if (command.k === "deliver") this.deliver(command.from, command.to, command.count);
    else decide(this, command);
  }
}

describe("rooms core: convergence over three nodes", () => {
  it("ends the same on every node, whatever order the bus delivers in", () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 120 }), (commands) => {
        const net = new Network();
        net.settle();
        joinAll(net);
        net.settle();
        opEveryone(net);
        net.settle();
        for (const c of commands) net.run(c);
        net.settle();
        checkConverged(net);
      }),
      { numRuns: 1000 },
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
