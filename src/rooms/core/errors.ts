// Why the core refused something, or a front-end a client's input before it reached the core. Each
// front-end has one table from these to its own words (IRC numerics, seed error codes), so the same
// failure reads the same wherever it happens.
export const RoomError = {
  NoSuchNick: "no-such-nick",
  NoSuchRoom: "no-such-room",
  InvalidNick: "invalid-nick",
  InvalidRoomName: "invalid-room-name",
  NickInUse: "nick-in-use",
  /** The nick is a registered account's, and the protocol cannot log in (the seed protocol). */
  NickRegistered: "nick-registered",
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

/** What a front-end refuses before the core sees it: the line or request itself. */
export const InputError = {
  /** Longer than the protocol's line budget. */
  LineTooLong: "line-too-long",
  /** Not UTF-8. */
  InvalidUtf8: "invalid-utf8",
  /** Unreadable as a request of the protocol (the subject's `detail` says how). */
  InvalidFormat: "invalid-format",
  UnknownCommand: "unknown-command",
  /** A command that needs the client registered (or named) first. */
  NotRegistered: "not-registered",
} as const;
export type InputError = (typeof InputError)[keyof typeof InputError];

/** Every failure a client is told of. */
export type Refusal = RoomError | InputError;
