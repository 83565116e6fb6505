// Every change to the rooms and their users is one operation: what happened, who did it, the node where it
// was decided, when, and an id. An operation is decided once, on the node of the user who asked (checks →
// an error or an operation), then applied on every node the same way without checks. Plain JSON: the bus
// carries operations as they are. Users are named by id (unique across nodes), rooms by name.
import type { ModeChange } from "./events.js";
import type { MultilineLine } from "./multiline.js";
import type { Ban, RoomModes, Topic } from "./room.js";
import type { ServerBan, ServerBanKind } from "./server-bans.js";

export type Protocol = "irc" | "seed";

/**
 * When and where something was decided, and its id. Stamps are totally ordered (time, then node, then id)
 * so that every node settles concurrent changes the same way: the later change to a field wins, the older
 * of two rooms created at once wins.
 */
export interface Stamp {
  time: number;
  origin: string;
  id: string;
}

/** < 0 when `a` came first. Ids of one node grow in length, then in order: compare them as numbers would. */
export function compareStamps(a: Stamp, b: Stamp): number {
  if (a.time !== b.time) return a.time - b.time;
  if (a.origin !== b.origin) return a.origin < b.origin ? -1 : 1;
  if (a.id.length !== b.id.length) return a.id.length - b.id.length;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * A room's creation: the creating join's stamp, and its generation: one more than the rooms of that name
 * its node had seen lose their last member (none: 0), so that a room made again outranks those it follows.
 */
export interface Creation extends Stamp {
  gen?: number;
}

/**
 * < 0 when the room created at `a` outranks the one created at `b` (of two rooms made under one name, the
 * one that stays): the later generation, then the older stamp.
 */
export function compareCreations(a: Creation, b: Creation): number {
  const gens = (b.gen ?? 0) - (a.gen ?? 0);
  return gens !== 0 ? gens : compareStamps(a, b);
}

export interface UserInfo {
  id: number;
  nick: string;
  username: string;
  /** The account the user is logged in as; null when none (absent from nodes of an earlier version). */
  account?: string | null;
  hostname: string;
  realname: string;
  protocol: Protocol;
  away: string | null;
  invisible: boolean;
  oper: boolean;
  wallops: boolean;
  /** +B; absent from nodes that do not know it. */
  bot?: boolean;
  /** Its metadata (IRCv3 draft/metadata-2), key to value; absent for none. */
  metadata?: Record<string, string>;
  /** Milliseconds since the epoch. */
  connectedAt: number;
  /** When the user took its nick (the stamp of that connect or nick): of two given one nick at once, the
   * first keeps it. */
  since?: Stamp;
}

/** A room's state with the stamp of each field's last change: what a join carries to nodes without it. */
export interface RoomSnapshot {
  name: string;
  ref: number;
  created: Creation;
  topic: Topic | null;
  modes: RoomModes;
  /** Bans in force. */
  bans: Ban[];
  /** +e and +I lists; absent from nodes that do not know them. */
  exceptions?: Ban[];
  inviteExceptions?: Ban[];
  /** Its metadata (IRCv3 draft/metadata-2); absent for none. */
  metadata?: Record<string, string>;
  /**
   * The stamp of each field's last change: "topic", a mode letter, "b:" (or "e:", "I:") and a folded mask,
   * "md:" and a metadata key.
   */
  stamps: Record<string, Stamp>;
}

/** A member's status change carries whom it is for by id and by membership (see `member` on MemberStatus). */
export interface StatusTarget {
  user: number;
  member: string;
}

/** `member`: the membership ended, so that a kick never ends a later one. */
export interface KickBody {
  t: "kick";
  by: number | null;
  room: string;
  user: number;
  member: string;
  reason: string;
}

export type OperationBody =
  /** A user registered (IRC) or named itself (seed). */
  | { t: "connect"; user: UserInfo }
  | { t: "nick"; user: number; nick: string }
  | { t: "quit"; user: number; reason: string }
  /**
   * `created`: the room's creation stamp as the deciding node knows it (this op's own for a new room).
   * `snapshot`: the room's state there, for nodes where it is gone or not yet made.
   * `invites`: the invitations this join used up (their ids), wherever they arrive later.
   * `ended`: the kick, decided on another node, that ended the user's previous membership: a node that has
   * not heard of it yet applies it first, so that its members are told of the kick before the join.
   */
  | {
      t: "join";
      user: number;
      room: string;
      ref: number;
      created: Creation;
      op: boolean;
      voice: boolean;
      snapshot: RoomSnapshot | null;
      invites?: string[];
      ended?: KickOperation;
    }
  /** `member`: the membership left, so that a part or kick never ends a later one. */
  | { t: "part"; user: number; room: string; member: string; reason: string }
  | KickBody
  | { t: "invite"; by: number | null; room: string; created: Creation; user: number }
  | { t: "topic"; by: number | null; room: string; created: Creation; text: string }
  /** Changes as applied; `o` and `v` changes name their target in `targets`, index for index. */
  | {
      t: "mode";
      by: number | null;
      room: string;
      created: Creation;
      changes: ModeChange[];
      targets: Array<StatusTarget | null>;
    }
  | { t: "umode"; user: number; invisible?: boolean; oper?: boolean; wallops?: boolean; bot?: boolean }
  | { t: "away"; user: number; away: string | null }
  | { t: "setname"; user: number; realname: string }
  /** An operator (or the server) changed a user's username and host. */
  | { t: "chghost"; by: number | null; user: number; username: string; hostname: string }
  /** A user logged in to an account (its name) or out of it (null). */
  | { t: "account"; user: number; account: string | null }
  /** An account or a registered channel was made or dropped: every node learns which names are taken. */
  | { t: "registration"; kind: RegistrationKind; name: string; registered: boolean }
  | {
      t: "message";
      kind: MessageKind;
      from: number | null;
      /** The room, or null for a message to one user (`to`). */
      room: string | null;
      to: number | null;
      text: string;
      /** IRC client-only tags (`+typing=active`); absent for none. */
      tags?: Record<string, string>;
      /** To a room's operators only ("o"), or its voiced members and operators ("v") (IRC STATUSMSG). */
      status?: MemberRank;
      /** A multiline message (IRCv3 draft/multiline): its lines; `text` is their combined value. */
      lines?: MultilineLine[];
    }
  /**
   * A message taken back (IRCv3 draft/message-redaction): in a room, or in the private conversation of `by`
   * and `to`; every node tells those who had it and forgets it, the history drops it.
   */
  | { t: "redact"; by: number | null; room: string | null; to: number | null; msgid: string; reason: string }
  /** A channel renamed (IRCv3 draft/channel-rename): `room` is its name before, `name` after. */
  | { t: "rename"; by: number | null; room: string; created: Creation; name: string; reason: string }
  /**
   * An account read a target (a channel or a nick) up to `read`, in milliseconds (IRCv3 draft/read-marker):
   * every node moves its marker forward and tells the account's connections there.
   */
  | { t: "markread"; account: string; target: string; read: number }
  /**
   * Metadata of a user or a room changed (IRCv3 draft/metadata-2): each key set to a value, or removed
   * (null). A user's is decided on its own node; a room's by an operator anywhere, each key's latest winning.
   */
  | {
      t: "metadata";
      by: number | null;
      user: number | null;
      room: string | null;
      created: Creation | null;
      changes: MetadataChange[];
    }
  | { t: "wallops"; from: number | null; text: string }
  /** Close a user's connection: its own node does, and then tells everyone it quit. */
  | { t: "kill"; by: number | null; user: number; reason: string }
  /** A K-line or D-line set (or replaced): every node disconnects its own users that it covers. */
  | { t: "ban"; ban: ServerBan }
  | { t: "unban"; kind: ServerBanKind; mask: string }
  /**
   * An operator's SAJOIN or SAPART of another node's user (or the console's): that user's node decides the
   * join or part as its own (as IRC networks route SAJOIN to the target's server), so that every
   * membership of a user begins on its node, in its order.
   */
  | { t: "sajoin"; by: number | null; user: number; room: string }
  | { t: "sapart"; by: number | null; user: number; room: string; reason: string };

export type MessageKind = "privmsg" | "notice" | "tagmsg";

/** One metadata key set to a value, or removed (null). */
export interface MetadataChange {
  key: string;
  value: string | null;
}

export type RegistrationKind = "account" | "channel";

/** The least status a member needs to hear a message to part of a room. */
export type MemberRank = "o" | "v";

export type Operation = OperationBody & Stamp;

export type KickOperation = KickBody & Stamp;

export type OperationType = Operation["t"];
