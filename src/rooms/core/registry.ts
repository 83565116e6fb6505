// The rooms and their users: one owner per process, no protocol. Every change is one operation: a front-end
// asks (`join`, `message`, ...), the registry decides (checks → an error, or an operation stamped with its
// time and id), then applies it. `apply` is the one place state changes: it mutates, tells the users
// concerned through their front-ends, and is run unchanged, without checks, for another node's operations.
// The observer (the bus) hears of every operation decided here.
import { randomBytes } from "node:crypto";
import { fold } from "./casemap.js";
import { type Clock, systemClock } from "./clock.js";
import { RoomError } from "./errors.js";
import type { Frontend, ModeChange, RoomEvent, Source, UserWatcher } from "./events.js";
import { entryHolds, type ListSubject, listSubject, normaliseEntry } from "./extbans.js";
import { globMatch } from "./glob.js";
import type { KeptState, RoomKeeper } from "./kept-rooms.js";
import type { MultilineLine } from "./multiline.js";
import {
  type Creation,
  compareCreations,
  compareStamps,
  type KickOperation,
  type MemberRank,
  type MessageKind,
  type MetadataChange,
  type Operation,
  type RegistrationKind,
  type RoomSnapshot,
  type Stamp,
  type StatusTarget,
  type UserInfo,
} from "./operations.js";
import { ReadMarkers } from "./read-markers.js";
import { RECENT_PER_ROOM, RECENT_PRIVATE, REDACTION_WINDOW_MS, RecentMessages } from "./recent.js";
import { RemoteUser } from "./remote.js";
import { defaultModes, isListMode, isValidKey, type ListMode, maskList, Room } from "./room.js";
import { type BanSubject, banNotice, type ServerBan, ServerBanList, type StampedBan } from "./server-bans.js";
import { type User, unixSeconds } from "./user.js";

export { globMatch, RoomError };

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
}

/** Told of every operation decided on this node, after it is applied here, to pass on to the others. */
export interface OperationObserver {
  changed(op: Operation): void;
}

/**
 * Told of every message applied on this node, after its delivery: this node's (`local`) and the others'.
 * The store's history writes down what it keeps; `to` is the recipient of a message to one user.
 */
export interface MessageRecorder {
  message(
    op: Extract<Operation, { t: "message" }>,
    from: Source,
    room: Room | null,
    to: User | null,
    local: boolean,
  ): void;
  /** A room was renamed: its history follows it (`local`: decided on this node). */
  rename?(oldName: string, newName: string, local: boolean): void;
  /** A message of `room` was redacted: the history drops it (`local`: decided on this node). */
  redact?(op: Extract<Operation, { t: "redact" }>, room: Room, local: boolean): void;
}

/**
 * Why a rename is refused: not in the room, not its operator, the new name invalid or taken, or the room
 * registered (ChanServ keeps it by its name).
 */
export type RenameRefusal = RoomError | "invalid" | "in-use" | "registered";

/**
 * Why a metadata change is refused: not one's own or a room one operates (server operators may change any),
 * more keys than the target may have, or a key to remove that is not set.
 */
export type MetadataRefusal = "permission" | "limit" | "not-set";

/**
 * Why a redaction is refused: not a target one may redact in, no such recent message, not one's own, or
 * sent longer ago than REDACTION_WINDOW_MS (server operators have no window).
 */
export type RedactRefusal = "target" | "unknown" | "forbidden" | "expired";

/** User modes a user changes on itself. */
export interface UserModes {
  invisible?: boolean;
  oper?: boolean;
  wallops?: boolean;
  bot?: boolean;
}

/** JOIN_IDs and ROOM_REFs of one node: node n numbers from n × NODE_SPAN, so no two nodes share one. */
export const NODE_SPAN = 10_000_000;

/**
 * How long a room that lost its last member here keeps its settings: operations decided where it still had
 * members arrive within the bus's delay, and a join decided there brings it back as they left it.
 */
export const DORMANT_MS = 60_000;

/** How long joins to the name a room was renamed from are redirected to its new name (draft/channel-rename). */
export const RENAME_REDIRECT_MS = 3_600_000;

// RFC 2812 nicknames: a letter or special first, then letters, digits, specials and '-'.
const NICK = /^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]*$/;

/** Whether `nick` may be a nickname (and so an account's name) under `limits`. */
export function isValidNickname(nick: string, limits: RoomLimits = DEFAULT_ROOM_LIMITS): boolean {
  return nick.length > 0 && nick.length <= limits.nickLength && NICK.test(nick);
}
// Channels: '#', then anything but NUL, BEL, CR, LF, space, comma and colon.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it excludes
const ROOM_NAME = /^#[^\0\x07\r\n ,:]+$/;

const FLAG_FIELDS: Record<string, "inviteOnly" | "moderated" | "noExternal" | "secret" | "topicLocked"> = {
  i: "inviteOnly",
  m: "moderated",
  n: "noExternal",
  s: "secret",
  t: "topicLocked",
};

export class RoomRegistry {
  /** Registered users by folded nick. */
  readonly users = new Map<string, User>();
  /** How many of `users` are invisible (+i) and how many are operators, for LUSERS without a scan. */
  private invisibleCount = 0;
  private operCount = 0;
  /** Rooms with members, by folded name. */
  readonly rooms = new Map<string, Room>();
  /** This node's service users (NickServ, ChanServ) by folded nick: found by nick, counted nowhere. */
  readonly services = new Map<string, User>();
  /** Registered users by id (JOIN_ID), this node's and the others'. */
  readonly usersById = new Map<number, User>();
  private readonly refs = new Map<string, number>();
  private readonly knownRefs = new Set<number>();
  private readonly byRef = new Map<number, Room>();
  /**
   * Rooms without members here, by folded name, in the order they were emptied, each kept DORMANT_MS: a
   * later operation decided under that creation still applies to it, and a join decided under it brings it
   * back with what it had. `dormantSince` is the same rooms oldest first, to forget them.
   */
  private readonly dormant = new Map<string, Dormant[]>();
  private readonly dormantSince: Dormant[] = [];
  /**
   * This node's users kicked by another node's operation, by room: their next join there carries the kick,
   * for nodes that hear of the join first.
   */
  private readonly kicked = new Map<number, Map<string, KickOperation>>();
  /**
   * Operations about a membership that has not begun here (a part, a kick, a +o or +v decided on a node that
   * heard of the join first), by the membership's id, applied when its join comes; kept DORMANT_MS (they
   * may be about one that has ended: a part and a kick at once), oldest first.
   */
  private readonly early = new Map<string, { ops: Operation[]; since: number }>();
  /**
   * Names rooms were renamed from, by folded name: the room's name now, and until when a join to the old
   * name is redirected to it. Kept on every node (each applies the renames).
   */
  private readonly renamedFrom = new Map<string, { name: string; until: number }>();
  /** Another node's ROOM_REF for a room that has one here already (both nodes created it at once). */
  private readonly aliases = new Map<number, Room>();
  private lastRef = 0;
  private readonly whowas: WhowasEntry[] = [];
  /** The first id and ROOM_REF of this node (0 when it runs alone). */
  private base = 0;
  /** Users of other nodes whose nick is held here by someone else, for the moment of a collision. */
  private readonly shadowed = new Set<User>();
  /** K-lines and D-lines, the same on every node. */
  readonly serverBans = new ServerBanList();
  /** Told of every user's arrival, departure and changes (IRC's MONITOR). */
  readonly watchers: UserWatcher[] = [];
  /** Every account's read markers (IRCv3 draft/read-marker), the same on every node. */
  readonly readMarkers = new ReadMarkers();
  /** This node's last private messages, for redaction. */
  private readonly recentPrivate = new RecentMessages(RECENT_PRIVATE);
  /** Passes this node's operations on; null when the node runs alone. */
  observer: OperationObserver | null = null;
  /** Writes messages down (the history); null when nothing is kept. */
  recorder: MessageRecorder | null = null;
  /** Registered rooms (ChanServ): their kept state and founders; null when none are kept. */
  keeper: RoomKeeper | null = null;
  /** Told of every account and channel registered or dropped, on any node (`local`: on this one). */
  registrations:
    | ((kind: RegistrationKind, name: string, registered: boolean, local: boolean) => void)
    | null = null;
  /** This node, as operations decided here name their origin (the bus's node id once joined). */
  origin: string;
  /** Operation ids are this prefix (random per process: unique across nodes and restarts) and a count. */
  private readonly idPrefix = randomBytes(9).toString("base64url");
  private lastSeq = 0;

  constructor(
    readonly limits: RoomLimits = DEFAULT_ROOM_LIMITS,
    readonly clock: Clock = systemClock,
  ) {
    this.origin = this.idPrefix;
  }

  /** Number this node's ids and refs from `node` × NODE_SPAN. */
  setNodeNumber(node: number): void {
    this.base = node * NODE_SPAN;
  }

  /** A connection's user id (its JOIN_ID), unique across nodes. */
  userId(connectionId: number): number {
    return this.base + connectionId;
  }

  /** A new stamp: now, here, and a fresh id (a message's msgid). */
  stamp(): Stamp {
    this.lastSeq += 1;
    return { time: this.clock.now(), origin: this.origin, id: this.idPrefix + this.lastSeq.toString(36) };
  }

  /** A new stamp ordered after `known` (a change decided knowing of another comes after it, clocks aside). */
  private stampAfter(known: Stamp | null): Stamp {
    const stamp = this.stamp();
    if (known && compareStamps(stamp, known) <= 0) stamp.time = known.time + 1;
    return stamp;
  }

  // ---- names and lookups

  isValidNick(nick: string): boolean {
    return isValidNickname(nick, this.limits);
  }

  isValidRoomName(name: string): boolean {
    return name.length > 1 && name.length <= this.limits.roomNameLength && ROOM_NAME.test(name);
  }

  findUser(nick: string): User | undefined {
    const key = fold(nick);
    return this.users.get(key) ?? this.services.get(key);
  }

  /** A service user of this node: found by nick and sent to, its nick taken, no operation. */
  addService(user: User): void {
    this.services.set(fold(user.nick), user);
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

  /**
   * The name a room renamed from `name` bears now, while joins to the old name are redirected
   * (RENAME_REDIRECT_MS after the rename); null when there is none, or a room of the old name exists again.
   */
  renamedTo(name: string): string | null {
    const key = fold(name);
    const entry = this.renamedFrom.get(key);
    if (!entry || this.rooms.has(key)) return null;
    if (entry.until > this.clock.now()) return entry.name;
    this.renamedFrom.delete(key);
    return null;
  }

  /** Whether `ref` was ever given to a room (its room may be gone: rooms without members are dropped). */
  isKnownRef(ref: number): boolean {
    return this.knownRefs.has(ref);
  }

  isRegistered(user: User): boolean {
    return this.usersById.get(user.id) === user;
  }

  /** Invisible (+i) users and operators among the registered, as LUSERS reports them. */
  get modeCounts(): { invisible: number; opers: number } {
    return { invisible: this.invisibleCount, opers: this.operCount };
  }

  lookupWhowas(nick: string): WhowasEntry[] {
    const key = fold(nick);
    return this.whowas.filter((entry) => fold(entry.nick) === key).reverse();
  }

  /** Whether `from` may speak in `room` (+n, +m, bans); null when it may. */
  canSend(from: Source, room: Room): RoomError | null {
    if (!from || from.oper) return null;
    const status = room.members.get(from);
    if (!status && room.modes.noExternal) return RoomError.NoExternalMessages;
    if (status?.op || status?.voice) return null;
    if (room.modes.moderated) return RoomError.Moderated;
    if (this.isBanned(room, from, true)) return RoomError.BannedFromSending;
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

  /**
   * Whether a ban holds `user`: one that matches it (by mask or account, extbans.ts) with no +e exception
   * that matches it. `speaking`: mute bans (`m:`) count too, as they keep one from speaking but not from
   * joining; an `m:` exception exempts from those only.
   */
  isBanned(room: Room, user: User, speaking = false): boolean {
    if (room.bans.length === 0) return false;
    const subject = listSubject(user);
    let muted = false;
    for (const ban of room.bans) {
      const holds = entryHolds(ban.mask, subject);
      if (holds === "all") {
        if (!this.exempt(room, subject, "all")) return true;
      } else if (holds === "mute" && speaking) muted = true;
    }
    return muted && !this.exempt(room, subject, "mute");
  }

  /** Whether a +e entry exempts `subject` from bans that do `what`: every entry from all, m: from mutes. */
  private exempt(room: Room, subject: ListSubject, what: "all" | "mute"): boolean {
    for (const entry of room.exceptions) {
      const holds = entryHolds(entry.mask, subject);
      if (holds === "all" || (holds === "mute" && what === "mute")) return true;
    }
    return false;
  }

  /** Whether a +I entry lets `user` past +i. */
  private inviteExempt(room: Room, user: User): boolean {
    if (room.inviteExceptions.length === 0) return false;
    const subject = listSubject(user);
    return room.inviteExceptions.some((entry) => entryHolds(entry.mask, subject) === "all");
  }

  // ---- deciding: checks, then an operation applied here and passed on

  /** Apply an operation decided here, and hand it to the observer. */
  private submit(op: Operation, local?: User): void {
    if (op.t === "join" && this.keeper) this.keepJoin(op);
    this.apply(op, local);
    this.observer?.changed(op);
  }

  /**
   * A join decided here, into a registered room (ChanServ's): its founder joins as its operator, anyone
   * else who makes it again does not, and the room comes back with what it kept.
   */
  private keepJoin(op: Extract<Operation, { t: "join" }>): void {
    const user = this.usersById.get(op.user);
    if (!this.keeper || !user) return;
    const founder = this.keeper.isFounder(op.room, user);
    if (op.snapshot !== null) {
      if (founder) op.op = true;
      return;
    }
    const kept = this.keeper.kept(op.room);
    if (!kept) return;
    op.op = founder;
    const stamp = { time: op.time, origin: op.origin, id: op.id };
    op.snapshot = keptSnapshot(op.room, op.ref, op.created, kept, stamp);
  }

  /** Claim `user.nick` for a newly registered user of this node. */
  add(user: User): RoomError | null {
    if (!this.isValidNick(user.nick)) return RoomError.InvalidNick;
    if (this.users.has(fold(user.nick)) || this.services.has(fold(user.nick))) return RoomError.NickInUse;
    this.submit({ t: "connect", user: describeUser(user), ...this.stamp() }, user);
    return null;
  }

  rename(user: User, nick: string): RoomError | null {
    if (!this.isValidNick(nick)) return RoomError.InvalidNick;
    const holder = this.findUser(nick);
    if (holder && holder !== user) return RoomError.NickInUse;
    if (nick === user.nick) return null;
    this.submit({ t: "nick", user: user.id, nick, ...this.stamp() });
    return null;
  }

  /** The user is gone: they leave every room, and everyone who shared one is told once. */
  remove(user: User, reason: string): void {
    if (!this.isRegistered(user)) return;
    this.submit({ t: "quit", user: user.id, reason, ...this.stamp() });
  }

  /** A new realname (IRCv3 setname), told to the user and everyone who shares a room. */
  setRealname(user: User, realname: string): void {
    if (!this.isRegistered(user)) {
      user.realname = realname;
      return;
    }
    this.submit({ t: "setname", user: user.id, realname, ...this.stamp() });
  }

  /** Change a user's username and host (an operator's CHGHOST); both as the front-end checked them. */
  changeHost(by: Source, target: User, username: string, hostname: string): RoomError | null {
    if (by && !by.oper) return RoomError.NotServerOperator;
    if (!this.isRegistered(target)) return RoomError.NoSuchNick;
    if (target.username === username && target.hostname === hostname) return null;
    this.submit({ t: "chghost", by: by?.id ?? null, user: target.id, username, hostname, ...this.stamp() });
    return null;
  }

  setAway(user: User, message: string | null): void {
    if (!this.isRegistered(user)) {
      user.away = message;
      return;
    }
    this.submit({ t: "away", user: user.id, away: message, ...this.stamp() });
  }

  /** An account or channel was registered or dropped here: every node is told. */
  noteRegistration(kind: RegistrationKind, name: string, registered: boolean): void {
    this.submit({ t: "registration", kind, name, registered, ...this.stamp() });
  }

  /** Log `user` in to `account` (its name as registered), or out with null; every node learns it. */
  setAccount(user: User, account: string | null): void {
    if (!this.isRegistered(user)) {
      user.account = account;
      return;
    }
    if (user.account === account) return;
    this.submit({ t: "account", user: user.id, account, ...this.stamp() });
  }

  /** A user's own modes (+i, +o through OPER, +w); only what changes is told. */
  setUserModes(user: User, modes: UserModes): void {
    const op: Operation = { t: "umode", user: user.id, ...this.stamp() };
    let changed = false;
    if (modes.invisible !== undefined && modes.invisible !== user.invisible) {
      op.invisible = modes.invisible;
      changed = true;
    }
    if (modes.oper !== undefined && modes.oper !== user.oper) {
      op.oper = modes.oper;
      changed = true;
    }
    if (modes.bot !== undefined && modes.bot !== user.bot) {
      op.bot = modes.bot;
      changed = true;
    }
    if (modes.wallops !== undefined && modes.wallops !== user.wallops) {
      op.wallops = modes.wallops;
      changed = true;
    }
    if (changed) this.submit(op);
  }

  join(user: User, name: string, options: JoinOptions = {}): { room: Room } | { error: RoomError } {
    if (!this.isValidRoomName(name)) return { error: RoomError.InvalidRoomName };
    const room = this.findRoom(name);
    if (room?.members.has(user)) return { error: RoomError.AlreadyInRoom };
    // A registered room comes back with what it kept; its founder is its operator.
    const kept = room ? null : (this.keeper?.kept(name) ?? null);
    const founder = this.keeper?.isFounder(name, user) ?? false;
    if (!options.force) {
      if (user.rooms.size >= this.limits.maxRoomsPerUser) return { error: RoomError.TooManyRooms };
      const current = room ?? (kept && !founder ? keptRoom(name, kept) : undefined);
      if (current) {
        const refusal = this.joinRefusal(current, user, options.key);
        if (refusal) return { error: refusal };
      }
    }
    const stamp = this.stamp();
    let created: Creation = room ? room.created : { ...stamp };
    // A room made again outranks those this node saw go, for nodes that still keep one.
    const gone = room ? undefined : this.dormant.get(fold(name));
    if (gone)
      created = { ...created, gen: 1 + Math.max(...gone.map((entry) => entry.room.created.gen ?? 0)) };
    const op: Extract<Operation, { t: "join" }> = {
      t: "join",
      user: user.id,
      room: room?.name ?? name,
      ref: room?.ref ?? this.refFor(name),
      created,
      // The creator of a room is its operator.
      op: room === undefined,
      voice: false,
      snapshot: room ? snapshotOf(room) : null,
      ...stamp,
    };
    const invites = room?.invited.get(user.id);
    if (invites) op.invites = [...invites];
    const kicks = this.kicked.get(user.id);
    const ended = kicks?.get(fold(name));
    if (ended) {
      op.ended = ended;
      kicks?.delete(fold(name));
      if (kicks?.size === 0) this.kicked.delete(user.id);
    }
    this.submit(op);
    return { room: this.findRoom(name) as Room };
  }

  /**
   * An operator's SAJOIN (or the console's /join): past keys, bans, limits and invitations. Another node's
   * user is joined by its own node, as IRC networks route SAJOIN to the user's server.
   */
  forceJoin(by: Source, user: User, name: string): RoomError | null {
    if (!user.frontend.remote) {
      const result = this.join(user, name, { force: true });
      return "error" in result ? result.error : null;
    }
    if (!this.isValidRoomName(name)) return RoomError.InvalidRoomName;
    if (this.findRoom(name)?.members.has(user)) return RoomError.AlreadyInRoom;
    this.submit({ t: "sajoin", by: by?.id ?? null, user: user.id, room: name, ...this.stamp() });
    return null;
  }

  /** An operator's SAPART (or the console's /part); another node's user is parted by its own node. */
  forcePart(by: Source, user: User, room: Room, reason: string): RoomError | null {
    if (!room.members.has(user)) return RoomError.TargetNotInRoom;
    if (!user.frontend.remote) return this.part(user, room, reason);
    this.submit({ t: "sapart", by: by?.id ?? null, user: user.id, room: room.name, reason, ...this.stamp() });
    return null;
  }

  part(user: User, room: Room, reason: string): RoomError | null {
    const status = room.members.get(user);
    if (!status) return RoomError.NotInRoom;
    this.submit({
      t: "part",
      user: user.id,
      room: room.name,
      member: status.member,
      reason,
      ...this.stamp(),
    });
    return null;
  }

  kick(by: Source, room: Room, target: User, reason: string): RoomError | null {
    if (by && !by.oper) {
      if (!room.members.has(by)) return RoomError.NotInRoom;
      if (!room.isOp(by)) return RoomError.NotOperator;
    }
    const status = room.members.get(target);
    if (!status) return RoomError.TargetNotInRoom;
    this.submit({
      t: "kick",
      by: by?.id ?? null,
      room: room.name,
      user: target.id,
      member: status.member,
      reason,
      ...this.stamp(),
    });
    return null;
  }

  invite(by: Source, room: Room, target: User): RoomError | null {
    if (by) {
      if (!room.members.has(by)) return RoomError.NotInRoom;
      if (room.members.has(target)) return RoomError.AlreadyInRoom;
      if (room.modes.inviteOnly && !room.isOp(by)) return RoomError.NotOperator;
    }
    this.submit({
      t: "invite",
      by: by?.id ?? null,
      room: room.name,
      created: room.created,
      user: target.id,
      ...this.stamp(),
    });
    return null;
  }

  setTopic(by: Source, room: Room, text: string): RoomError | null {
    if (by) {
      if (!room.members.has(by)) return RoomError.NotInRoom;
      if (room.modes.topicLocked && !room.isOp(by)) return RoomError.NotOperator;
    }
    const trimmed = text.slice(0, this.limits.topicLength);
    this.submit({
      t: "topic",
      by: by?.id ?? null,
      room: room.name,
      created: room.created,
      text: trimmed,
      ...this.stamp(),
    });
    return null;
  }

  /**
   * Channel mode changes, checked in order; those that cannot apply are reported and skipped, the others
   * become one operation. A `b` without a parameter (a list query) is the front-end's to answer.
   */
  setModes(
    by: Source,
    room: Room,
    changes: readonly ModeChange[],
  ): Array<{ change: ModeChange; error: RoomError }> {
    if (by && !room.isOp(by) && !by.oper) {
      const error = room.members.has(by) ? RoomError.NotOperator : RoomError.NotInRoom;
      return changes.map((change) => ({ change, error }));
    }
    const errors: Array<{ change: ModeChange; error: RoomError }> = [];
    const valid: ModeChange[] = [];
    const targets: Array<StatusTarget | null> = [];
    for (const wanted of changes) {
      const change = { ...wanted };
      let target: StatusTarget | null = null;
      const error = this.checkMode(room, change, (found) => {
        target = found;
      });
      if (error) errors.push({ change, error });
      else if (!isListMode(change.mode) || change.param !== undefined) {
        valid.push(change);
        targets.push(target);
      }
    }
    if (valid.length > 0)
      this.submit({
        t: "mode",
        by: by?.id ?? null,
        room: room.name,
        created: room.created,
        changes: valid,
        targets,
        ...this.stamp(),
      });
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
    kind: MessageKind,
    tags?: Readonly<Record<string, string>>,
    status?: MemberRank,
    lines?: readonly MultilineLine[],
  ): RoomError | null {
    let room: string | null = null;
    let to: number | null = null;
    if (target instanceof Room) {
      const refusal = this.canSend(from, target);
      if (refusal) return refusal;
      room = target.name;
    } else {
      if (target.protocol === "seed") return RoomError.NoPrivateMessages;
      if (target.frontend.service || from?.frontend.service) {
        this.serviceMessage(from, target, text, kind);
        return null;
      }
      to = target.id;
    }
    // The hot path: the operation built in one piece, and applied with the room already in hand.
    this.lastSeq += 1;
    const op: Extract<Operation, { t: "message" }> = {
      t: "message",
      kind,
      from: from?.id ?? null,
      room,
      to,
      text,
      time: this.clock.now(),
      origin: this.origin,
      id: this.idPrefix + this.lastSeq.toString(36),
    };
    if (tags) op.tags = { ...tags };
    if (status && room !== null) op.status = status;
    if (lines) op.lines = lines.map((line) => ({ ...line }));
    this.applyMessage(op, from, target instanceof Room ? target : undefined);
    this.observer?.changed(op);
    return null;
  }

  /** To or from a service user: told here only, with no operation (nothing for the bus to carry). */
  private serviceMessage(from: Source, to: User, text: string, kind: MessageKind): void {
    const { time, id } = this.stamp();
    const recipients = from && from !== to ? [to, from] : [to];
    this.emit({ type: "message", kind, from, room: null, to, text, time, id }, recipients);
  }

  /**
   * Rename a room (IRCv3 draft/channel-rename), keeping its members, modes, topic and lists: by its
   * operators. A change of case only is a rename too.
   */
  renameRoom(by: User, room: Room, name: string, reason: string): RenameRefusal | null {
    if (!room.members.has(by)) return RoomError.NotInRoom;
    if (!room.isOp(by)) return RoomError.NotOperator;
    if (!this.isValidRoomName(name)) return "invalid";
    const taken = this.rooms.get(fold(name));
    if (taken && taken !== room) return "in-use";
    if (this.keeper?.kept(room.name) || this.keeper?.kept(name)) return "registered";
    if (name === room.name) return null;
    this.submit({
      t: "rename",
      by: by.id,
      room: room.name,
      created: room.created,
      name,
      reason,
      ...this.stamp(),
    });
    return null;
  }

  /**
   * Redact a message (IRCv3 draft/message-redaction): its sender may, and in a room its operators, and
   * server operators. Only messages still remembered (the last RECENT_PER_ROOM of a room, RECENT_PRIVATE
   * private ones of this node) can be: the others are unknown.
   */
  redact(by: User, target: Room | User, msgid: string, reason: string): RedactRefusal | null {
    if (target instanceof Room) {
      if (!target.members.has(by) && !by.oper) return "target";
      const found = target.recent?.find(msgid);
      if (!found) return "unknown";
      if (found.from !== by.id && !target.isOp(by) && !by.oper) return "forbidden";
      if (!by.oper && this.clock.now() - found.time > REDACTION_WINDOW_MS) return "expired";
      this.submit({ t: "redact", by: by.id, room: target.name, to: null, msgid, reason, ...this.stamp() });
      return null;
    }
    const found = this.recentPrivate.find(msgid);
    const between =
      found !== undefined &&
      ((found.from === by.id && found.to === target.id) || (found.from === target.id && found.to === by.id));
    // A message of another conversation is unknown here, not forbidden: its existence is not told.
    if (!found || !between) return "unknown";
    if (found.from !== by.id && !by.oper) return "forbidden";
    if (!by.oper && this.clock.now() - found.time > REDACTION_WINDOW_MS) return "expired";
    this.submit({ t: "redact", by: by.id, room: null, to: target.id, msgid, reason, ...this.stamp() });
    return null;
  }

  /**
   * `user`'s account has read `target` (a channel or nick, as it should be told) up to `time`, never later
   * than now: its marker moves forward on every node, and the account's connections are told. The marker in
   * force after (the one before when `time` is no later); null for a user logged in to no account.
   */
  markRead(user: User, target: string, time: number): number | null {
    const account = user.account;
    if (account === null) return null;
    const read = Math.min(time, this.clock.now());
    const known = this.readMarkers.get(account, target);
    if (known !== null && known >= read) return known;
    this.submit({ t: "markread", account, target, read, ...this.stamp() });
    return read;
  }

  /**
   * Change metadata (IRCv3 draft/metadata-2) of a user (itself, or anyone for a server operator) or a room
   * (its operators, server operators): one operation on every node, the changes that change something only.
   * A target holds at most `maxKeys` keys. A user not yet registered keeps its own until it registers.
   */
  setMetadata(
    by: User,
    target: User | Room,
    changes: readonly MetadataChange[],
    maxKeys: number,
  ): MetadataRefusal | null {
    const room = target instanceof Room ? target : null;
    if (room ? !room.isOp(by) && !by.oper : target !== by && !by.oper) return "permission";
    const current = target.metadata;
    if (changes.some((change) => change.value === null && !current?.has(change.key))) return "not-set";
    const real = changes.filter((change) => (current?.get(change.key) ?? null) !== change.value);
    const after = new Map(current ?? []);
    for (const { key, value } of real) {
      if (value === null) after.delete(key);
      else after.set(key, value);
    }
    if (after.size > maxKeys && after.size > (current?.size ?? 0)) return "limit";
    if (real.length === 0) return null;
    if (!room && !this.isRegistered(target as User)) {
      target.metadata = after.size > 0 ? after : null;
      return null;
    }
    this.submit({
      t: "metadata",
      by: by.id,
      user: room ? null : (target as User).id,
      room: room ? room.name : null,
      created: room ? room.created : null,
      changes: real.map((change) => ({ ...change })),
      ...this.stamp(),
    });
    return null;
  }

  /** A message to every operator and every user with +w, on every node. */
  wallops(from: Source, text: string): RoomError | null {
    if (from && !from.oper) return RoomError.NotServerOperator;
    this.submit({ t: "wallops", from: from?.id ?? null, text, ...this.stamp() });
    return null;
  }

  /** Close a user's connection, wherever it is: its node closes it and tells everyone it quit. */
  kill(by: Source, target: User, reason: string): RoomError | null {
    if (by && !by.oper) return RoomError.NotServerOperator;
    if (!this.isRegistered(target)) return RoomError.NoSuchNick;
    this.submit({ t: "kill", by: by?.id ?? null, user: target.id, reason, ...this.stamp() });
    return null;
  }

  /**
   * Ban a user@host (K-line) or an address (D-line) from the server, on every node: each node disconnects
   * its own users under it, and new connections under it are refused until it ends.
   */
  banServer(by: Source, ban: Omit<ServerBan, "setAt">): RoomError | null {
    if (by && !by.oper) return RoomError.NotServerOperator;
    const stamp = this.stampAfter(this.serverBans.stampOf(ban.kind, ban.mask));
    this.submit({ t: "ban", ban: { ...ban, setAt: stamp.time }, ...stamp });
    return null;
  }

  /** Lift a ban on every node: the ban lifted, or null when there was none in force. */
  unbanServer(
    by: Source,
    kind: ServerBan["kind"],
    mask: string,
  ): { error: RoomError } | { lifted: StampedBan | null } {
    if (by && !by.oper) return { error: RoomError.NotServerOperator };
    const found = this.serverBans.find(kind, mask, this.clock.now());
    if (found) this.submit({ t: "unban", kind, mask: found.mask, ...this.stampAfter(found.stamp) });
    return { lifted: found };
  }

  /** The ban in force that `who` falls under, if any: a new connection is refused for it. */
  serverBanOf(who: BanSubject): StampedBan | null {
    return this.serverBans.match(who, this.clock.now());
  }

  private joinRefusal(room: Room, user: User, key: string | undefined): RoomError | null {
    const invited = room.invited.has(user.id);
    if (room.members.size >= this.limits.maxMembersPerRoom) return RoomError.RoomFull;
    // An invitation lets one in past +l as past +i (Modern IRC), never past the server's own ceiling.
    if (room.modes.limit !== null && room.members.size >= room.modes.limit && !invited)
      return RoomError.RoomFull;
    if (room.modes.inviteOnly && !invited && !this.inviteExempt(room, user)) return RoomError.InviteOnly;
    if (room.modes.key !== null && room.modes.key !== key) return RoomError.BadKey;
    if (!invited && this.isBanned(room, user)) return RoomError.Banned;
    return null;
  }

  /** Check one mode change and write its parameter as it will be told; `target` hears an o/v target. */
  private checkMode(room: Room, change: ModeChange, target: (found: StatusTarget) => void): RoomError | null {
    const on = change.sign === "+";
    switch (change.mode) {
      case "o":
      case "v": {
        if (change.param === undefined) return RoomError.NeedMoreParams;
        const user = this.findUser(change.param);
        if (!user) return RoomError.NoSuchNick;
        const status = room.members.get(user);
        if (!status) return RoomError.TargetNotInRoom;
        change.param = user.nick;
        target({ user: user.id, member: status.member });
        return null;
      }
      case "b":
      case "e":
      case "I": {
        if (change.param === undefined) return null;
        // An extended ban keeps its prefix; a mask is completed (`nick` → `nick!*@*`).
        const entry = normaliseEntry(change.mode, change.param);
        if (entry === null) return RoomError.InvalidModeParam;
        change.param = entry;
        return null;
      }
      case "k":
        if (!on) change.param = "*";
        else if (change.param === undefined) return RoomError.NeedMoreParams;
        else if (!isValidKey(change.param)) return RoomError.InvalidModeParam;
        return null;
      case "l": {
        if (!on) {
          delete change.param;
          return null;
        }
        if (change.param === undefined) return RoomError.NeedMoreParams;
        const limit = /^[0-9]+$/.test(change.param) ? Number(change.param) : 0;
        if (!Number.isSafeInteger(limit) || limit < 1) return RoomError.InvalidModeParam;
        change.param = String(limit);
        return null;
      }
      case "i":
      case "m":
      case "n":
      case "s":
      case "t":
        delete change.param;
        return null;
      default:
        return RoomError.UnknownMode;
    }
  }

  // ---- applying: the one place state changes, the same for this node's operations and the others'

  /**
   * Apply an operation. No permission checks: it was checked where it was decided. `local` is the user
   * object of a connect decided here (another node's user becomes a RemoteUser).
   */
  apply(op: Operation, local?: User): void {
    switch (op.t) {
      case "connect":
        this.applyConnect(op, local);
        return;
      case "nick":
        this.applyNick(op);
        return;
      case "quit":
        this.applyQuit(op);
        return;
      case "away": {
        const user = this.usersById.get(op.user);
        if (!user) return;
        user.away = op.away;
        const event: RoomEvent = { type: "away", user, time: op.time, id: op.id };
        this.emit(event, this.audience(user, false));
        this.tellWatchers(event);
        return;
      }
      case "setname": {
        const user = this.usersById.get(op.user);
        if (!user) return;
        user.realname = op.realname;
        const event: RoomEvent = { type: "setname", user, time: op.time, id: op.id };
        this.emit(event, this.audience(user, true));
        this.tellWatchers(event);
        return;
      }
      case "chghost": {
        const user = this.usersById.get(op.user);
        if (!user) return;
        const oldMask = user.mask;
        user.username = op.username;
        user.hostname = op.hostname;
        const event: RoomEvent = { type: "chghost", user, oldMask, time: op.time, id: op.id };
        this.emit(event, this.audience(user, true));
        this.tellWatchers(event);
        return;
      }
      case "umode":
        this.applyUserModes(op);
        return;
      case "account": {
        const user = this.usersById.get(op.user);
        if (!user || user.account === op.account) return;
        user.account = op.account;
        this.emit({ type: "account", user, time: op.time, id: op.id }, this.audience(user, true));
        return;
      }
      case "registration":
        this.registrations?.(op.kind, op.name, op.registered, op.origin === this.origin);
        return;
      case "join":
        this.applyJoin(op);
        return;
      case "part":
      case "kick":
        this.applyLeave(op);
        return;
      case "invite": {
        const room = this.roomFor(op.room, op.created, false);
        if (!room) return;
        room.invite(op.user, op.id);
        const user = this.usersById.get(op.user);
        if (!user) return;
        // The invited user, and the members: front-ends tell those who asked (IRCv3 invite-notify).
        const recipients = new Set<User>(room.members.keys());
        recipients.add(user);
        this.emit(
          { type: "invite", room, by: this.source(op.by), user, time: op.time, id: op.id },
          recipients,
        );
        return;
      }
      case "topic":
        this.applyTopic(op);
        return;
      case "mode":
        this.applyModes(op);
        return;
      case "message":
        this.applyMessage(op);
        return;
      case "redact":
        this.applyRedact(op);
        return;
      case "rename":
        this.applyRename(op);
        return;
      case "markread": {
        if (!this.readMarkers.set(op.account, op.target, op.read, op.origin === this.origin)) return;
        // The account's connections on this node, whatever their nick.
        const account = fold(op.account);
        const recipients: User[] = [];
        for (const user of this.usersById.values())
          if (!user.frontend.remote && user.account !== null && fold(user.account) === account)
            recipients.push(user);
        this.emit(
          { type: "markread", target: op.target, read: op.read, time: op.time, id: op.id },
          recipients,
        );
        return;
      }
      case "metadata":
        this.applyMetadata(op);
        return;
      case "wallops": {
        const recipients: User[] = [];
        for (const user of this.usersById.values()) if (user.wallops || user.oper) recipients.push(user);
        const from = this.source(op.from);
        this.emit({ type: "wallops", from, text: op.text, time: op.time, id: op.id }, recipients);
        return;
      }
      case "kill": {
        // The user's own node closes the connection, then decides its quit like any other.
        const user = this.usersById.get(op.user);
        if (!user || user.frontend.remote) return;
        user.frontend.disconnect?.(user, op.reason);
        this.remove(user, op.reason);
        return;
      }
      case "sajoin":
      case "sapart": {
        // The user's own node decides the join or part, as of what it knows then; the others wait for it.
        const user = this.usersById.get(op.user);
        if (!user || user.frontend.remote) return;
        if (op.t === "sajoin") {
          if (!this.findRoom(op.room)?.members.has(user)) this.join(user, op.room, { force: true });
          return;
        }
        const room = this.findRoom(op.room);
        if (room?.members.has(user)) this.part(user, room, op.reason);
        return;
      }
      case "ban":
        if (this.serverBans.set({ ...op.ban, stamp: { time: op.time, origin: op.origin, id: op.id } }))
          this.enforce(op.ban);
        return;
      case "unban":
        this.serverBans.remove(op.kind, op.mask, { time: op.time, origin: op.origin, id: op.id });
        return;
    }
  }

  /** This node's users under a new ban are disconnected, saying why; each node does so for its own. */
  private enforce(ban: ServerBan): void {
    const now = this.clock.now();
    const covered: User[] = [];
    for (const user of this.usersById.values()) {
      if (user.frontend.remote) continue;
      const who = {
        username: user.username,
        hostname: user.hostname,
        address: user.frontend.address?.(user) ?? user.hostname,
      };
      if (ServerBanList.covers(ban, who, now)) covered.push(user);
    }
    const reason = banNotice(ban);
    for (const user of covered) {
      user.frontend.disconnect?.(user, reason);
      this.remove(user, reason);
    }
  }

  private source(id: number | null): User | null {
    return id === null ? null : (this.usersById.get(id) ?? null);
  }

  private applyConnect(op: Extract<Operation, { t: "connect" }>, local?: User): void {
    const info = op.user;
    const known = this.usersById.get(info.id);
    if (known) {
      // Told again (a node's users are announced to a newcomer): bring it up to date.
      if (known instanceof RemoteUser) {
        this.recount(known, () => {
          known.away = info.away;
          known.invisible = info.invisible;
          known.oper = info.oper;
          known.wallops = info.wallops;
          known.bot = info.bot === true;
          known.realname = info.realname;
          known.username = info.username;
          known.hostname = info.hostname;
          known.account = info.account ?? null;
          known.metadata = info.metadata ? new Map(Object.entries(info.metadata)) : null;
        });
        // A nick change not heard of here (during an outage), with the stamp it was given then.
        if (known.nick !== info.nick)
          this.applyNick({ t: "nick", user: info.id, nick: info.nick, ...(info.since ?? stampOf(op)) });
      }
      return;
    }
    const user = local ?? new RemoteUser(info, op.origin);
    this.usersById.set(user.id, user);
    user.nickSince = info.since ?? stampOf(op);
    const loser = this.take(user);
    this.tellWatchers({ type: "connect", user, time: op.time, id: op.id });
    this.collide(loser);
  }

  private applyNick(op: Extract<Operation, { t: "nick" }>): void {
    const user = this.usersById.get(op.user);
    if (!user || user.nick === op.nick) return;
    const old = user.nick;
    this.unindex(user);
    user.nick = op.nick;
    user.nickSince = stampOf(op);
    const loser = this.take(user);
    this.remember(user, old, op.time);
    const event: RoomEvent = { type: "nick", user, old, time: op.time, id: op.id };
    this.emit(event, this.audience(user, true));
    this.tellWatchers(event);
    this.collide(loser);
  }

  /**
   * Index `user` under its nick. Two nodes may give one nick to two users at once: the one given it first
   * (by the stamps of the operations that gave it, the same order on every node) keeps it; the other waits
   * unindexed, and is returned, until its own node renames it.
   */
  private take(user: User): User | null {
    const key = fold(user.nick);
    const holder = this.users.get(key);
    if (holder === user) return null;
    if (!holder) {
      this.index(key, user);
      return null;
    }
    if (compareStamps(nickOrder(user), nickOrder(holder)) >= 0) {
      this.shadowed.add(user);
      return user;
    }
    this.users.delete(key);
    this.count(holder, -1);
    this.shadowed.add(holder);
    this.index(key, user);
    return holder;
  }

  /** A user of this node lost its nick to one given it at the same moment elsewhere: it becomes Guest<id>. */
  private collide(loser: User | null): void {
    if (!loser || loser.frontend.remote) return;
    const nick = loser.nick;
    const fallback = `Guest${loser.id}`;
    loser.frontend.notice?.(
      loser,
      `The nickname ${nick} was taken on another node at the same moment; you are now ${fallback}`,
    );
    if (this.rename(loser, fallback) !== null) this.kill(null, loser, "Nickname collision");
  }

  private applyQuit(op: Extract<Operation, { t: "quit" }>): void {
    const user = this.usersById.get(op.user);
    if (!user) return;
    const audience = this.audience(user, false);
    const rooms = [...user.rooms];
    for (const room of rooms) this.leave(room, user);
    this.kicked.delete(user.id);
    this.unindex(user);
    this.usersById.delete(user.id);
    this.remember(user, user.nick, op.time);
    const event: RoomEvent = { type: "quit", user, reason: op.reason, rooms, time: op.time, id: op.id };
    this.emit(event, audience);
    this.tellWatchers(event);
  }

  private applyUserModes(op: Extract<Operation, { t: "umode" }>): void {
    const user = this.usersById.get(op.user);
    if (!user) return;
    const changes: ModeChange[] = [];
    this.recount(user, () => {
      if (op.invisible !== undefined && user.invisible !== op.invisible) {
        user.invisible = op.invisible;
        changes.push({ sign: op.invisible ? "+" : "-", mode: "i" });
      }
      if (op.oper !== undefined && user.oper !== op.oper) {
        user.oper = op.oper;
        changes.push({ sign: op.oper ? "+" : "-", mode: "o" });
      }
      if (op.wallops !== undefined && user.wallops !== op.wallops) {
        user.wallops = op.wallops;
        changes.push({ sign: op.wallops ? "+" : "-", mode: "w" });
      }
      if (op.bot !== undefined && user.bot !== op.bot) {
        user.bot = op.bot;
        changes.push({ sign: op.bot ? "+" : "-", mode: "B" });
      }
    });
    if (changes.length > 0) this.emit({ type: "umode", user, changes, time: op.time, id: op.id }, [user]);
  }

  private applyJoin(op: Extract<Operation, { t: "join" }>): void {
    const user = this.usersById.get(op.user);
    if (!user) return;
    this.learnRef(op.room, op.ref);
    // The kick that ended the user's last membership on another node, if this node has not heard of it
    // yet: its members are told of it first, as everywhere else.
    if (op.ended && this.findRoom(op.room)?.members.get(user)?.member === op.ended.member)
      this.applyLeave(op.ended);
    let room = this.roomFor(op.room, op.created, true);
    let status = op.op || op.voice;
    if (room) {
      if (op.snapshot) merge(room, op.snapshot);
      if (op.invites) room.useInvites(user.id, op.invites);
    } else {
      // Decided in a room that lost a creation race: the member joins the older one without its status.
      room = this.findRoom(op.room) as Room;
      status = false;
    }
    const stamp: Stamp = { time: op.time, origin: op.origin, id: op.id };
    const membership = {
      op: status && op.op,
      voice: status && op.voice,
      member: op.id,
      opStamp: status && op.op ? stamp : null,
      voiceStamp: status && op.voice ? stamp : null,
    };
    const current = room.members.get(user);
    if (current) {
      // Told again (a node's memberships are announced to a newcomer), or, after an outage, a membership
      // that ended unheard of here: the newer one takes its place.
      if (current.member !== op.id) Object.assign(current, membership);
      return;
    }
    room.members.set(user, membership);
    user.enter(room);
    this.emit({ type: "join", room, user, time: op.time, id: op.id }, room.members.keys());
    const early = this.early.get(op.id);
    if (early) {
      this.early.delete(op.id);
      for (const later of early.ops) this.apply(later);
    }
  }

  /** Keep `op` until the membership `member` begins here (it may have ended already: then it expires). */
  private park(member: string, op: Operation): void {
    const now = this.clock.now();
    const parked = this.early.get(member);
    if (parked) parked.ops.push(op);
    else this.early.set(member, { ops: [op], since: now });
    for (const [id, entry] of this.early) {
      if (now - entry.since < DORMANT_MS) break;
      this.early.delete(id);
    }
  }

  private applyLeave(op: Extract<Operation, { t: "part" | "kick" }>): void {
    const user = this.usersById.get(op.user);
    const room = this.findRoom(op.room);
    const current = user && room ? room.members.get(user)?.member : undefined;
    // Only the membership it was decided on: never one that began after it. One not begun here yet (its
    // join still on its way from another node) ends when it begins.
    if (current !== op.member) {
      if (user) this.park(op.member, op);
      return;
    }
    if (!user || !room) return;
    if (op.t === "kick" && op.origin !== this.origin && !user.frontend.remote) {
      let kicks = this.kicked.get(user.id);
      if (!kicks) {
        kicks = new Map();
        this.kicked.set(user.id, kicks);
      }
      kicks.set(room.key, op);
    }
    const event: RoomEvent =
      op.t === "part"
        ? { type: "part", room, user, reason: op.reason, time: op.time, id: op.id }
        : { type: "kick", room, by: this.source(op.by), user, reason: op.reason, time: op.time, id: op.id };
    this.emit(event, room.members.keys());
    this.leave(room, user);
  }

  private applyTopic(op: Extract<Operation, { t: "topic" }>): void {
    const room = this.roomFor(op.room, op.created, false);
    if (!room || !newer(room, "topic", op)) return;
    const by = this.source(op.by);
    room.topic = op.text === "" ? null : { text: op.text, setBy: by ? by.mask : "server", setAt: op.time };
    this.emit({ type: "topic", room, by, topic: room.topic, time: op.time, id: op.id }, room.members.keys());
    this.keeper?.changed(room, op.origin === this.origin);
  }

  private applyModes(op: Extract<Operation, { t: "mode" }>): void {
    const room = this.roomFor(op.room, op.created, false);
    if (!room) return;
    const by = this.source(op.by);
    const applied: ModeChange[] = [];
    op.changes.forEach((change, i) => {
      if (this.applyMode(room, change, op.targets[i] ?? null, op, by)) applied.push(change);
    });
    if (applied.length === 0) return;
    this.emit({ type: "mode", room, by, changes: applied, time: op.time, id: op.id }, room.members.keys());
    this.keeper?.changed(room, op.origin === this.origin);
  }

  /** One change, if it is the latest to its field; false when a later one holds already. */
  private applyMode(
    room: Room,
    change: ModeChange,
    target: StatusTarget | null,
    op: Extract<Operation, { t: "mode" }>,
    by: Source,
  ): boolean {
    const stamp: Stamp = op;
    const on = change.sign === "+";
    const modes = room.modes;
    switch (change.mode) {
      case "o":
      case "v": {
        if (!target) return false;
        const user = this.usersById.get(target.user);
        const status = user ? room.members.get(user) : undefined;
        if (!user || !status || status.member !== target.member) {
          // A membership not begun here yet takes the change when it does.
          if (user) this.park(target.member, { ...op, changes: [{ ...change }], targets: [target] });
          return false;
        }
        const previous = change.mode === "o" ? status.opStamp : status.voiceStamp;
        if (previous && compareStamps(stamp, previous) < 0) return false;
        if (change.mode === "o") {
          status.op = on;
          status.opStamp = stamp;
        } else {
          status.voice = on;
          status.voiceStamp = stamp;
        }
        change.param = user.nick;
        return true;
      }
      case "b":
      case "e":
      case "I": {
        const mask = change.param as string;
        const list = maskList(room, change.mode);
        if (!newer(room, `${change.mode}:${fold(mask)}`, stamp)) return false;
        const at = list.findIndex((ban) => fold(ban.mask) === fold(mask));
        if (at !== -1) list.splice(at, 1);
        // The latest +b says who set it, wherever the two arrive in another order.
        if (on) list.push({ mask, setBy: by ? by.mask : "server", setAt: stamp.time });
        return true;
      }
      case "k":
        if (!newer(room, "k", stamp)) return false;
        modes.key = on ? (change.param ?? null) : null;
        return true;
      case "l":
        if (!newer(room, "l", stamp)) return false;
        modes.limit = on ? Number(change.param) : null;
        return true;
      default: {
        const field = FLAG_FIELDS[change.mode];
        if (!field || !newer(room, change.mode, stamp)) return false;
        modes[field] = on;
        return true;
      }
    }
  }

  /** `known`: the sender and room as the deciding call had them, when it was this node's. */
  private applyMessage(op: Extract<Operation, { t: "message" }>, sender?: Source, known?: Room): void {
    const from = sender !== undefined ? sender : this.source(op.from);
    if (op.from !== null && !from) return;
    if (from) from.lastActiveAt = unixSeconds(op.time);
    if (op.room !== null) {
      const room = known ?? this.findRoom(op.room);
      if (!room) return;
      const event: RoomEvent = {
        type: "message",
        kind: op.kind,
        from,
        room,
        to: null,
        text: op.text,
        tags: op.tags,
        time: op.time,
        id: op.id,
      };
      if (op.lines) event.lines = op.lines;
      room.recent ??= new RecentMessages(RECENT_PER_ROOM);
      room.recent.add(op.id, op.from, null, op.time);
      if (op.status === undefined) {
        this.emit(event, room.members.keys());
        this.recorder?.message(op, from, room, null, op.origin === this.origin);
        return;
      }
      // To part of the room: its operators (and voiced members), and the sender for its echo.
      event.status = op.status;
      const recipients: User[] = [];
      for (const [member, rank] of room.members)
        if (member === from || rank.op || (op.status === "v" && rank.voice)) recipients.push(member);
      this.emit(event, recipients);
      return;
    }
    const to = this.usersById.get(op.to ?? -1);
    if (!to) return;
    const recipients = from && from !== to ? [to, from] : [to];
    const event: RoomEvent = {
      type: "message",
      kind: op.kind,
      from,
      room: null,
      to,
      text: op.text,
      tags: op.tags,
      time: op.time,
      id: op.id,
    };
    if (op.lines) event.lines = op.lines;
    this.recentPrivate.add(op.id, op.from, op.to, op.time);
    this.emit(event, recipients);
    this.recorder?.message(op, from, null, to, op.origin === this.origin);
  }

  /**
   * A room takes its new name everywhere it is known under the creation the rename was decided under. A
   * room of the new name already here (made at once on another node) keeps it: the rename is lost here.
   */
  private applyRename(op: Extract<Operation, { t: "rename" }>): void {
    const room = this.findRoom(op.room);
    if (!room || room.created.id !== op.created.id) return;
    const key = fold(op.name);
    const taken = this.rooms.get(key);
    if (taken && taken !== room) return;
    const old = room.name;
    this.rooms.delete(room.key);
    room.name = op.name;
    room.key = key;
    this.rooms.set(key, room);
    // Its ROOM_REF goes with it; a room made again under the old name is another room, with another ref.
    if (fold(old) !== key) this.refs.delete(fold(old));
    this.redirect(fold(old), op.name, op.time + RENAME_REDIRECT_MS);
    this.refs.set(key, room.ref);
    const by = this.source(op.by);
    this.emit(
      { type: "rename", room, by, old, reason: op.reason, time: op.time, id: op.id },
      room.members.keys(),
    );
    this.recorder?.rename?.(old, op.name, op.origin === this.origin);
  }

  /**
   * A user's metadata (told to it and those who share a room with it) or a room's (told to its members),
   * each change applied unless a later one to its key holds already (rooms: stamps per key).
   */
  private applyMetadata(op: Extract<Operation, { t: "metadata" }>): void {
    const by = this.source(op.by);
    if (op.user !== null) {
      const user = this.usersById.get(op.user);
      if (!user) return;
      const changes = changeMetadata(user, op.changes);
      if (changes.length > 0)
        this.emit(
          { type: "metadata", by, user, room: null, changes, time: op.time, id: op.id },
          this.audience(user, true),
        );
      return;
    }
    if (op.room === null || op.created === null) return;
    const room = this.roomFor(op.room, op.created, false);
    if (!room) return;
    const latest = op.changes.filter((change) => newer(room, `md:${change.key}`, op));
    const changes = changeMetadata(room, latest);
    if (changes.length > 0)
      this.emit(
        { type: "metadata", by, user: null, room, changes, time: op.time, id: op.id },
        room.members.keys(),
      );
  }

  /**
   * A room renamed from `old` (folded) to `name`: names it was renamed from before follow it there, and
   * joins to `old` go to `name` until `until` (not for a change of case).
   */
  private redirect(old: string, name: string, until: number): void {
    const now = this.clock.now();
    for (const [from, entry] of this.renamedFrom) {
      if (entry.until <= now) this.renamedFrom.delete(from);
      else if (fold(entry.name) === old) entry.name = name;
    }
    if (fold(name) === old) return;
    this.renamedFrom.delete(fold(name));
    this.renamedFrom.set(old, { name, until });
  }

  private applyRedact(op: Extract<Operation, { t: "redact" }>): void {
    const by = this.source(op.by);
    const { msgid, reason, time, id } = op;
    if (op.room !== null) {
      const room = this.findRoom(op.room);
      if (!room) return;
      room.recent?.remove(msgid);
      this.emit({ type: "redact", by, room, to: null, msgid, reason, time, id }, room.members.keys());
      this.recorder?.redact?.(op, room, op.origin === this.origin);
      return;
    }
    this.recentPrivate.remove(msgid);
    const to = this.usersById.get(op.to ?? -1) ?? null;
    const recipients: User[] = [];
    if (by) recipients.push(by);
    if (to && to !== by) recipients.push(to);
    this.emit({ type: "redact", by, room: null, to, msgid, reason, time, id }, recipients);
  }

  /**
   * The room an operation decided under the creation `created` is about, settling rooms made under one name
   * at once on two nodes as IRC networks settle channel timestamps (`compareCreations`): the room with
   * members here if it is that creation; reset to it if it outranks that room (operators, modes and topic go;
   * what a dormant room of that creation kept comes back); null if that room outranks it: the operation
   * lost. With no members here, the same against the dormant rooms of that name (a join that lost brings
   * back the one that outranks it), else the dormant room of that creation, or a new one: `revive` (a join)
   * gives it members again, else it stays dormant.
   */
  private roomFor(name: string, created: Creation, revive: boolean): Room | null {
    const key = fold(name);
    const alive = this.rooms.get(key);
    if (alive) {
      const order = compareCreations(created, alive.created);
      if (order > 0) return null;
      if (order < 0) this.reset(alive, created);
      return alive;
    }
    let room: Room | undefined;
    let best: Room | undefined;
    for (const { room: kept } of this.dormant.get(key) ?? []) {
      if (kept.created.id === created.id) room = kept;
      else if (!best || compareCreations(kept.created, best.created) < 0) best = kept;
    }
    if (best && compareCreations(best.created, created) < 0) {
      if (revive) this.revive(best);
      return null;
    }
    if (!room) {
      room = new Room(name, key, this.refFor(name), { ...created });
      if (!revive) this.keepDormant(room);
    }
    if (revive) this.revive(room);
    return room;
  }

  /** A room without members here gets them again. */
  private revive(room: Room): void {
    this.forget(room);
    this.rooms.set(room.key, room);
    this.byRef.set(room.ref, room);
  }

  /** `room` lost a creation race to the older `created`; its members are told what it takes away. */
  private reset(room: Room, created: Creation): void {
    // One mode change from the server, and the topic cleared.
    const lost = resetChanges(room);
    const hadTopic = room.topic !== null;
    room.reset({ ...created });
    const kept = this.dormant.get(room.key)?.find((entry) => entry.room.created.id === created.id)?.room;
    if (kept) {
      this.forget(kept);
      room.adopt(kept);
    }
    const { time, id } = created;
    if (lost.length > 0)
      this.emit({ type: "mode", room, by: null, changes: lost, time, id }, room.members.keys());
    if (hadTopic) this.emit({ type: "topic", room, by: null, topic: null, time, id }, room.members.keys());
  }

  /** Keep a room without members for DORMANT_MS, and forget those kept longer. */
  private keepDormant(room: Room): void {
    const now = this.clock.now();
    const entry: Dormant = { room, since: now };
    const kept = this.dormant.get(room.key);
    if (kept) kept.push(entry);
    else this.dormant.set(room.key, [entry]);
    this.dormantSince.push(entry);
    let expired = 0;
    while (expired < this.dormantSince.length) {
      const old = this.dormantSince[expired] as Dormant;
      if (now - old.since < DORMANT_MS) break;
      this.forget(old.room, old);
      expired += 1;
    }
    if (expired > 0) this.dormantSince.splice(0, expired);
  }

  /**
   * A dormant room is no longer kept: it has members again, or `entry` (its keeping since it was last
   * emptied) has lasted long enough.
   */
  private forget(room: Room, entry?: Dormant): void {
    const kept = this.dormant.get(room.key);
    const at = kept?.findIndex((e) => e.room === room && (entry === undefined || e === entry)) ?? -1;
    if (!kept || at === -1) return;
    kept.splice(at, 1);
    if (kept.length === 0) this.dormant.delete(room.key);
  }

  // ---- internals

  /** Take `user` out of the nick index; a user of another node waiting for that nick gets it. */
  private unindex(user: User): void {
    if (this.shadowed.delete(user)) return;
    const key = fold(user.nick);
    if (this.users.get(key) !== user) return;
    this.users.delete(key);
    this.count(user, -1);
    let first: User | null = null;
    for (const waiting of this.shadowed)
      if (fold(waiting.nick) === key && (!first || compareStamps(nickOrder(waiting), nickOrder(first)) < 0))
        first = waiting;
    if (!first) return;
    this.shadowed.delete(first);
    this.index(key, first);
  }

  private index(key: string, user: User): void {
    this.users.set(key, user);
    this.count(user, 1);
  }

  private count(user: User, sign: 1 | -1): void {
    if (user.invisible) this.invisibleCount += sign;
    if (user.oper) this.operCount += sign;
  }

  /** A registered user's +i or +o changes through here, so that the counts stay right. */
  private recount(user: User, change: () => void): void {
    const indexed = this.users.get(fold(user.nick)) === user;
    if (indexed) this.count(user, -1);
    change();
    if (indexed) this.count(user, 1);
  }

  private leave(room: Room, user: User): void {
    room.members.delete(user);
    user.exit(room);
    if (room.members.size === 0) {
      this.rooms.delete(room.key);
      this.byRef.delete(room.ref);
      if (this.aliases.size > 0)
        for (const [ref, r] of this.aliases) if (r === room) this.aliases.delete(ref);
      // Kept a while: operations decided where it still has members may be on their way.
      this.keepDormant(room);
    }
  }

  private remember(user: User, nick: string, time: number): void {
    this.whowas.push({
      nick,
      username: user.username,
      hostname: user.hostname,
      realname: user.realname,
      leftAt: time,
    });
    if (this.whowas.length > this.limits.whowasEntries) this.whowas.shift();
  }

  private tellWatchers(event: Parameters<UserWatcher["userChanged"]>[0]): void {
    for (const watcher of this.watchers) watcher.userChanged(event);
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

/** A room without members here, and since when. */
interface Dormant {
  room: Room;
  since: number;
}

/** The changes that take `room` back to a new room's modes and statuses. */
function resetChanges(room: Room): ModeChange[] {
  const changes: ModeChange[] = [];
  const fresh = defaultModes();
  for (const [letter, field] of Object.entries(FLAG_FIELDS))
    if (room.modes[field] !== fresh[field]) changes.push({ sign: fresh[field] ? "+" : "-", mode: letter });
  if (room.modes.key !== null) changes.push({ sign: "-", mode: "k", param: "*" });
  if (room.modes.limit !== null) changes.push({ sign: "-", mode: "l" });
  for (const ban of room.bans) changes.push({ sign: "-", mode: "b", param: ban.mask });
  for (const entry of room.exceptions) changes.push({ sign: "-", mode: "e", param: entry.mask });
  for (const entry of room.inviteExceptions) changes.push({ sign: "-", mode: "I", param: entry.mask });
  for (const [user, status] of room.members) {
    if (status.op) changes.push({ sign: "-", mode: "o", param: user.nick });
    if (status.voice) changes.push({ sign: "-", mode: "v", param: user.nick });
  }
  return changes;
}

/** Whether `stamp` is the latest change to `field` of `room`; if so it is noted as such. */
function newer(room: Room, field: string, stamp: Stamp): boolean {
  const previous = room.stamps.get(field);
  if (previous && compareStamps(stamp, previous) < 0) return false;
  room.stamps.set(field, { time: stamp.time, origin: stamp.origin, id: stamp.id });
  return true;
}

/** Apply metadata changes to a user or room; the ones that changed something. */
function changeMetadata(target: User | Room, changes: readonly MetadataChange[]): MetadataChange[] {
  const applied: MetadataChange[] = [];
  for (const change of changes) {
    const current = target.metadata?.get(change.key) ?? null;
    if (current === change.value) continue;
    if (change.value === null) target.metadata?.delete(change.key);
    else {
      target.metadata ??= new Map();
      target.metadata.set(change.key, change.value);
    }
    applied.push(change);
  }
  if (target.metadata?.size === 0) target.metadata = null;
  return applied;
}

/** A room's state with its stamps, as a join carries it. */
export function snapshotOf(room: Room): RoomSnapshot {
  return {
    name: room.name,
    ref: room.ref,
    created: room.created,
    topic: room.topic ? { ...room.topic } : null,
    modes: { ...room.modes },
    bans: room.bans.map((ban) => ({ ...ban })),
    exceptions: room.exceptions.map((entry) => ({ ...entry })),
    inviteExceptions: room.inviteExceptions.map((entry) => ({ ...entry })),
    ...(room.metadata ? { metadata: Object.fromEntries(room.metadata) } : {}),
    stamps: Object.fromEntries(room.stamps),
  };
}

/** A registered room as it would be again, with no members: what a joiner is checked against. */
function keptRoom(name: string, kept: KeptState): Room {
  const room = new Room(name, fold(name), 0, { time: 0, origin: "", id: "" });
  room.topic = kept.topic;
  Object.assign(room.modes, kept.modes);
  room.bans.push(...kept.bans);
  room.exceptions.push(...kept.exceptions);
  room.inviteExceptions.push(...kept.inviteExceptions);
  return room;
}

/** A registered room's kept state as the snapshot its creating join carries, every field stamped by it. */
function keptSnapshot(
  name: string,
  ref: number,
  created: Stamp,
  kept: KeptState,
  stamp: Stamp,
): RoomSnapshot {
  const stamps: Record<string, Stamp> = { topic: stamp, k: stamp, l: stamp };
  for (const letter of Object.keys(FLAG_FIELDS)) stamps[letter] = stamp;
  for (const ban of kept.bans) stamps[`b:${fold(ban.mask)}`] = stamp;
  for (const entry of kept.exceptions) stamps[`e:${fold(entry.mask)}`] = stamp;
  for (const entry of kept.inviteExceptions) stamps[`I:${fold(entry.mask)}`] = stamp;
  return {
    name,
    ref,
    created,
    topic: kept.topic ? { ...kept.topic } : null,
    modes: { ...kept.modes },
    bans: kept.bans.map((ban) => ({ ...ban })),
    exceptions: kept.exceptions.map((entry) => ({ ...entry })),
    inviteExceptions: kept.inviteExceptions.map((entry) => ({ ...entry })),
    stamps,
  };
}

/** Take from `snapshot` each field it changed later than `room` did (both under the same creation). */
function merge(room: Room, snapshot: RoomSnapshot): void {
  if (compareStamps(snapshot.created, room.created) !== 0) return;
  for (const [field, stamp] of Object.entries(snapshot.stamps)) {
    const ours = room.stamps.get(field);
    if (ours && compareStamps(stamp, ours) <= 0) continue;
    room.stamps.set(field, stamp);
    if (field === "topic") room.topic = snapshot.topic ? { ...snapshot.topic } : null;
    else if (field === "k") room.modes.key = snapshot.modes.key;
    else if (field === "l") room.modes.limit = snapshot.modes.limit;
    else if (field.startsWith("md:"))
      changeMetadata(room, [{ key: field.slice(3), value: snapshot.metadata?.[field.slice(3)] ?? null }]);
    else if (field.startsWith("b:") || field.startsWith("e:") || field.startsWith("I:")) {
      const key = field.slice(2);
      const letter = field[0] as ListMode;
      const list = maskList(room, letter);
      const source =
        (letter === "b" ? snapshot.bans : letter === "e" ? snapshot.exceptions : snapshot.inviteExceptions) ??
        [];
      const at = list.findIndex((ban) => fold(ban.mask) === key);
      const theirs = source.find((ban) => fold(ban.mask) === key);
      if (at !== -1) list.splice(at, 1);
      if (theirs) list.push({ ...theirs });
    } else {
      const flag = FLAG_FIELDS[field];
      if (flag) room.modes[flag] = snapshot.modes[flag];
    }
  }
}

function stampOf(stamp: Stamp): Stamp {
  return { time: stamp.time, origin: stamp.origin, id: stamp.id };
}

/** Users not yet registered come last. */
const UNSTAMPED: Stamp = { time: Number.POSITIVE_INFINITY, origin: "", id: "" };

function nickOrder(user: User): Stamp {
  return user.nickSince ?? UNSTAMPED;
}

/** A user as an operation carries it. */
export function describeUser(user: User): UserInfo {
  const since = user.nickSince;
  return {
    id: user.id,
    nick: user.nick,
    username: user.username,
    account: user.account,
    hostname: user.hostname,
    realname: user.realname,
    protocol: user.protocol,
    away: user.away,
    invisible: user.invisible,
    oper: user.oper,
    wallops: user.wallops,
    bot: user.bot,
    ...(user.metadata ? { metadata: Object.fromEntries(user.metadata) } : {}),
    connectedAt: user.connectedAt * 1000,
    ...(since ? { since } : {}),
  };
}
