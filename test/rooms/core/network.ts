// The scheduling test bus: three registries on a manual clock, each node's operations queued for each other
// node as JSON (as a wire carries them) and delivered when a test says, in any order the bus allows.
import assert from "node:assert/strict";
import { ManualClock } from "../../../src/rooms/core/clock.js";
import type { Operation } from "../../../src/rooms/core/operations.js";
import { DEFAULT_ROOM_LIMITS, RoomRegistry } from "../../../src/rooms/core/registry.js";
import { User } from "../../../src/rooms/core/user.js";
import { type Command, decide, HearingFrontend, NODES, USERS, USERS_PER_NODE } from "./scenario.js";

/** An operation on its way, and how many operations of each node its node had applied when it decided it. */
interface Queued {
  text: string;
  after: number[];
}

/**
 * Three registries, each node's operations queued for each other node as JSON, as a wire carries them.
 * `causal`: an operation is delivered only after those its node had applied when deciding it, as over one
 * Redis channel or the cluster's primary (a node hears of a room's last part before a join that makes it
 * again); otherwise the senders interleave freely.
 */
export class Network {
  readonly clock = new ManualClock();
  readonly registries: RoomRegistry[] = [];
  readonly frontends: HearingFrontend[] = [];
  readonly users: User[] = [];
  /** queues[from][to] */
  private readonly queues: Queued[][][] = [];
  /** applied[node][from]: how many of `from`'s operations `node` has applied (its own included). */
  private readonly applied: number[][] = [];
  /** Every message decided, by msgid: its room, for who must have heard it. */
  readonly messages = new Map<string, string>();
  /** Every operation decided, and where, in order. */
  readonly published: Array<{ from: number; op: Operation }> = [];

  constructor(readonly causal = false) {
    for (let n = 0; n < NODES; n++) {
      const registry = new RoomRegistry(DEFAULT_ROOM_LIMITS, this.clock);
      registry.origin = `node-${n}`;
      registry.setNodeNumber(n + 1);
      registry.observer = { changed: (op) => this.publish(n, op) };
      this.registries.push(registry);
      this.frontends.push(new HearingFrontend());
      this.queues.push(Array.from({ length: NODES }, () => []));
      this.applied.push(Array.from({ length: NODES }, () => 0));
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
    this.published.push({ from, op });
    const applied = this.applied[from] as number[];
    const queued = { text: JSON.stringify(op), after: [...applied] };
    applied[from] = (applied[from] ?? 0) + 1;
    for (let to = 0; to < NODES; to++) if (to !== from) this.queues[from]?.[to]?.push(queued);
  }

  /** Deliver up to `count` of `from`'s operations to `to`; false when the next one must wait. */
  deliver(from: number, to: number, count: number): boolean {
    const queue = this.queues[from]?.[to] ?? [];
    const applied = this.applied[to] as number[];
    for (let i = 0; i < count && queue.length > 0; i++) {
      const next = queue[0] as Queued;
      if (this.causal && next.after.some((n, node) => node !== from && (applied[node] ?? 0) < n))
        return false;
      queue.shift();
      applied[from] = (applied[from] ?? 0) + 1;
      (this.registries[to] as RoomRegistry).apply(JSON.parse(next.text) as Operation);
    }
    return true;
  }

  /**
   * Deliver everything still queued: first one operation at a time from the queues `drain` names in turn
   * (from × NODES + to), then from every queue in turn.
   */
  settle(drain: readonly number[] = []): void {
    for (const pair of drain) this.deliver(Math.floor(pair / NODES), pair % NODES, 1);
    for (let busy = true; busy; ) {
      busy = false;
      for (let from = 0; from < NODES; from++)
        for (let to = 0; to < NODES; to++)
          if ((this.queues[from]?.[to]?.length ?? 0) > 0 && this.deliver(from, to, 1)) busy = true;
    }
    const left = this.queues.flat().reduce((sum, queue) => sum + queue.length, 0);
    assert.equal(left, 0, "operations left undeliverable");
  }

  /** A command: a delivery, a tick of the clock, or a user's, decided on its own node. */
  run(command: Command): void {
    if (command.k === "tick") this.clock.advance(command.ms);
    else if (command.k === "deliver") this.deliver(command.from, command.to, command.count);
    else decide(this, command);
    if (command.k === "kickback" || command.k === "invitejoin") {
      // The target's node hears of the kick or invitation (and what its node decided before), and the
      // target joins.
      const to = this.nodeOf(command.target);
      this.deliver(this.nodeOf(command.u), to, Number.POSITIVE_INFINITY);
      decide(this, { k: "join", u: command.target, room: command.room });
    }
  }
}
