// The rooms and their users: one owner per process, no protocol. Front-ends call these operations and get
// back an error code or nothing; every change is told to the users it concerns through their front-ends.
import type { RoomOp, UserInfo } from "../bus/ops.js";
import { fold } from "./casemap.js";
import type { Frontend, ModeChange, RoomEvent, Source } from "./events.js";
import { Room } from "./room.js";
import { type User, unixSeconds } from "./user.js";

export const RoomError = {
  NoSuchNick: "no-such-nick",
  NoSuchRoom: "no-such-room",
  InvalidNick: "invalid-nick",
  InvalidRoomName: "invalid-room-name",
  NickInUse: "nick-in-use",
  NotInRoom: "not-in-room",
  TargetNotInRoom: "target-not-in-room",
  AlreadyInRoom: "already-in-room",
  TooManyRooms: "too-many-rooms",
  RoomFull: "room-full",
  InviteOnly: "invite-only",
  Banned: "banned",
  BadKey: "bad-key",
  NotOperator: "not-operator",
  CannotSend: "cannot-send",
  UnknownMode: "unknown-mode",
  NeedMoreParams: "need-more-params",
  /** The target's protocol has no private messages (the seed protocol). */
  NoPrivateMessages: "no-private-messages",
} as const;
export type RoomError = (typeof RoomError)[keyof typeof RoomError];

export interface RoomLimits {
  /** Rooms one user may be in at once (IRC's CHANLIMIT). */
  maxRoomsPerUser: number;
  /** Members of one room at once, whatever its +l. */
  maxMembersPerRoom: number;
  nickLength: number;
  roomNameLength: number;
  topicLength: number;
  /** Past nicknames remembered for WHOWAS. */
  whowasEntries: number;
}

export const DEFAULT_ROOM_LIMITS: RoomLimits = {
  maxRoomsPerUser: 50,
  maxMembersPerRoom: 10_000,
  nickLength: 30,
  roomNameLength: 50,
  topicLength: 390,
  whowasEntries: 1000,
};

export interface WhowasEntry {
  nick: string;
  username: string;
  hostname: string;
  realname: string;
  leftAt: number;
}

export interface JoinOptions {
  key?: string;
  /** The server's own authority (console, SAJOIN): past keys, bans, limits and invitations. */
  force?: boolean;
  /** The member's status, as another node decided it; otherwise the creator of a room is its operator. */
  status?: { op: boolean; voice: boolean };
}

/** Told of every change made on this node, to pass on to the others (the bus). */
export interface RegistryObserver {
  changed(op: RoomOp): void;
}

/** JOIN_IDs and ROOM_REFs of one node: node n numbers from n × NODE_SPAN, so no two nodes share one. */
export const NODE_SPAN = 10_000_000;

// RFC 2812 nicknames: a letter or special first, then letters, digits, specials and '-'.
const NICK = /^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]*$/;
// Channels: '#', then anything but NUL, BEL, CR, LF, space, comma and colon.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it excludes
const ROOM_NAME = /^#[^\0\x07\r\n ,:]+$/;

export class RoomRegistry {
  /** Registered users by folded nick. */
  readonly users = new Map<string, User>();
  /** How many of `users` are invisible (+i) and how many are operators, for LUSERS without a scan. */
  private invisibleCount = 0;
  private operCount = 0;
  /** Rooms with members, by folded name. */
  readonly rooms = new Map<string, Room>();
  /** Registered users by id (JOIN_ID), this node's and the others'. */
  readonly usersById = new Map<number, User>();
  private readonly refs = new Map<string, number>();
  private readonly knownRefs = new Set<number>();
  private readonly byRef = new Map<number, Room>();
  /** Another node's ROOM_REF for a room that has one here already (both nodes created it at once). */
  private readonly aliases = new Map<number, Room>();
  private lastRef = 0;
  private readonly whowas: WhowasEntry[] = [];
  /** The first id and ROOM_REF of this node (0 when it runs alone). */
  private base = 0;
  /** Users of other nodes whose nick is held here by someone else, for the moment of a collision. */
  private readonly shadowed = new Set<User>();
  /** Passes this node's changes on; null when the node runs alone. */
  observer: RegistryObserver | null = null;
  /** Applying another node's change: it was checked there, and it is not passed on again. */
  private replaying = false;

  constructor(readonly limits: RoomLimits = DEFAULT_ROOM_LIMITS) {}

  /** Number this node's ids and refs from `node` × NODE_SPAN. */
  setNodeNumber(node: number): void {
    this.base = node * NODE_SPAN;
  }

  /** A connection's user id (its JOIN_ID), unique across nodes. */
  userId(connectionId: number): number {
    return this.base + connectionId;
  }

  /** Run another node's change: no permission checks, nothing passed on. */
  replay(apply: () => void): void {
    this.replaying = true;
    try {
      apply();
    } finally {
      this.replaying = false;
    }
  }

  private publish(op: RoomOp): void {
    if (!this.replaying) this.observer?.changed(op);
  }

  /** Whether changes by `by` need no permission: the server itself, or another node that checked them. */
  private trusted(by: Source): boolean {
    return this.replaying || by === null;
  }

  // ---- names

  isValidNick(nick: string): boolean {
    return nick.length > 0 && nick.length <= this.limits.nickLength && NICK.test(nick);
  }

  isValidRoomName(name: string): boolean {
    return name.length > 1 && name.length <= this.limits.roomNameLength && ROOM_NAME.test(name);
  }

  findUser(nick: string): User | undefined {
    return this.users.get(fold(nick));
  }

  findRoom(name: string): Room | undefined {
    return this.rooms.get(fold(name));
  }

  /** The ROOM_REF of a room name: the same number for the same name for the life of the server. */
  refFor(name: string): number {
    const key = fold(name);
    let ref = this.refs.get(key);
    if (ref === undefined) {
      this.lastRef += 1;
      ref = this.base + this.lastRef;
      this.refs.set(key, ref);
      this.knownRefs.add(ref);
    }
    return ref;
  }

  /** Another node's ROOM_REF for a room name; the first one known stays, the other still finds the room. */
  learnRef(name: string, ref: number): void {
    const key = fold(name);
    this.knownRefs.add(ref);
    if (!this.refs.has(key)) this.refs.set(key, ref);
    const room = this.rooms.get(key);
    if (room && room.ref !== ref) this.aliases.set(ref, room);
  }

  roomByRef(ref: number): Room | undefined {
    return this.byRef.get(ref) ?? this.aliases.get(ref);
  }

  /** Whether `ref` was ever given to a room (its room may be gone: rooms without members are dropped). */
  isKnownRef(ref: number): boolean {
    return this.knownRefs.has(ref);
  }

  // ---- users

  /** Claim `user.nick` for a newly registered user. */
  add(user: User): RoomError | null {
    const key = fold(user.nick);
    if (this.replaying) {
      // Another node's user; a nick both nodes gave out at once stays unindexed until one side renames.
      this.usersById.set(user.id, user);
      if (this.users.has(key)) this.shadowed.add(user);
      else this.index(key, user);
      return null;
    }
    if (!this.isValidNick(user.nick)) return RoomError.InvalidNick;
    if (this.users.has(key)) return RoomError.NickInUse;
    this.index(key, user);
    this.usersById.set(user.id, user);
    this.publish({ t: "user", user: describeUser(user) });
    return null;
  }

  isRegistered(user: User): boolean {
    return this.usersById.get(user.id) === user;
  }

  /** Take `user` out of the nick index; a user of another node waiting for that nick gets it. */
  private unindex(user: User): void {
    if (this.shadowed.delete(user)) return;
    const key = fold(user.nick);
    if (this.users.get(key) !== user) return;
    this.users.delete(key);
    this.count(user, -1);
    for (const waiting of this.shadowed) {
      if (fold(waiting.nick) !== key) continue;
      this.shadowed.delete(waiting);
      this.index(key, waiting);
      return;
    }
  }

  private index(key: string, user: User): void {
    this.users.set(key, user);
    this.count(user, 1);
  }

  private count(user: User, sign: 1 | -1): void {
    if (user.invisible) this.invisibleCount += sign;
    if (user.oper) this.operCount += sign;
  }

  /** Invisible (+i) users and operators among the registered, as LUSERS reports them. */
  get modeCounts(): { invisible: number; opers: number } {
    return { invisible: this.invisibleCount, opers: this.operCount };
  }

  /** +i or -i. */
  setInvisible(user: User, on: boolean): void {
    this.recount(user, () => {
      user.invisible = on;
    });
  }

  /** A registered user's +i or +o changes through here, so that the counts stay right. */
  private recount(user: User, change: () => void): void {
    const indexed = this.users.get(fold(user.nick)) === user;
    if (indexed) this.count(user, -1);
    change();
    if (indexed) this.count(user, 1);
  }

  rename(user: User, nick: string): RoomError | null {
    if (!this.replaying && !this.isValidNick(nick)) return RoomError.InvalidNick;
    const key = fold(nick);
    const holder = this.users.get(key);
    if (holder && holder !== user && !this.replaying) return RoomError.NickInUse;
    if (nick === user.nick) return null;
    const old = user.nick;
    this.unindex(user);
    user.nick = nick;
    if (holder && holder !== user) this.shadowed.add(user);
    else this.index(key, user);
    this.remember(user, old);
    this.emit({ type: "nick", user, old }, this.audience(user, true));
    this.publish({ t: "nick", id: user.id, nick });
    return null;
  }

  /** The user is gone: they leave every room, and everyone who shared one is told once. */
  remove(user: User, reason: string): void {
    if (!this.isRegistered(user)) return;
    const audience = this.audience(user, false);
    const rooms = [...user.rooms];
    for (const room of rooms) this.leave(room, user);
    this.unindex(user);
    this.usersById.delete(user.id);
    this.remember(user, user.nick);
    this.emit({ type: "quit", user, reason, rooms }, audience);
    this.publish({ t: "quit", id: user.id, reason });
  }

  lookupWhowas(nick: string): WhowasEntry[] {
    const key = fold(nick);
    return this.whowas.filter((entry) => fold(entry.nick) === key).reverse();
  }

  setAway(user: User, message: string | null): void {
    user.away = message;
    this.emit({ type: "away", user }, this.audience(user, false));
    this.publish({ t: "away", id: user.id, away: message });
  }

  /** A user became an IRC operator (WHOIS shows it on every node), or gave it up (-o, this node only). */
  setOper(user: User, on: boolean): void {
    if (user.oper === on) return;
    this.recount(user, () => {
      user.oper = on;
    });
    if (on) this.publish({ t: "oper", id: user.id });
  }

  // ---- rooms

  join(user: User, name: string, options: JoinOptions = {}): { room: Room } | { error: RoomError } {
    if (!this.isValidRoomName(name)) return { error: RoomError.InvalidRoomName };
    let room = this.findRoom(name);
    if (room?.members.has(user)) return { error: RoomError.AlreadyInRoom };
    if (!options.force) {
      if (user.rooms.size >= this.limits.maxRoomsPerUser) return { error: RoomError.TooManyRooms };
      if (room) {
        const refusal = this.joinRefusal(room, user, options.key);
        if (refusal) return { error: refusal };
      }
    }
    const created = room === undefined;
    if (!room) {
      room = new Room(name, fold(name), this.refFor(name));
      this.rooms.set(room.key, room);
      this.byRef.set(room.ref, room);
    }
    const status = options.status ?? { op: created, voice: false };
    room.members.set(user, { ...status });
    room.invited.delete(fold(user.nick));
    user.enter(room);
    this.emit({ type: "join", room, user }, room.members.keys());
    this.publish({ t: "join", id: user.id, room: room.name, ref: room.ref, ...status });
    return { room };
  }

  part(user: User, room: Room, reason: string): RoomError | null {
    if (!room.members.has(user)) return RoomError.NotInRoom;
    this.emit({ type: "part", room, user, reason }, room.members.keys());
    this.leave(room, user);
    this.publish({ t: "part", id: user.id, room: room.name, reason });
    return null;
  }

  kick(by: Source, room: Room, target: User, reason: string): RoomError | null {
    if (by && !by.oper && !this.trusted(by)) {
      if (!room.members.has(by)) return RoomError.NotInRoom;
      if (!room.isOp(by)) return RoomError.NotOperator;
    }
    if (!room.members.has(target)) return RoomError.TargetNotInRoom;
    this.emit({ type: "kick", room, by, user: target, reason }, room.members.keys());
    this.leave(room, target);
    this.publish({ t: "kick", by: by?.id ?? null, room: room.name, id: target.id, reason });
    return null;
  }

  invite(by: User, room: Room, target: User): RoomError | null {
    if (!this.trusted(by)) {
      if (!room.members.has(by)) return RoomError.NotInRoom;
      if (room.members.has(target)) return RoomError.AlreadyInRoom;
      if (room.modes.inviteOnly && !room.isOp(by)) return RoomError.NotOperator;
    }
    room.invited.add(fold(target.nick));
    this.emit({ type: "invite", room, by, user: target }, [target]);
    this.publish({ t: "invite", by: by.id, room: room.name, id: target.id });
    return null;
  }

  setTopic(by: Source, room: Room, text: string): RoomError | null {
    if (by && !this.trusted(by)) {
      if (!room.members.has(by)) return RoomError.NotInRoom;
      if (room.modes.topicLocked && !room.isOp(by)) return RoomError.NotOperator;
    }
    const trimmed = text.slice(0, this.limits.topicLength);
    room.topic = trimmed === "" ? null : { text: trimmed, setBy: by ? by.mask : "server", setAt: Date.now() };
    this.emit({ type: "topic", room, by, topic: room.topic }, room.members.keys());
    this.publish({ t: "topic", by: by?.id ?? null, room: room.name, text: trimmed });
    return null;
  }

  /**
   * Apply channel mode changes in order; those that cannot apply are reported and skipped. Only the
   * changes that took effect are told to the room.
   */
  setModes(
    by: Source,
    room: Room,
    changes: readonly ModeChange[],
  ): Array<{ change: ModeChange; error: RoomError }> {
    const errors: Array<{ change: ModeChange; error: RoomError }> = [];
    if (by && !room.isOp(by) && !by.oper && !this.trusted(by)) {
      const error = room.members.has(by) ? RoomError.NotOperator : RoomError.NotInRoom;
      return changes.map((change) => ({ change, error }));
    }
    const applied: ModeChange[] = [];
    for (const change of changes) {
      const error = this.applyMode(room, change, by);
      if (error) errors.push({ change, error });
      else if (change.mode !== "b" || change.param !== undefined) applied.push(change);
    }
    if (applied.length > 0) {
      this.emit({ type: "mode", room, by, changes: applied }, room.members.keys());
      this.publish({ t: "mode", by: by?.id ?? null, room: room.name, changes: applied });
    }
    return errors;
  }

  /**
   * Send to a room or to one user. The sender is among the recipients; its front-end decides. `tags` are
   * IRC client-only tags (`+typing`), passed on by front-ends that can carry them.
   */
  message(
    from: Source,
    target: Room | User,
    text: string,
    kind: "privmsg" | "notice",
    tags?: Readonly<Record<string, string>>,
  ): RoomError | null {
    const time = Date.now();
    if (target instanceof Room) {
      const refusal = this.replaying ? null : this.canSend(from, target);
      if (refusal) return refusal;
      if (from) from.lastActiveAt = unixSeconds(time);
      this.emit(
        { type: "message", kind, from, room: target, to: null, text, time, tags },
        target.members.keys(),
      );
      this.publish({ t: "msg", from: from?.id ?? null, room: target.name, to: null, text, kind, tags });
      return null;
    }
    if (target.protocol === "seed") return RoomError.NoPrivateMessages;
    if (from) from.lastActiveAt = unixSeconds(time);
    const recipients = from && from !== target ? [target, from] : [target];
    this.emit({ type: "message", kind, from, room: null, to: target, text, time, tags }, recipients);
    this.publish({ t: "msg", from: from?.id ?? null, room: null, to: target.id, text, kind, tags });
    return null;
  }

  /** Whether `from` may speak in `room` (+n, +m, bans); null when it may. */
  canSend(from: Source, room: Room): RoomError | null {
    if (!from || from.oper) return null;
    const status = room.members.get(from);
    if (!status && room.modes.noExternal) return RoomError.CannotSend;
    if (room.modes.moderated && !status?.op && !status?.voice) return RoomError.CannotSend;
    if (!status?.op && !status?.voice && this.isBanned(room, from)) return RoomError.CannotSend;
    return null;
  }

  /** Users who share a room with `user`, each once; with `user` too when `self`. */
  audience(user: User, self: boolean): Set<User> {
    const out = new Set<User>();
    if (self) out.add(user);
    for (const room of user.rooms)
      for (const member of room.members.keys()) if (member !== user) out.add(member);
    return out;
  }

  isBanned(room: Room, user: User): boolean {
    if (room.bans.length === 0) return false;
    const mask = fold(user.mask);
    return room.bans.some((ban) => globMatch(fold(ban.mask), mask));
  }

  // ---- internals

  private joinRefusal(room: Room, user: User, key: string | undefined): RoomError | null {
    const invited = room.invited.has(fold(user.nick));
    if (room.members.size >= this.limits.maxMembersPerRoom) return RoomError.RoomFull;
    if (room.modes.limit !== null && room.members.size >= room.modes.limit) return RoomError.RoomFull;
    if (room.modes.inviteOnly && !invited) return RoomError.InviteOnly;
    if (room.modes.key !== null && room.modes.key !== key) return RoomError.BadKey;
    if (!invited && this.isBanned(room, user)) return RoomError.Banned;
    return null;
  }

  private applyMode(room: Room, change: ModeChange, by: Source): RoomError | null {
    const on = change.sign === "+";
    const modes = room.modes;
    switch (change.mode) {
      case "o":
      case "v": {
        if (change.param === undefined) return RoomError.NeedMoreParams;
        const target = this.findUser(change.param);
        if (!target) return RoomError.NoSuchNick;
        const status = room.members.get(target);
        if (!status) return RoomError.TargetNotInRoom;
        if (change.mode === "o") status.op = on;
        else status.voice = on;
        change.param = target.nick;
        return null;
      }
      case "b": {
        if (change.param === undefined) return null; // a ban list query, answered by the front-end
        const mask = normaliseMask(change.param);
        const at = room.bans.findIndex((ban) => fold(ban.mask) === fold(mask));
        if (on && at === -1) room.bans.push({ mask, setBy: by ? by.mask : "server", setAt: Date.now() });
        if (!on && at !== -1) room.bans.splice(at, 1);
        change.param = mask;
        return null;
      }
      case "k":
        if (on && (change.param === undefined || change.param === "")) return RoomError.NeedMoreParams;
        modes.key = on ? (change.param ?? null) : null;
        if (!on) change.param = "*";
        return null;
      case "l": {
        if (!on) {
          modes.limit = null;
          return null;
        }
        const limit = Number(change.param);
        if (change.param === undefined || !Number.isSafeInteger(limit) || limit < 1)
          return RoomError.NeedMoreParams;
        modes.limit = limit;
        change.param = String(limit);
        return null;
      }
      case "i":
        modes.inviteOnly = on;
        return null;
      case "m":
        modes.moderated = on;
        return null;
      case "n":
        modes.noExternal = on;
        return null;
      case "s":
        modes.secret = on;
        return null;
      case "t":
        modes.topicLocked = on;
        return null;
      default:
        return RoomError.UnknownMode;
    }
  }

  private leave(room: Room, user: User): void {
    room.members.delete(user);
    user.exit(room);
    if (room.members.size === 0) {
      this.rooms.delete(room.key);
      this.byRef.delete(room.ref);
      if (this.aliases.size > 0)
        for (const [ref, r] of this.aliases) if (r === room) this.aliases.delete(ref);
    }
  }

  private remember(user: User, nick: string): void {
    this.whowas.push({
      nick,
      username: user.username,
      hostname: user.hostname,
      realname: user.realname,
      leftAt: Date.now(),
    });
    if (this.whowas.length > this.limits.whowasEntries) this.whowas.shift();
  }

  /** Hand an event to each recipient's front-end, once per front-end. */
  private emit(event: RoomEvent, recipients: Iterable<User>): void {
    // Rooms are usually of one front-end or two: group without a Map for the common case.
    let first: Frontend | null = null;
    const firstUsers: User[] = [];
    let others: Map<Frontend, User[]> | null = null;
    for (const user of recipients) {
      if (first === null || user.frontend === first) {
        first = user.frontend;
        firstUsers.push(user);
        continue;
      }
      others ??= new Map();
      const list = others.get(user.frontend);
      if (list) list.push(user);
      else others.set(user.frontend, [user]);
    }
    if (first) first.deliver(event, firstUsers);
    if (others) for (const [frontend, users] of others) frontend.deliver(event, users);
  }
}

/** `nick` → `nick!*@*`, `nick!user` → `nick!user@*`, as servers complete ban masks. */
export function normaliseMask(mask: string): string {
  if (!mask.includes("!") && !mask.includes("@")) return `${mask}!*@*`;
  if (!mask.includes("@")) return `${mask}@*`;
  if (!mask.includes("!")) return `*!${mask}`;
  return mask;
}

/** IRC glob: `*` any run, `?` one character. Both sides already folded. */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === "?" || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      mark = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[p] === "*") p++;
  return p === pattern.length;
}

/** A user as the bus carries it. */
export function describeUser(user: User): UserInfo {
  return {
    id: user.id,
    nick: user.nick,
    username: user.username,
    hostname: user.hostname,
    realname: user.realname,
    protocol: user.protocol,
    away: user.away,
    oper: user.oper,
    connectedAt: user.connectedAt * 1000,
  };
}
