// Convergence over the real buses: three registries joined by their replicators, on the in-memory bus and
// on Redis, run random commands (fewer than over the scheduling test bus: these take real time), and end
// the same on every node.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { pino } from "pino";
import { Replicator } from "../../../src/rooms/bus/replicator.js";
import type { BusTransport } from "../../../src/rooms/bus/transport.js";
import { compareStamps, type Operation } from "../../../src/rooms/core/operations.js";
import {
  DEFAULT_ROOM_LIMITS,
  type OperationObserver,
  RoomRegistry,
} from "../../../src/rooms/core/registry.js";
import { User } from "../../../src/rooms/core/user.js";
import { transportBackends } from "../../support/rooms.js";
import { eventually } from "../../support/wait.js";
import {
  checkConverged,
  command,
  decide,
  HearingFrontend,
  joinAll,
  NODES,
  type Nodes,
  opEveryone,
  stateOf,
  USERS,
  USERS_PER_NODE,
} from "./scenario.js";

const log = pino({ level: "silent" });
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

class BusNodes implements Nodes {
  readonly registries: RoomRegistry[] = [];
  readonly frontends: HearingFrontend[] = [];
  readonly users: User[] = [];
  readonly messages = new Map<string, string>();
  /** Every operation decided, on any node. */
  readonly decided: Operation[] = [];
  private readonly replicators: Replicator[] = [];

  static async start(transport: () => BusTransport): Promise<BusNodes> {
    const nodes = new BusNodes();
    for (let n = 0; n < NODES; n++) {
      const registry = new RoomRegistry(DEFAULT_ROOM_LIMITS);
      const replicator = new Replicator(registry, transport(), log, () => {});
      await replicator.start();
      const bus = registry.observer as OperationObserver;
      registry.observer = {
        changed: (op) => {
          if (op.t === "message" && op.room !== null) nodes.messages.set(op.id, op.room);
          nodes.decided.push(op);
          bus.changed(op);
        },
      };
      nodes.registries.push(registry);
      nodes.replicators.push(replicator);
      nodes.frontends.push(new HearingFrontend());
    }
    for (let u = 0; u < USERS; u++) {
      const n = nodes.nodeOf(u);
      const registry = nodes.registries[n] as RoomRegistry;
      const user = new User(
        registry.userId(u + 1),
        "irc",
        nodes.frontends[n] as HearingFrontend,
        `u${u}`,
        "host",
        Date.now(),
      );
      registry.add(user);
      nodes.users.push(user);
    }
    await eventually(
      () => nodes.registries.every((r) => r.usersById.size === USERS),
      "every node to know every user",
    );
    return nodes;
  }

  nodeOf(u: number): number {
    return Math.floor(u / USERS_PER_NODE);
  }

  /** Every node holds the same state and the stayers have heard every message: nothing is in flight. */
  agree(): Promise<void> {
    const same = () => {
      const first = JSON.stringify(stateOf(this.registries[0] as RoomRegistry));
      if (!this.registries.every((r) => JSON.stringify(stateOf(r)) === first)) return false;
      for (let u = 0; u < USERS; u += 2) {
        const heard = this.frontends[this.nodeOf(u)]?.heard.get((this.users[u] as User).id);
        for (const msgid of this.messages.keys()) if (!heard?.has(msgid)) return false;
      }
      return true;
    };
    return eventually(same, "the nodes to agree");
  }

  async close(): Promise<void> {
    await Promise.all(this.replicators.map((replicator) => replicator.close()));
  }
}

const BACKENDS = await transportBackends("convergence");

for (const backend of BACKENDS) {
  describe(`rooms core: convergence over the ${backend.name}`, { timeout: 90_000 }, () => {
    it("ends the same on every node after random commands", { skip: backend.skip }, async () => {
      const samples = fc.sample(fc.array(command, { minLength: 20, maxLength: 40 }), { numRuns: 4 });
      for (const commands of samples) {
        const { transport, cleanup } = backend.open();
        const nodes = await BusNodes.start(transport);
        try {
          joinAll(nodes);
          await nodes.agree();
          opEveryone(nodes);
          await nodes.agree();
          for (const c of commands) {
            // A delivery step lets the bus run for a moment; everything else is a user's command.
            if (c.k === "deliver" || c.k === "tick")
              for (let i = 0; i < (c.k === "deliver" ? c.count : 1); i++) await turn();
            else decide(nodes, c);
          }
          await nodes.agree().catch(() => {});
          checkConverged(nodes);
        } finally {
          await nodes.close();
          await cleanup();
        }
      }
    });

    it("settles a nick given out on two nodes at once by the operations' order", {
      skip: backend.skip,
    }, async () => {
      const { transport, cleanup } = backend.open();
      const nodes = await BusNodes.start(transport);
      try {
        // Users on nodes 0 and 1 take one nick in the same turn, before either node can hear of the other.
        const a = nodes.users[1] as User;
        const b = nodes.users[3] as User;
        assert.equal((nodes.registries[0] as RoomRegistry).rename(a, "same"), null);
        assert.equal((nodes.registries[1] as RoomRegistry).rename(b, "same"), null);
        const [opA, opB] = nodes.decided.filter((op) => op.t === "nick");
        // The one given it first (time, then node, then id) keeps it, whichever bus carried the news.
        const first = compareStamps(opA as Operation, opB as Operation) < 0;
        const [keeper, loser] = first ? [a, b] : [b, a];
        const guest = `Guest${loser.id}`;
        await eventually(
          () => nodes.registries.every((r) => r.findUser("same")?.id === keeper.id && r.findUser(guest)),
          "every node to settle the nick",
        );
        assert.equal(loser.nick, guest);
        const frontend = nodes.frontends[nodes.nodeOf(nodes.users.indexOf(loser))] as HearingFrontend;
        assert.deepEqual(
          frontend.notices.map((n) => [n.user, n.text]),
          [
            [
              loser.id,
              `The nickname same was taken on another node at the same moment; you are now ${guest}`,
            ],
          ],
        );
        assert.equal(nodes.frontends.flatMap((f) => f.notices).length, 1, "the keeper is told nothing");
      } finally {
        await nodes.close();
        await cleanup();
      }
    });
  });
}
