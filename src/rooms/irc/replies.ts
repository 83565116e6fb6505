// Replies shared by the command groups and the fan-out: numerics built from the rooms' state, and the
// lookups that answer 401/403 on a miss. A leaf: it imports no command module, so none imports another.
import { createHash, timingSafeEqual } from "node:crypto";
import { lineSafe, MAX_BODY_BYTES, truncateUtf8, utf8Length } from "../../protocol/irc/message.js";
import {
  ERR_BADCHANMASK,
  ERR_NOMOTD,
  ERR_NOSUCHCHANNEL,
  ERR_NOSUCHNICK,
  RPL_ENDOFMOTD,
  RPL_ENDOFNAMES,
  RPL_GLOBALUSERS,
  RPL_ISUPPORT,
  RPL_LOCALUSERS,
  RPL_LUSERCHANNELS,
  RPL_LUSERCLIENT,
  RPL_LUSERME,
  RPL_LUSEROP,
  RPL_LUSERUNKNOWN,
  RPL_MOTD,
  RPL_MOTDSTART,
  RPL_NAMREPLY,
  RPL_NOTOPIC,
  RPL_TOPIC,
  RPL_TOPICWHOTIME,
} from "../../protocol/irc/numerics.js";
import type { Source } from "../core/events.js";
import type { MemberStatus, Room } from "../core/room.js";
import type { User } from "../core/user.js";
import { Cap } from "./caps.js";
import type { IrcClient } from "./client.js";
import type { IrcFrontend } from "./frontend.js";

/** `prefix` then `text` as the trailing parameter, cut so the line fits 510 bytes. */
export function withText(prefix: string, text: string): string {
  return `${prefix} :${truncateUtf8(lineSafe(text), MAX_BODY_BYTES - utf8Length(prefix) - 2)}`;
}

export function sourceOf(frontend: IrcFrontend, by: Source): string {
  return by ? by.mask : frontend.serverName;
}

/** The peer address as an IRC host: IPv4 in IPv6 unwrapped, and never starting with ':'. */
export function ircHostname(address: string): string {
  if (address.startsWith("::ffff:") && address.includes(".")) return address.slice(7);
  return address.startsWith(":") ? `0${address}` : address;
}

/** A valid channel name, or 476 (it looks like a channel) / 403 (it does not); false then. */
export function checkRoomName(client: IrcClient, name: string): boolean {
  if (client.registry.isValidRoomName(name)) return true;
  if (name.startsWith("#")) client.numeric(ERR_BADCHANMASK, name, "Bad Channel Mask");
  else client.numeric(ERR_NOSUCHCHANNEL, name, "No such channel");
  return false;
}

/** The room by name, or 403 and undefined. */
export function roomOr403(client: IrcClient, name: string): Room | undefined {
  const room = client.registry.findRoom(name);
  if (!room) client.numeric(ERR_NOSUCHCHANNEL, name, "No such channel");
  return room;
}

/** The user by nick, or 401 and undefined. */
export function userOr401(client: IrcClient, nick: string): User | undefined {
  const user = client.registry.findUser(nick);
  if (!user) client.numeric(ERR_NOSUCHNICK, nick, "No such nick/channel");
  return user;
}

/** 332 and 333 when there is a topic; 331 when there is none and `always`. */
export function sendTopic(client: IrcClient, room: Room, always: boolean): void {
  const topic = room.topic;
  if (topic) {
    client.numeric(RPL_TOPIC, room.name, lineSafe(topic.text));
    client.numeric(RPL_TOPICWHOTIME, room.name, topic.setBy, String(Math.floor(topic.setAt / 1000)));
  } else if (always) {
    client.numeric(RPL_NOTOPIC, room.name, "No topic is set");
  }
}

/** 353 lines as full as 512 bytes allow, then 366 (unless `end` is false). Non-members do not see invisible users. */
export function sendNames(client: IrcClient, room: Room, end = true): void {
  const member = room.members.has(client.user);
  const all = client.has(Cap.MultiPrefix);
  const masks = client.has(Cap.UserhostInNames);
  const head = `:${client.frontend.serverName} ${RPL_NAMREPLY} ${client.name} ${room.modes.secret ? "@" : "="} ${room.name} :`;
  const headBytes = utf8Length(head);
  let line = head;
  let bytes = headBytes;
  for (const [user, status] of room.members) {
    if (!member && user.invisible) continue;
    const entry = prefixOf(status, all) + (masks ? user.mask : user.nick);
    const size = utf8Length(entry);
    if (bytes > headBytes && bytes + 1 + size > MAX_BODY_BYTES) {
      client.send(line);
      line = head;
      bytes = headBytes;
    }
    if (bytes > headBytes) {
      line += " ";
      bytes += 1;
    }
    line += entry;
    bytes += size;
  }
  if (bytes > headBytes) client.send(line);
  if (end) client.numeric(RPL_ENDOFNAMES, room.name, "End of /NAMES list");
}

/** "@", "+", "" — or "@+" with multi-prefix. */
export function prefixOf(status: MemberStatus, all: boolean): string {
  if (all) return (status.op ? "@" : "") + (status.voice ? "+" : "");
  return status.op ? "@" : status.voice ? "+" : "";
}

export function sendIsupport(client: IrcClient): void {
  for (const tokens of client.frontend.isupport)
    client.numeric(RPL_ISUPPORT, ...tokens, "are supported by this server");
}

/** Compare secrets in constant time, whatever their lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

// LUSERS
export function sendLusers(client: IrcClient): void {
  const { frontend, registry } = client;
  const { invisible, opers } = registry.modeCounts;
  const users = frontend.noteGlobalUsers();
  const unknown = frontend.clients.size - frontend.localUsers;
  client.numeric(
    RPL_LUSERCLIENT,
    `There are ${users - invisible} users and ${invisible} invisible on 1 servers`,
  );
  client.numeric(RPL_LUSEROP, String(opers), "operator(s) online");
  client.numeric(RPL_LUSERUNKNOWN, String(Math.max(0, unknown)), "unknown connection(s)");
  client.numeric(RPL_LUSERCHANNELS, String(registry.rooms.size), "channels formed");
  client.numeric(RPL_LUSERME, `I have ${users} clients and 0 servers`);
  client.numeric(
    RPL_LOCALUSERS,
    String(users),
    String(frontend.maxGlobalUsers),
    `Current local users ${users}, max ${frontend.maxGlobalUsers}`,
  );
  client.numeric(
    RPL_GLOBALUSERS,
    String(users),
    String(frontend.maxGlobalUsers),
    `Current global users ${users}, max ${frontend.maxGlobalUsers}`,
  );
}

// MOTD
export function sendMotd(client: IrcClient): void {
  const motd = client.config.motd;
  if (motd === null) {
    client.numeric(ERR_NOMOTD, "MOTD File is missing");
    return;
  }
  const server = client.frontend.serverName;
  client.numeric(RPL_MOTDSTART, `- ${server} Message of the day - `);
  for (const line of motd) client.numeric(RPL_MOTD, `- ${truncateUtf8(lineSafe(line), 400)}`);
  client.numeric(RPL_ENDOFMOTD, "End of /MOTD command.");
}
