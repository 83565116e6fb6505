// Convergence, property-based: users on three nodes do random things while the bus delivers each node's
// operations in any order it allows (each sender's in the order sent, senders interleaved at random).
// Afterwards every node holds the same rooms, members, modes, topics and users, and every member heard
// every message once, with the same msgid and time everywhere.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ManualClock } from "../../../src/rooms/core/clock.js";
import type { Frontend, RoomEvent } from "../../../src/rooms/core/events.js";
import type { Operation } from "../../../src/rooms/core/operations.js";
import { DEFAULT_ROOM_LIMITS, RoomRegistry } from "../../../src/rooms/core/registry.js";
import type { Room } from "../../../src/rooms/core/room.js";
import { User } from "../../../src/rooms/core/user.js";

const NODES = 3;
const USERS_PER_NODE = 2;
const ROOMS = ["#a", "#b"];

/** What one user heard of messages: msgid → [time, text, how many times]. */
type Heard = Map<string, { time: number; text: string; count: number }>;

class HearingFrontend implements Frontend {
  readonly heard = new Map<number, Heard>();
  deliver(event: RoomEvent, recipients: readonly User[]): void {
    if (event.type !== "message") return;
    for (const user of recipients) {
      let heard = this.heard.get(user.id);
      if (!heard) {
        heard = new Map();
        this.heard.set(user.id, heard);
      }
      const entry = heard.get(event.id);
      if (entry) entry.count += 1;
      else heard.set(event.id, { time: event.time, text: event.text, count: 1 });
    }
  }
}

type Command =
  | { k: "join"; u: number; room: number }
  | { k: "part"; u: number; room: number }
  | { k: "say"; u: number; room: number; kind: "privmsg" | "notice" | "tagmsg" }
  | { k: "topic"; u: number; room: number; text: string }
  | { k: "mode"; u: number; room: number; sign: "+" | "-"; mode: string; target: number }
  | { k: "kick"; u: number; room: number; target: number }
  | { k: "invite"; u: number; room: number; target: number }
  | { k: "away"; u: number; text: string | null }
  | { k: "nick"; u: number; nick: string }
  | { k: "umode"; u: number; invisible: boolean; wallops: boolean }
  | { k: "tick"; ms: number }
  | { k: "deliver"; from: number; to: number; count: number };

const USERS = NODES * USERS_PER_NODE;
const user = fc.nat(USERS - 1);
const room = fc.nat(ROOMS.length - 1);
/** Odd users come and go; even ones stay in every room from the start, so they must hear everything. */
const mobile = user.map((u) => (u % 2 === 0 ? u + 1 : u));

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ k: fc.constant("join" as const), u: mobile, room }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("part" as const), u: mobile, room }) },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("say" as const),
      u: user,
      room,
      kind: fc.constantFrom("privmsg" as const, "notice" as const, "tagmsg" as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("topic" as const),
      u: user,
      room,
      text: fc.constantFrom("x", "y", ""),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("mode" as const),
      u: user,
      room,
      sign: fc.constantFrom("+" as const, "-" as const),
      mode: fc.constantFrom("o", "v", "m", "t", "i", "k", "l", "b", "s"),
      target: user,
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("kick" as const), u: user, room, target: mobile }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("invite" as const), u: user, room, target: user }) },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant("away" as const), u: user, text: fc.constantFrom("brb", null) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("nick" as const),
      u: user,
      nick: fc.constantFrom("n1", "n2", "n3"),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("umode" as const),
      u: user,
      invisible: fc.boolean(),
      wallops: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("tick" as const), ms: fc.constantFrom(0, 1, 1000) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant("deliver" as const),
      from: fc.nat(NODES - 1),
      to: fc.nat(NODES - 1),
      count: fc.integer({ min: 1, max: 4 }),
    }),
  },
);

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

  /** A user's command, decided on its own node; a refusal decides nothing. */
  run(command: Command): void {
    if (command.k === "tick") {
      this.clock.advance(command.ms);
      return;
    }
    if (command.k === "deliver") {
      this.deliver(command.from, command.to, command.count);
      return;
    }
    const me = this.users[command.u] as User;
    const registry = this.registries[this.nodeOf(command.u)] as RoomRegistry;
    if (!registry.isRegistered(me)) return;
    const other = (u: number) => registry.usersById.get((this.users[u] as User).id);
    const target = "room" in command ? registry.findRoom(ROOMS[command.room] as string) : undefined;
    switch (command.k) {
      case "join":
        registry.join(me, ROOMS[command.room] as string);
        return;
      case "part":
        if (target) registry.part(me, target, "");
        return;
      case "say":
        if (target) registry.message(me, target, `${me.id} says`, command.kind, { "+t": "1" });
        return;
      case "topic":
        if (target) registry.setTopic(me, target, command.text);
        return;
      case "mode": {
        if (!target) return;
        const who = other(command.target);
        const param =
          command.mode === "o" || command.mode === "v"
            ? who?.nick
            : command.mode === "k"
              ? "key"
              : command.mode === "l"
                ? "5"
                : command.mode === "b"
                  ? `mask${command.target}`
                  : undefined;
        registry.setModes(me, target, [
          param === undefined
            ? { sign: command.sign, mode: command.mode }
            : { sign: command.sign, mode: command.mode, param },
        ]);
        return;
      }
      case "kick": {
        const who = other(command.target);
        if (target && who) registry.kick(me, target, who, "out");
        return;
      }
      case "invite": {
        const who = other(command.target);
        if (target && who) registry.invite(me, target, who);
        return;
      }
      case "away":
        registry.setAway(me, command.text);
        return;
      case "nick":
        registry.rename(me, `${command.nick}x${command.u}`);
        return;
      case "umode":
        registry.setUserModes(me, { invisible: command.invisible, wallops: command.wallops });
        return;
    }
  }
}

/** What must be the same on every node. */
function stateOf(registry: RoomRegistry) {
  const rooms = [...registry.rooms.values()]
    .map((room) => ({
      name: room.key,
      created: room.created,
      topic: room.topic,
      modes: room.modes,
      bans: room.bans.map((ban) => [ban.mask, ban.setBy, ban.setAt].join(" ")).sort(),
      members: [...room.members]
        .map(([user, status]) => `${user.id}${status.op ? "@" : ""}${status.voice ? "+" : ""}`)
        .sort(),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const users = [...registry.usersById.values()]
    .map((user) => [user.id, user.nick, user.invisible, user.oper, user.wallops, user.away])
    .sort((a, b) => (a[0] as number) - (b[0] as number));
  return { rooms, users };
}

function checkConverged(net: Network): void {
  const states = net.registries.map(stateOf);
  for (let n = 1; n < NODES; n++) assert.deepEqual(states[n], states[0], `node ${n} differs from node 0`);
  // Every message: the same time and text wherever it was heard, and never twice to one user.
  const seen = new Map<string, { time: number; text: string }>();
  for (const frontend of net.frontends)
    for (const [id, heard] of frontend.heard)
      for (const [msgid, entry] of heard) {
        assert.equal(entry.count, 1, `user ${id} heard ${msgid} ${entry.count} times`);
        const first = seen.get(msgid);
        if (first) assert.deepEqual({ time: entry.time, text: entry.text }, first, msgid);
        else seen.set(msgid, { time: entry.time, text: entry.text });
      }
  // The users who stayed in every room heard every message to a room.
  for (let u = 0; u < USERS; u += 2) {
    const stayer = net.users[u] as User;
    const heard = (net.frontends[net.nodeOf(u)] as HearingFrontend).heard.get(stayer.id) ?? new Map();
    for (const msgid of net.messages.keys()) assert.ok(heard.has(msgid), `user ${u} missed ${msgid}`);
  }
}

describe("rooms core: convergence over three nodes", () => {
  it("ends the same on every node, whatever order the bus delivers in", () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 120 }), (commands) => {
        const net = new Network();
        net.settle();
        // Everyone joins every room first (perhaps creating them at once on several nodes), and the first
        // user makes everyone an operator, so that anyone may change anything.
        for (let u = 0; u < USERS; u++)
          for (const name of ROOMS)
            (net.registries[net.nodeOf(u)] as RoomRegistry).join(net.users[u] as User, name);
        net.settle();
        const first = net.registries[0] as RoomRegistry;
        for (const name of ROOMS)
          first.setModes(
            net.users[0] as User,
            first.findRoom(name) as Room,
            net.users.map((u) => ({ sign: "+" as const, mode: "o", param: u.nick })),
          );
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
