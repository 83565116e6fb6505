// A room: its members and their status, topic, modes, bans and invitations. The registry changes it; the
// front-ends read it.

import type { Creation, Stamp } from "./operations.js";
import type { RecentMessages } from "./recent.js";
import type { User } from "./user.js";

export interface MemberStatus {
  op: boolean;
  voice: boolean;
  /** The id of the join that began this membership: a part, kick or status change names it. */
  member: string;
  /** The last +o/-o and +v/-v on this membership, for the later of two at once to win everywhere. */
  opStamp: Stamp | null;
  voiceStamp: Stamp | null;
}

export interface Topic {
  text: string;
  setBy: string;
  setAt: number;
}

export interface Ban {
  mask: string;
  setBy: string;
  setAt: number;
}

export interface RoomModes {
  /** +i: join by invitation only. */
  inviteOnly: boolean;
  /** +m: only voiced users and operators speak. */
  moderated: boolean;
  /** +n: only members send to the room. */
  noExternal: boolean;
  /** +s: hidden from LIST and from WHOIS of non-members. */
  secret: boolean;
  /** +t: only operators set the topic. */
  topicLocked: boolean;
  /** +k: the key needed to join. */
  key: string | null;
  /** +l: most members at once. */
  limit: number | null;
}

/** The longest channel key (+k), in characters (ISUPPORT KEYLEN). */
export const KEY_LENGTH = 23;

/** A key one can type after JOIN: 1 to KEY_LENGTH characters, none a space, comma or control character. */
export function isValidKey(key: string): boolean {
  return key.length > 0 && key.length <= KEY_LENGTH && !/[\0-\x20,\x7f]/.test(key) && key[0] !== ":";
}

/**
 * Invitations a room holds: users invited and not yet joined (the oldest forgotten past this), ids per
 * user (an INVITE repeated keeps the newest), and ids of used invitations still to arrive.
 */
export const MAX_INVITED = 100;
export const MAX_INVITES_PER_USER = 4;
export const MAX_USED_INVITES = 1000;

/** The mask lists: bans (b), ban exceptions (e), invite exceptions (I). */
export type ListMode = "b" | "e" | "I";

export function isListMode(mode: string): mode is ListMode {
  return mode === "b" || mode === "e" || mode === "I";
}

/** A room's list for a list mode. */
export function maskList(room: Room, mode: ListMode): Ban[] {
  return mode === "b" ? room.bans : mode === "e" ? room.exceptions : room.inviteExceptions;
}

export function defaultModes(): RoomModes {
  return {
    inviteOnly: false,
    moderated: false,
    noExternal: true,
    secret: false,
    topicLocked: true,
    key: null,
    limit: null,
  };
}

export class Room {
  topic: Topic | null = null;
  readonly modes: RoomModes = defaultModes();
  readonly bans: Ban[] = [];
  /** +e: masks exempt from the bans. */
  readonly exceptions: Ban[] = [];
  /** +I: masks that join past +i without an invitation. */
  readonly inviteExceptions: Ban[] = [];
  /**
   * Invitations past +i: by invited user id, the ids of their invite operations. A join uses up those its
   * node knew; `usedInvites` holds the ids of used invitations that have not arrived here yet.
   */
  readonly invited = new Map<number, Set<string>>();
  readonly usedInvites = new Set<string>();
  readonly members = new Map<User, MemberStatus>();
  /** The stamp of each field's last change: "topic", a mode letter, "b:" and a folded ban mask. */
  readonly stamps = new Map<string, Stamp>();
  /** Its metadata (IRCv3 draft/metadata-2), key to value; null until one is set. */
  metadata: Map<string, string> | null = null;
  /** Its last messages, for redaction; made with the first. */
  recent: RecentMessages | null = null;

  constructor(
    /** As first written, with its '#' (or as a RENAME wrote it). */
    public name: string,
    /** Folded, for lookups. */
    public key: string,
    /** The seed protocol's ROOM_REF: never reused for another room. */
    readonly ref: number,
    /** The join that created it: of two rooms made at once on two nodes, the older stays. */
    public created: Creation,
  ) {}

  /** When it was created, in milliseconds (RPL_CREATIONTIME). */
  get createdAt(): number {
    return this.created.time;
  }

  /** Back to a new room's state under an older creation stamp: the room lost a creation race. */
  reset(created: Creation): void {
    this.created = created;
    this.topic = null;
    Object.assign(this.modes, defaultModes());
    this.bans.length = 0;
    this.exceptions.length = 0;
    this.inviteExceptions.length = 0;
    this.metadata = null;
    this.invited.clear();
    this.usedInvites.clear();
    this.stamps.clear();
    for (const status of this.members.values()) {
      status.op = false;
      status.voice = false;
      status.opStamp = null;
      status.voiceStamp = null;
    }
  }

  /** Take the settings of `kept`, this room's creation as a node kept it while it had no members here. */
  adopt(kept: Room): void {
    this.topic = kept.topic;
    Object.assign(this.modes, kept.modes);
    this.bans.push(...kept.bans);
    if (kept.metadata) this.metadata = new Map(kept.metadata);
    for (const [user, ids] of kept.invited) this.invited.set(user, ids);
    for (const id of kept.usedInvites) this.usedInvites.add(id);
    for (const [field, stamp] of kept.stamps) this.stamps.set(field, stamp);
  }

  /** Record an invitation, unless a join used it up before it arrived. */
  invite(user: number, id: string): void {
    if (this.usedInvites.delete(id)) return;
    let ids = this.invited.get(user);
    if (!ids) {
      ids = new Set();
      this.invited.set(user, ids);
      if (this.invited.size > MAX_INVITED) forgetOldest(this.invited);
    }
    ids.add(id);
    if (ids.size > MAX_INVITES_PER_USER) forgetOldest(ids);
  }

  /** Use up invitations by id; those not here yet are remembered, to be dropped when they come. */
  useInvites(user: number, ids: readonly string[]): void {
    const held = this.invited.get(user);
    for (const id of ids) if (!held?.delete(id)) this.usedInvites.add(id);
    if (held?.size === 0) this.invited.delete(user);
    while (this.usedInvites.size > MAX_USED_INVITES) forgetOldest(this.usedInvites);
  }

  isOp(user: User): boolean {
    return this.members.get(user)?.op === true;
  }

  /** "@nick", "+nick" or "nick"; with every prefix ("@+nick") for IRC's multi-prefix. */
  prefixed(user: User, all = false): string {
    const status = this.members.get(user);
    if (!status) return user.nick;
    if (all) return `${status.op ? "@" : ""}${status.voice ? "+" : ""}${user.nick}`;
    return `${status.op ? "@" : status.voice ? "+" : ""}${user.nick}`;
  }
}

/** Drop the first entry of a Map or Set (they keep insertion order: the oldest). */
function forgetOldest(collection: Map<unknown, unknown> | Set<unknown>): void {
  for (const key of collection.keys()) {
    collection.delete(key);
    return;
  }
}
