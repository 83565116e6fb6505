// What happens in the rooms, as the core tells the front-ends when it applies an operation. Each front-end
// turns an event into its own wire format once and writes it to every recipient it serves. `time` and `id`
// are the operation's: the same on every node (a message's msgid and server-time).
import type { MultilineLine } from "./multiline.js";
import type { MemberRank, MessageKind, MetadataChange } from "./operations.js";
import type { Room, Topic } from "./room.js";
import type { User } from "./user.js";

/** Who did it: a user, or the server itself (its console, an operator's SAJOIN). */
export type Source = User | null;

export interface ModeChange {
  /** "+" or "-" */
  sign: "+" | "-";
  /** One of o v b i k l m n s t. */
  mode: string;
  param?: string;
}

export type RoomEvent = (
  | { type: "join"; room: Room; user: User }
  | { type: "part"; room: Room; user: User; reason: string }
  | { type: "kick"; room: Room; by: Source; user: User; reason: string }
  /** `rooms`: the rooms the user was in, for front-ends that tell each room apart. */
  | { type: "quit"; user: User; reason: string; rooms: readonly Room[] }
  | { type: "nick"; user: User; old: string }
  | {
      type: "message";
      kind: MessageKind;
      from: Source;
      /** The room, or null for a message to one user (`to`). */
      room: Room | null;
      to: User | null;
      text: string;
      /** IRC client-only tags (`+typing=active`), for front-ends that carry them; absent for none. */
      tags?: Readonly<Record<string, string>>;
      /** Only to the room's members of this status and above (IRC STATUSMSG); absent for all. */
      status?: MemberRank;
      /** The lines of a multiline message, whose combined value is `text`; absent for one line. */
      lines?: readonly MultilineLine[];
    }
  | { type: "topic"; room: Room; by: Source; topic: Topic | null }
  | { type: "mode"; room: Room; by: Source; changes: ModeChange[] }
  | { type: "invite"; room: Room; by: Source; user: User }
  | { type: "away"; user: User }
  /** A user registered (told to watchers only: nobody shares a room with one who just came). */
  | { type: "connect"; user: User }
  /** The user's realname changed (IRCv3 setname). */
  | { type: "setname"; user: User }
  /** The user's username or host changed (IRCv3 chghost); `oldMask` is how it was known until now. */
  | { type: "chghost"; user: User; oldMask: string }
  /** The user logged in to an account or out of it (`user.account`): told to it and those who share a room. */
  | { type: "account"; user: User }
  /** The user's own modes changed: told to that user only. */
  | { type: "umode"; user: User; changes: ModeChange[] }
  /** A message taken back (`msgid`), in a room or a private conversation with `to`. */
  | { type: "redact"; by: Source; room: Room | null; to: User | null; msgid: string; reason: string }
  /** The room was renamed (`room.name` is the new name, `old` the one before). */
  | { type: "rename"; room: Room; by: Source; old: string; reason: string }
  | { type: "wallops"; from: Source; text: string }
  /** Metadata of `user` or `room` changed, as applied (each change a real one). */
  | { type: "metadata"; by: Source; user: User | null; room: Room | null; changes: readonly MetadataChange[] }
  /** An account's read marker for `target` moved to `read` (ms): told to that account's connections. */
  | { type: "markread"; target: string; read: number }
) & { time: number; id: string };

/**
 * Told of what happens to every user, wherever they are and whoever shares a room with them: arrivals,
 * departures, nick, away, realname and host changes (what IRC's MONITOR follows).
 */
export interface UserWatcher {
  userChanged(
    event: Extract<RoomEvent, { type: "connect" | "quit" | "nick" | "away" | "setname" | "chghost" }>,
  ): void;
}

export interface Frontend {
  /** Users of other nodes: their front-end is there, this one delivers nothing. */
  readonly remote?: boolean;
  /**
   * A service user of this node (NickServ, ChanServ): not a connection, and not known to other nodes.
   * Messages to and from it stay on this node, never on the bus: they carry passwords.
   */
  readonly service?: boolean;
  /** Tell one user something from the server itself (about the bus: a lost nick, an undelivered message). */
  notice?(user: User, text: string): void;
  /**
   * Write `event` to `recipients`, all of them this front-end's users. The core includes a message's
   * sender among the recipients; the front-end decides whether the sender sees it (seed: always; IRC: with
   * echo-message).
   */
  deliver(event: RoomEvent, recipients: readonly User[]): void;
  /**
   * Close `user`'s connection, saying `reason` in the protocol's words (an IRC operator's KILL). The core
   * then removes the user. Optional: without it the user only leaves the rooms.
   */
  disconnect?(user: User, reason: string): void;
  /** The address `user` connected from (server bans match it); the hostname stands in without it. */
  address?(user: User): string;
}
