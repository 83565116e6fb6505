// The one table from a core refusal to the IRC numeric that tells it, with its text. Handlers name the
// subject (the channel, the nick, the mode letter, the command); the numeric's shape comes from here.

import { needsTrailing } from "../../protocol/irc/message.js";
import {
  ERR_BADCHANMASK,
  ERR_BADCHANNELKEY,
  ERR_BANNEDFROMCHAN,
  ERR_CANNOTSENDTOCHAN,
  ERR_CANTSENDTOUSER,
  ERR_CHANNELISFULL,
  ERR_CHANOPRIVSNEEDED,
  ERR_ERRONEUSNICKNAME,
  ERR_INPUTTOOLONG,
  ERR_INVALIDMODEPARAM,
  ERR_INVITEONLYCHAN,
  ERR_NEEDMOREPARAMS,
  ERR_NICKNAMEINUSE,
  ERR_NOPRIVILEGES,
  ERR_NOSUCHCHANNEL,
  ERR_NOSUCHNICK,
  ERR_NOTONCHANNEL,
  ERR_NOTREGISTERED,
  ERR_TOOMANYCHANNELS,
  ERR_UNKNOWNCOMMAND,
  ERR_UNKNOWNERROR,
  ERR_UNKNOWNMODE,
  ERR_USERNOTINCHANNEL,
  ERR_USERONCHANNEL,
} from "../../protocol/irc/numerics.js";
import type { Refusal } from "../core/errors.js";
import { KEY_LENGTH } from "../core/room.js";

/** What a refusal is about; each numeric takes the parts it names. */
export interface ErrorSubject {
  channel?: string;
  nick?: string;
  mode?: string;
  /** A mode's parameter, as given. */
  param?: string;
  command?: string;
  /** How the input could not be read. */
  detail?: string;
}

type Reply = (subject: ErrorSubject) => [code: string, ...params: string[]];

const INVALID_PARAM_TEXT: Readonly<Record<string, string>> = {
  k: `Invalid key: 1 to ${KEY_LENGTH} characters, no spaces or commas`,
  l: "Invalid limit: a positive number",
  b: "Invalid ban: a mask, a:<account> or m:<mask>",
  e: "Invalid exception: a mask, a:<account> or m:<mask>",
  I: "Invalid invite exception: a mask or a:<account>",
};

const channel = (s: ErrorSubject) => s.channel ?? "*";
const nick = (s: ErrorSubject) => s.nick ?? "*";

/** A standard reply (`FAIL <command> <code> :<text>`) rather than a numeric: said without the client's nick. */
export const STANDARD_FAIL = "FAIL";

export const IRC_ERRORS: Readonly<Record<Refusal, Reply>> = {
  "no-such-nick": (s) => [ERR_NOSUCHNICK, nick(s), "No such nick/channel"],
  "no-such-room": (s) => [ERR_NOSUCHCHANNEL, channel(s), "No such channel"],
  "invalid-nick": (s) => [ERR_ERRONEUSNICKNAME, nick(s), "Erroneous nickname"],
  "invalid-room-name": (s) => [ERR_BADCHANMASK, channel(s), "Bad Channel Mask"],
  "nick-in-use": (s) => [ERR_NICKNAMEINUSE, nick(s), "Nickname is already in use"],
  "nick-registered": (s) => [ERR_NICKNAMEINUSE, nick(s), "Nickname is registered to an account"],
  "not-in-room": (s) => [ERR_NOTONCHANNEL, channel(s), "You're not on that channel"],
  "target-not-in-room": (s) => [ERR_USERNOTINCHANNEL, nick(s), channel(s), "They aren't on that channel"],
  "already-in-room": (s) => [ERR_USERONCHANNEL, nick(s), channel(s), "is already on channel"],
  "too-many-rooms": (s) => [ERR_TOOMANYCHANNELS, channel(s), "You have joined too many channels"],
  "room-full": (s) => [ERR_CHANNELISFULL, channel(s), "Cannot join channel (+l)"],
  "invite-only": (s) => [ERR_INVITEONLYCHAN, channel(s), "Cannot join channel (+i)"],
  banned: (s) => [ERR_BANNEDFROMCHAN, channel(s), "Cannot join channel (+b)"],
  "bad-key": (s) => [ERR_BADCHANNELKEY, channel(s), "Cannot join channel (+k)"],
  "not-operator": (s) => [ERR_CHANOPRIVSNEEDED, channel(s), "You're not channel operator"],
  "not-server-operator": () => [ERR_NOPRIVILEGES, "Permission Denied- You're not an IRC operator"],
  moderated: (s) => [ERR_CANNOTSENDTOCHAN, channel(s), "Cannot send to channel (+m)"],
  "no-external-messages": (s) => [ERR_CANNOTSENDTOCHAN, channel(s), "Cannot send to channel (+n)"],
  "banned-from-sending": (s) => [ERR_CANNOTSENDTOCHAN, channel(s), "Cannot send to channel (+b)"],
  "unknown-mode": (s) => [ERR_UNKNOWNMODE, s.mode ?? "*", "is unknown mode char to me"],
  "need-more-params": (s) => [ERR_NEEDMOREPARAMS, s.command ?? "*", "Not enough parameters"],
  // A key is never echoed: `*` stands for it.
  "invalid-mode-param": (s) => [
    ERR_INVALIDMODEPARAM,
    channel(s),
    s.mode ?? "*",
    s.mode === "k" ? "*" : (s.param ?? "*"),
    INVALID_PARAM_TEXT[s.mode ?? ""] ?? "Invalid mode parameter",
  ],
  "no-private-messages": (s) => [
    ERR_CANTSENDTOUSER,
    nick(s),
    "They use the seed rooms protocol, which has no private messages",
  ],
  "line-too-long": () => [ERR_INPUTTOOLONG, "Input line was too long"],
  "invalid-utf8": (s) => [
    STANDARD_FAIL,
    s.command ?? "*",
    "INVALID_UTF8",
    "Message rejected, your IRC software MUST use UTF-8 encoding on this network",
  ],
  "invalid-format": (s) => [ERR_UNKNOWNERROR, echoed(s.command), s.detail ?? "Malformed message"],
  "unknown-command": (s) => [ERR_UNKNOWNCOMMAND, echoed(s.command), "Unknown command"],
  "not-registered": () => [ERR_NOTREGISTERED, "You have not registered"],
};

/**
 * A client's command word as a reply's middle parameter: after an empty source (`: :x`) the word may start
 * with ':', which would turn the rest of the reply into one parameter; such a word is `*`.
 */
function echoed(command: string | undefined): string {
  return command === undefined || needsTrailing(command) ? "*" : command;
}

/** The numeric and its parameters (after the client's nick) for `error`. */
export function ircError(error: Refusal, subject: ErrorSubject): [code: string, ...params: string[]] {
  return IRC_ERRORS[error](subject);
}
