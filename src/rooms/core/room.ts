// A room: its members and their status, topic, modes, bans and invitations. The registry changes it; the
// front-ends read it.
import type { User } from "./user.js";

export interface MemberStatus {
  op: boolean;
  voice: boolean;
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

export class Room {
  topic: Topic | null = null;
  readonly modes: RoomModes = {
    inviteOnly: false,
    moderated: false,
    noExternal: true,
    secret: false,
    topicLocked: true,
    key: null,
    limit: null,
  };
  readonly bans: Ban[] = [];
  /** Folded nicks invited past +i; an invitation is used up by the join. */
  readonly invited = new Set<string>();
  readonly members = new Map<User, MemberStatus>();
  readonly createdAt = Date.now();

  constructor(
    /** As first written, with its '#'. */
    readonly name: string,
    /** Folded, for lookups. */
    readonly key: string,
    /** The seed protocol's ROOM_REF: never reused for another room. */
    readonly ref: number,
  ) {}

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
