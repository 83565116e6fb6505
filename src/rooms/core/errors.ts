// Why the core refused something. Each front-end has one table from these to its own words (IRC numerics,
// seed error codes), so the same refusal reads the same wherever it happens.
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
  /** Not an IRC operator (KILL, WALLOPS). */
  NotServerOperator: "not-server-operator",
  /** +m: only voiced members and operators speak. */
  Moderated: "moderated",
  /** +n: only members send to the room. */
  NoExternalMessages: "no-external-messages",
  /** Banned, so not heard (members with voice or op still are). */
  BannedFromSending: "banned-from-sending",
  UnknownMode: "unknown-mode",
  NeedMoreParams: "need-more-params",
  /** A mode's parameter that cannot be: a limit that is no positive number, a key empty or malformed. */
  InvalidModeParam: "invalid-mode-param",
  /** The target's protocol has no private messages (the seed protocol). */
  NoPrivateMessages: "no-private-messages",
} as const;
export type RoomError = (typeof RoomError)[keyof typeof RoomError];
