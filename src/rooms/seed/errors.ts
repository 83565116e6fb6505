// The one table from a refusal (the core's, or of a request before the core) to the seed protocol's
// ERROR_CODE and ERROR_DESCRIPTION.
import { SeedError } from "../../protocol/seed-rooms.js";
import type { Refusal } from "../core/errors.js";

/** The room as the seed protocol names it (without '#'), and the name in question. */
export interface SeedSubject {
  room?: string;
  name?: string;
  /** How the request could not be read. */
  detail?: string;
}

type Reply = (subject: SeedSubject) => [code: SeedError, description: string];

const room = (s: SeedSubject) => s.room ?? "the room";
const cannotJoin =
  (why: string): Reply =>
  (s) => [SeedError.CannotJoin, `cannot join ${room(s)}: ${why}`];
const cannotSend =
  (why: string): Reply =>
  (s) => [SeedError.CannotSend, `cannot send to ${room(s)}: ${why}`];

export const SEED_ERRORS: Readonly<Record<Refusal, Reply>> = {
  "no-such-nick": (s) => [SeedError.UnknownClient, `no user ${s.name ?? ""}`.trim()],
  "no-such-room": (s) => [SeedError.NoSuchRoom, `no chat room ${room(s)}`],
  "invalid-nick": (s) => [SeedError.InvalidName, `invalid CLIENT_NAME ${JSON.stringify(s.name ?? "")}`],
  "invalid-room-name": (s) => [SeedError.InvalidName, `invalid room name ${JSON.stringify(s.room ?? "")}`],
  "nick-in-use": (s) => [SeedError.NameInUse, `the name ${s.name ?? ""} is in use`],
  "nick-registered": (s) => [
    SeedError.NameRegistered,
    `the name ${s.name ?? ""} is a registered account's: choose another`,
  ],
  "not-in-room": (s) => [SeedError.NotInRoom, `not in ${room(s)}: join it first`],
  "target-not-in-room": (s) => [SeedError.NotInRoom, `${s.name ?? "they"} is not in ${room(s)}`],
  "already-in-room": cannotJoin("already in the room"),
  "too-many-rooms": cannotJoin("too many rooms: leave one first"),
  "room-full": cannotJoin("the room is full"),
  "invite-only": cannotJoin("the room is invitation only"),
  banned: cannotJoin("you are banned from the room"),
  "bad-key": cannotJoin("the room needs a key (join it over IRC)"),
  "not-operator": cannotSend("you are not the room's operator"),
  "not-server-operator": cannotSend("you are not a server operator"),
  moderated: cannotSend("the room is moderated"),
  "no-external-messages": cannotSend("you are not in the room"),
  "banned-from-sending": cannotSend("you are banned from the room"),
  "unknown-mode": (s) => [SeedError.InvalidFormat, `unknown mode in ${room(s)}`],
  "need-more-params": () => [SeedError.InvalidFormat, "a field is missing"],
  "invalid-mode-param": (s) => [SeedError.InvalidFormat, `invalid mode parameter in ${room(s)}`],
  "no-private-messages": () => [SeedError.CannotSend, "the seed rooms protocol has no private messages"],
  "line-too-long": () => [SeedError.LineTooLong, "line too long"],
  "invalid-utf8": () => [SeedError.InvalidUtf8, "invalid UTF-8: lines must be UTF-8 text"],
  "invalid-format": (s) => [SeedError.InvalidFormat, `invalid message format: ${s.detail ?? "unreadable"}`],
  "unknown-command": (s) => [
    SeedError.InvalidFormat,
    `invalid message format: unknown request ${s.detail ?? ""}`.trim(),
  ],
  "not-registered": () => [SeedError.UnknownClient, "unknown client: join a room first"],
};

export function seedError(error: Refusal, subject: SeedSubject): [code: SeedError, description: string] {
  return SEED_ERRORS[error](subject);
}
