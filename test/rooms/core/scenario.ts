// Random commands of users on three nodes, and what every node must agree on afterwards: shared by the
// convergence tests over the scheduling test bus, the in-memory bus and Redis.
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Frontend, RoomEvent } from "../../../src/rooms/core/events.js";
import type { RoomRegistry } from "../../../src/rooms/core/registry.js";
import type { Room } from "../../../src/rooms/core/room.js";
import type { User } from "../../../src/rooms/core/user.js";

export const NODES = 3;
export const USERS_PER_NODE = 2;
/**
 * Every user is in #a and #b from the start; the even ones never leave, so they hear everything there. Only
 * the odd ones go into #c: it empties and is made again.
 */
export const ROOMS = ["#a", "#b", "#c"];
const STAYED = ["#a", "#b"];

/** What one user heard of messages: msgid → [time, text, how many times]. */
type Heard = Map<string, { time: number; text: string; count: number }>;

export class HearingFrontend implements Frontend {
  readonly heard = new Map<number, Heard>();
  /**
   * What each user was told of memberships: by recipient id, then room and member id, "J <join id>" and
   * "J", "P", "K" or "Q" (a join, part, kick or quit) and the operation's id, in the order told.
   */
  readonly told = new Map<number, Map<string, string[]>>();

  deliver(event: RoomEvent, recipients: readonly User[]): void {
    if (event.type === "join" || event.type === "part" || event.type === "kick") {
      const entry = `${event.type[0]?.toUpperCase()} ${event.id}`;
      for (const user of recipients) this.tell(user, `${event.room.key} ${event.user.id}`, entry);
      return;
    }
    if (event.type === "quit") {
      for (const user of recipients)
        for (const room of event.rooms)
          if (room.members.has(user)) this.tell(user, `${room.key} ${event.user.id}`, `Q ${event.id}`);
      return;
    }
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

  private tell(user: User, about: string, entry: string): void {
    let told = this.told.get(user.id);
    if (!told) {
      told = new Map();
      this.told.set(user.id, told);
    }
    const list = told.get(about);
    if (list) list.push(entry);
    else told.set(about, [entry]);
  }

  /** What the server told each user itself (a lost nick). */
  readonly notices: Array<{ user: number; text: string }> = [];

  notice(user: User, text: string): void {
    this.notices.push({ user: user.id, text });
  }

  /** Forget what was told so far (of the setup). */
  forget(): void {
    this.told.clear();
  }
}

export type Command =
  | { k: "join"; u: number; room: number }
  | { k: "part"; u: number; room: number }
  | { k: "say"; u: number; room: number; kind: "privmsg" | "notice" | "tagmsg" }
  | { k: "topic"; u: number; room: number; text: string }
  | { k: "mode"; u: number; room: number; sign: "+" | "-"; mode: string; target: number }
  | { k: "kick"; u: number; room: number; target: number }
  | { k: "invite"; u: number; room: number; target: number }
  | { k: "sajoin" | "sapart"; u: number; room: number; target: number }
  /**
   * A kick (an invitation) that its target's node hears at once, and the target joining (again) there,
   * while the third node may hear of either first.
   */
  | { k: "kickback" | "invitejoin"; u: number; room: number; target: number }
  | { k: "away"; u: number; text: string | null }
  | { k: "nick"; u: number; nick: string }
  | { k: "umode"; u: number; invisible: boolean; wallops: boolean }
  | { k: "tick"; ms: number }
  | { k: "deliver"; from: number; to: number; count: number };

export const USERS = NODES * USERS_PER_NODE;
const user = fc.nat(USERS - 1);
/** Odd users come and go; even ones stay in #a and #b from the start, so they must hear everything there. */
const mobile = user.map((u) => (u % 2 === 0 ? u + 1 : u));

/** Commands in the first `rooms` of ROOMS: #a and #b, or #c too (a room emptied and made again). */
export function commandIn(rooms: number): fc.Arbitrary<Command> {
  return commandOf(fc.nat(rooms - 1));
}

const commandOf = (room: fc.Arbitrary<number>): fc.Arbitrary<Command> =>
  fc.oneof(
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
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constantFrom("kickback" as const, "invitejoin" as const),
        u: user,
        room,
        target: mobile,
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("invite" as const), u: user, room, target: user }) },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constantFrom("sajoin" as const, "sapart" as const),
        u: user,
        room,
        target: mobile,
      }),
    },
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

/** Commands in #a and #b. */
export const command = commandIn(2);

/** What must be the same on every node. */
export function stateOf(registry: RoomRegistry) {
  const rooms = [...registry.rooms.values()]
    .map((room) => ({
      name: room.key,
      created: room.created,
      topic: room.topic,
      modes: room.modes,
      bans: room.bans.map((ban) => [ban.mask, ban.setBy, ban.setAt].join(" ")).sort(),
      invited: [...room.invited].map(([id, ids]) => `${id} ${[...ids].sort().join(",")}`).sort(),
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

/** What the convergence check reads of a set of nodes. */
export interface Nodes {
  registries: RoomRegistry[];
  frontends: HearingFrontend[];
  users: User[];
  /** Every room message decided, by msgid. */
  messages: Map<string, string>;
  nodeOf(u: number): number;
}

export function checkConverged(net: Nodes): void {
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
  // The users who stayed in #a and #b heard every message to them.
  for (let u = 0; u < USERS; u += 2) {
    const stayer = net.users[u] as User;
    const heard = (net.frontends[net.nodeOf(u)] as HearingFrontend).heard.get(stayer.id) ?? new Map();
    for (const [msgid, room] of net.messages)
      if (STAYED.includes(room)) assert.ok(heard.has(msgid), `user ${u} missed ${msgid}`);
  }
  checkToldAlike(net);
}

/**
 * The stayers on every node were told of the same memberships in #a and #b, in the same order: each join
 * by its id, and each membership's end before the next one begins (a part and a kick of one membership at
 * once may be told as either, but as one).
 */
function checkToldAlike(net: Nodes): void {
  const views = [];
  for (let u = 0; u < USERS; u += 2) {
    const told = (net.frontends[net.nodeOf(u)] as HearingFrontend).told.get((net.users[u] as User).id);
    const view: Record<string, string[]> = {};
    for (const [about, entries] of told ?? []) {
      const [room = "", member = ""] = about.split(" ");
      if (!STAYED.includes(room) || Number(member) === (net.users[u] as User).id) continue;
      // A part and a kick of one membership at once end it as whichever came first: alike as an end.
      const told = entries.map((entry) => (entry.startsWith("J") ? entry : "L"));
      for (let i = 1; i < told.length; i++)
        assert.notEqual(
          told[i]?.[0],
          told[i - 1]?.[0],
          `user ${u} was told ${entries.join(", ")} of ${about}`,
        );
      view[about] = told;
    }
    views.push(view);
  }
  // Stayers hear no membership of their own (they never leave) and no one else's from before the start.
  for (const view of views.slice(1)) assert.deepEqual(view, views[0], "stayers were told different things");
}

/** A user's command, decided on its own node; a refusal decides nothing. */
export function decide(net: Nodes, command: Command): void {
  if (command.k === "tick" || command.k === "deliver") return;
  const me = net.users[command.u] as User;
  const registry = net.registries[net.nodeOf(command.u)] as RoomRegistry;
  if (!registry.isRegistered(me)) return;
  const other = (u: number) => registry.usersById.get((net.users[u] as User).id);
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
    case "kick":
    case "kickback": {
      const who = other(command.target);
      if (target && who) registry.kick(me, target, who, "out");
      return;
    }
    case "invite":
    case "invitejoin": {
      const who = other(command.target);
      if (target && who) registry.invite(me, target, who);
      return;
    }
    case "sajoin": {
      const who = other(command.target);
      if (who) registry.forceJoin(me, who, ROOMS[command.room] as string);
      return;
    }
    case "sapart": {
      const who = other(command.target);
      if (target && who) registry.forcePart(me, who, target, "out");
      return;
    }
    case "away":
      registry.setAway(me, command.text);
      return;
    case "nick":
      // Shared nicks: two nodes may give one out at once.
      registry.rename(me, command.nick);
      return;
    case "umode":
      registry.setUserModes(me, { invisible: command.invisible, wallops: command.wallops });
      return;
  }
}

/** Everyone joins #a and #b (perhaps creating them at once on several nodes). */
export function joinAll(net: Nodes): void {
  for (let u = 0; u < USERS; u++)
    for (const name of STAYED)
      (net.registries[net.nodeOf(u)] as RoomRegistry).join(net.users[u] as User, name);
}

/** The first user makes everyone an operator of #a and #b, so that anyone may change anything; told of
 * memberships is what comes after. */
export function opEveryone(net: Nodes): void {
  const first = net.registries[0] as RoomRegistry;
  for (const frontend of net.frontends) frontend.forget();
  for (const name of STAYED) {
    const room = first.findRoom(name) as Room;
    const everyone = net.users.map((u) => ({ sign: "+" as const, mode: "o", param: u.nick }));
    first.setModes(net.users[0] as User, room, everyone);
  }
}
