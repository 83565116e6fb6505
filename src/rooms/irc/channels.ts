// Channels: JOIN, PART, TOPIC, NAMES, LIST, KICK, INVITE, MODE (channel and user modes).

import { lineSafe, needsTrailing } from "../../protocol/irc/message.js";
import { parseChannelModes, parseUserModes } from "../../protocol/irc/modes.js";
import {
  ERR_BANLISTFULL,
  ERR_INVALIDMODEPARAM,
  ERR_LINKCHANNEL,
  ERR_NEEDMOREPARAMS,
  ERR_NOTONCHANNEL,
  ERR_UMODEUNKNOWNFLAG,
  ERR_UNKNOWNMODE,
  ERR_USERSDONTMATCH,
  RPL_AWAY,
  RPL_BANLIST,
  RPL_CHANNELMODEIS,
  RPL_CREATIONTIME,
  RPL_ENDOFBANLIST,
  RPL_ENDOFEXCEPTLIST,
  RPL_ENDOFINVEXLIST,
  RPL_ENDOFINVITELIST,
  RPL_ENDOFNAMES,
  RPL_EXCEPTLIST,
  RPL_INVEXLIST,
  RPL_INVITELIST,
  RPL_INVITING,
  RPL_LIST,
  RPL_LISTEND,
  RPL_LISTSTART,
  RPL_UMODEIS,
} from "../../protocol/irc/numerics.js";
import { fold } from "../core/casemap.js";
import type { ModeChange } from "../core/events.js";
import { globMatch, RoomError, type UserModes } from "../core/registry.js";
import { isListMode, type ListMode, maskList, type Room } from "../core/room.js";
import { Cap } from "./caps.js";
import type { IrcClient } from "./client.js";
import type { CommandTable } from "./commands.js";
import { KICK_LENGTH, MAX_BANS, MAX_MODES, MAX_TARGETS } from "./limits.js";
import { checkRoomName, roomOr403, sendNames, sendTopic, userOr401 } from "./replies.js";

// JOIN <channel>{,<channel>} [<key>{,<key>}]  |  JOIN 0
function join(client: IrcClient, params: string[]): void {
  const { registry, user } = client;
  if (params[0] === "0") {
    for (const room of [...user.rooms]) registry.part(user, room, "Left all channels");
    return;
  }
  const keys = (params[1] ?? "").split(",");
  (params[0] as string).split(",").forEach((asked, i) => {
    if (asked === "") return;
    if (!checkRoomName(client, asked)) return;
    const name = renamed(client, asked);
    if (name === null) return;
    const result = registry.join(user, name, { key: keys[i] || undefined });
    if ("room" in result) return; // the JOIN line, topic and names went out with the event
    // Joined already: as other servers, nothing to say.
    if (result.error !== RoomError.AlreadyInRoom) client.refuse(result.error, { channel: name });
  });
}

/**
 * A channel renamed lately (draft/channel-rename's redirection): a client with the capability is told
 * `FAIL JOIN CHANNEL_RENAMED` and joins nothing (null); one without it is told 470 and joins the new name.
 */
function renamed(client: IrcClient, name: string): string | null {
  const now = client.registry.renamedTo(name);
  if (now === null) return name;
  if (client.has(Cap.ChannelRename)) {
    client.standardReply("FAIL", "JOIN", "CHANNEL_RENAMED", name, now, "The channel has been renamed");
    return null;
  }
  client.numeric(ERR_LINKCHANNEL, name, now, "The channel has been renamed");
  return now;
}

// PART <channel>{,<channel>} [<reason>]
function part(client: IrcClient, params: string[]): void {
  const reason = params[1] ?? "";
  for (const name of (params[0] as string).split(",")) {
    if (name === "") continue;
    const room = roomOr403(client, name);
    if (!room) continue;
    const error = client.registry.part(client.user, room, reason);
    if (error) client.refuse(error, { channel: room.name });
  }
}

// TOPIC <channel> [<topic>]
function topic(client: IrcClient, params: string[]): void {
  const room = roomOr403(client, params[0] as string);
  if (!room) return;
  const text = params[1];
  if (text === undefined) {
    if (room.modes.secret && !room.members.has(client.user))
      client.numeric(ERR_NOTONCHANNEL, room.name, "You're not on that channel");
    else sendTopic(client, room, true);
    return;
  }
  const error = client.registry.setTopic(client.user, room, text);
  if (error) client.refuse(error, { channel: room.name });
}

// NAMES [<channel>{,<channel>}]
// As RFC 2812 has it for a list: the 353 lines of every channel one may see, then one 366 for the list.
function names(client: IrcClient, params: string[]): void {
  const list = params[0];
  if (list === undefined || list === "") {
    client.numeric(RPL_ENDOFNAMES, "*", "End of /NAMES list");
    return;
  }
  const wanted = list
    .split(",")
    .filter((name) => name !== "")
    .slice(0, MAX_TARGETS);
  for (const name of wanted) {
    const room = client.registry.findRoom(name);
    if (room && (!room.modes.secret || room.members.has(client.user))) sendNames(client, room, false);
  }
  client.numeric(RPL_ENDOFNAMES, wanted.join(",") || "*", "End of /NAMES list");
}

// LIST [<channel>{,<channel>}] [<elistcond>{,<elistcond>}]
// ELIST=CMNTU: C<n C>n (created under / over n minutes ago), a mask and !mask, T<n T>n (topic set under /
// over n minutes ago), <n >n (fewer / more than n members). Channels and conditions may share a list.
function list(client: IrcClient, params: string[]): void {
  const { registry, user } = client;
  const names: string[] = [];
  const filters: Array<(room: Room) => boolean> = [];
  const now = registry.clock.now();
  for (const item of params.join(",").split(",")) {
    if (item === "") continue;
    if (item.startsWith("#") && !/[*?]/.test(item)) names.push(item);
    else {
      const filter = listFilter(item, now);
      if (filter) filters.push(filter);
    }
  }
  const rooms =
    names.length > 0
      ? names.map((name) => registry.findRoom(name)).filter((room) => room !== undefined)
      : registry.rooms.values();
  client.numeric(RPL_LISTSTART, "Channel", "Users  Name");
  for (const room of rooms) {
    if (room.modes.secret && !room.members.has(user)) continue;
    if (!filters.every((filter) => filter(room))) continue;
    client.numeric(RPL_LIST, room.name, String(room.members.size), lineSafe(room.topic?.text ?? ""));
  }
  client.numeric(RPL_LISTEND, "End of /LIST");
}

/** One ELIST condition as a test of a room; null for one that is not understood (ignored). */
function listFilter(item: string, now: number): ((room: Room) => boolean) | null {
  const number = (text: string) => (/^[0-9]+$/.test(text) ? Number(text) : null);
  const minutesAgo = (time: number) => (now - time) / 60_000;
  const match = /^([CT]?)([<>])(.*)$/.exec(item);
  if (match) {
    const [, field, sign, value] = match as unknown as [string, string, string, string];
    const n = number(value);
    if (n === null) return null;
    const compare = (x: number) => (sign === "<" ? x < n : x > n);
    if (field === "") return (room) => compare(room.members.size);
    if (field === "C") return (room) => compare(minutesAgo(room.createdAt));
    return (room) => room.topic !== null && compare(minutesAgo(room.topic.setAt));
  }
  const negate = item.startsWith("!");
  const pattern = fold(negate ? item.slice(1) : item);
  return (room) => globMatch(pattern, room.key) !== negate;
}

// KICK <channel>{,<channel>} <user>{,<user>} [<comment>]
// RFC 2812: one channel and several users, or as many channels as users, paired in order.
function kick(client: IrcClient, params: string[]): void {
  const channels = (params[0] as string).split(",");
  const nicks = (params[1] as string).split(",");
  if (channels.length !== 1 && channels.length !== nicks.length) {
    client.numeric(ERR_NEEDMOREPARAMS, "KICK", "Not enough parameters");
    return;
  }
  const reason = (params[2] || client.user.nick).slice(0, KICK_LENGTH);
  /** Channels whose refusal for the kicker's own standing was told already (once each is enough). */
  const refused = new Set<string>();
  nicks.slice(0, MAX_TARGETS).forEach((nick, i) => {
    const name = channels.length === 1 ? (channels[0] as string) : (channels[i] as string);
    if (nick === "" || refused.has(name)) return;
    const room = roomOr403(client, name);
    if (!room) {
      refused.add(name);
      return;
    }
    const target = userOr401(client, nick);
    if (!target) return;
    const error = client.registry.kick(client.user, room, target, reason);
    if (!error) return;
    client.refuse(error, { channel: room.name, nick: target.nick });
    if (error !== RoomError.TargetNotInRoom) refused.add(name);
  });
}

// INVITE <nickname> <channel>  |  INVITE  (the channels one is invited to and has not joined yet)
function invite(client: IrcClient, params: string[]): void {
  if (params.length === 0) {
    for (const room of client.registry.rooms.values())
      if (room.invited.has(client.user.id)) client.numeric(RPL_INVITELIST, room.name);
    client.numeric(RPL_ENDOFINVITELIST, "End of /INVITE list");
    return;
  }
  if (params.length < 2) {
    client.numeric(ERR_NEEDMOREPARAMS, "INVITE", "Not enough parameters");
    return;
  }
  const target = userOr401(client, params[0] as string);
  if (!target) return;
  const room = roomOr403(client, params[1] as string);
  if (!room) return;
  const error = client.registry.invite(client.user, room, target);
  if (error) {
    client.refuse(error, { channel: room.name, nick: target.nick });
    return;
  }
  client.numeric(RPL_INVITING, target.nick, room.name);
  if (target.away !== null) client.numeric(RPL_AWAY, target.nick, lineSafe(target.away));
}

// MODE <target> [<modestring> [<mode arguments>...]]
function mode(client: IrcClient, params: string[]): void {
  const target = params[0] as string;
  if (target.startsWith("#")) channelMode(client, target, params);
  else userMode(client, target, params);
}

function channelMode(client: IrcClient, name: string, params: string[]): void {
  const room = roomOr403(client, name);
  if (!room) return;
  const modestring = params[1];
  if (modestring === undefined) {
    client.numeric(RPL_CHANNELMODEIS, room.name, ...roomModes(room, room.members.has(client.user)));
    client.numeric(RPL_CREATIONTIME, room.name, String(Math.floor(room.createdAt / 1000)));
    return;
  }
  const { changes, unknown } = parseChannelModes(modestring, params.slice(2), MAX_MODES);
  for (const letter of unknown) client.numeric(ERR_UNKNOWNMODE, letter, "is unknown mode char to me");
  const listed = new Set<string>();
  const sizes: Record<ListMode, number> = {
    b: room.bans.length,
    e: room.exceptions.length,
    I: room.inviteExceptions.length,
  };
  const wanted: ModeChange[] = [];
  for (const change of changes) {
    const list = isListMode(change.mode) ? change.mode : null;
    if (list !== null && change.param === undefined) {
      if (!listed.has(list)) sendMaskList(client, room, list);
      listed.add(list);
      continue;
    }
    const param = change.param;
    // A mask must fit a MODE line as a middle parameter (keys and limits are the core's to check).
    if (param !== undefined && list !== null && !validMask(param)) {
      client.numeric(
        ERR_INVALIDMODEPARAM,
        room.name,
        change.mode,
        param.replaceAll(" ", "_"),
        "Invalid parameter",
      );
      continue;
    }
    if (list !== null && change.sign === "+") {
      if (sizes[list] >= MAX_BANS) {
        client.numeric(ERR_BANLISTFULL, room.name, param as string, "Channel list is full");
        continue;
      }
      sizes[list]++;
    }
    wanted.push({ ...change });
  }
  if (wanted.length === 0) return;
  let needMore = false;
  for (const { change, error } of client.registry.setModes(client.user, room, wanted)) {
    if (error === RoomError.NotOperator || error === RoomError.NotInRoom) {
      // Members and others alike: changing modes takes an operator (482), told once.
      client.refuse(RoomError.NotOperator, { channel: room.name });
      return;
    }
    if (error === RoomError.NeedMoreParams && needMore) continue;
    needMore ||= error === RoomError.NeedMoreParams;
    client.refuse(error, {
      channel: room.name,
      nick: change.param,
      mode: change.mode,
      param: change.param,
      command: "MODE",
    });
  }
}

/** A ban mask that fits in a MODE line as a middle parameter. */
function validMask(param: string): boolean {
  return !needsTrailing(param) && !param.includes(",") && param.length <= 100;
}

/** The room's modes as 324 writes them: `+iklmnst` then the key (members only) and the limit. */
export function roomModes(room: Room, member: boolean): string[] {
  const { modes } = room;
  let letters = "+";
  const args: string[] = [];
  if (modes.inviteOnly) letters += "i";
  if (modes.key !== null) {
    letters += "k";
    args.push(member ? modes.key : "*");
  }
  if (modes.limit !== null) {
    letters += "l";
    args.push(String(modes.limit));
  }
  if (modes.moderated) letters += "m";
  if (modes.noExternal) letters += "n";
  if (modes.secret) letters += "s";
  if (modes.topicLocked) letters += "t";
  return [letters, ...args];
}

/** 367/368 for bans, 348/349 for ban exceptions, 346/347 for invite exceptions. */
const LIST_REPLIES: Record<ListMode, [entry: string, end: string, text: string]> = {
  b: [RPL_BANLIST, RPL_ENDOFBANLIST, "End of channel ban list"],
  e: [RPL_EXCEPTLIST, RPL_ENDOFEXCEPTLIST, "End of channel exception list"],
  I: [RPL_INVEXLIST, RPL_ENDOFINVEXLIST, "End of channel invite list"],
};

function sendMaskList(client: IrcClient, room: Room, mode: ListMode): void {
  const [entry, end, text] = LIST_REPLIES[mode];
  for (const item of maskList(room, mode))
    client.numeric(entry, room.name, item.mask, item.setBy, String(Math.floor(item.setAt / 1000)));
  client.numeric(end, room.name, text);
}

function userMode(client: IrcClient, nick: string, params: string[]): void {
  const { user } = client;
  if (fold(nick) !== fold(user.nick)) {
    if (userOr401(client, nick)) client.numeric(ERR_USERSDONTMATCH, "Can't change mode for other users");
    return;
  }
  const modestring = params[1];
  if (modestring === undefined) {
    client.numeric(RPL_UMODEIS, userModes(client));
    return;
  }
  const { changes, unknown } = parseUserModes(modestring);
  if (unknown.length > 0) client.numeric(ERR_UMODEUNKNOWNFLAG, "Unknown MODE flag");
  const modes: UserModes = {};
  for (const change of changes) {
    const on = change.sign === "+";
    if (change.mode === "i") modes.invisible = on;
    else if (change.mode === "w") modes.wallops = on;
    else if (change.mode === "B") modes.bot = on;
    else if (change.mode === "o" && !on) modes.oper = false; // +o only through OPER
  }
  // The change comes back as the core's event: `:nick MODE nick :+i`.
  client.registry.setUserModes(user, modes);
}

export function userModes(client: IrcClient): string {
  const { user } = client;
  return `+${user.invisible ? "i" : ""}${user.oper ? "o" : ""}${user.wallops ? "w" : ""}${user.bot ? "B" : ""}`;
}

export const channelCommands: CommandTable = {
  INVITE: { handler: invite, beforeRegistration: false, minParams: 0 },
  JOIN: { handler: join, beforeRegistration: false, minParams: 1 },
  KICK: { handler: kick, beforeRegistration: false, minParams: 2 },
  LIST: { handler: list, beforeRegistration: false, minParams: 0 },
  MODE: { handler: mode, beforeRegistration: false, minParams: 1 },
  NAMES: { handler: names, beforeRegistration: false, minParams: 0 },
  PART: { handler: part, beforeRegistration: false, minParams: 1 },
  TOPIC: { handler: topic, beforeRegistration: false, minParams: 1 },
};
