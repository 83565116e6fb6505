// Queries: WHO, WHOIS, WHOWAS, LUSERS, MOTD, VERSION, TIME, INFO, ISON, USERHOST.
import { lineSafe, MAX_BODY_BYTES, utf8Length } from "../../protocol/irc/message.js";
import {
  ERR_NOSUCHNICK,
  ERR_WASNOSUCHNICK,
  RPL_AWAY,
  RPL_ENDOFINFO,
  RPL_ENDOFWHO,
  RPL_ENDOFWHOIS,
  RPL_ENDOFWHOWAS,
  RPL_INFO,
  RPL_ISON,
  RPL_TIME,
  RPL_USERHOST,
  RPL_VERSION,
  RPL_WHOISACCOUNT,
  RPL_WHOISBOT,
  RPL_WHOISCERTFP,
  RPL_WHOISCHANNELS,
  RPL_WHOISIDLE,
  RPL_WHOISOPERATOR,
  RPL_WHOISSERVER,
  RPL_WHOISUSER,
  RPL_WHOREPLY,
  RPL_WHOSPCRPL,
  RPL_WHOWASUSER,
} from "../../protocol/irc/numerics.js";
import { fold } from "../core/casemap.js";
import { globMatch } from "../core/registry.js";
import type { Room } from "../core/room.js";
import { type User, unixSeconds } from "../core/user.js";
import { Cap } from "./caps.js";
import { type IrcClient, IrcUser } from "./client.js";
import type { CommandTable } from "./commands.js";
import { MAX_WHO_REPLIES } from "./limits.js";
import { sendWhoisMetadata } from "./metadata.js";
import { ircHostname, prefixOf, sendIsupport, sendLusers, sendMotd } from "./replies.js";

/** A host as a parameter of its own: IPv6 must not start with ':'. */
function host(user: User): string {
  return ircHostname(user.hostname);
}

function username(user: User): string {
  return user.username || user.nick;
}

function sharesRoom(a: User, b: User): boolean {
  for (const room of a.rooms) if (room.members.has(b)) return true;
  return false;
}

// WHO [<mask> [o][%<fields>[,<token>]]]   (WHOX: 354 with the fields asked for)
function who(client: IrcClient, params: string[]): void {
  const mask = params[0] ?? "*";
  const option = params[1] ?? "";
  const percent = option.indexOf("%");
  const opersOnly = (percent === -1 ? option : option.slice(0, percent)).includes("o");
  const whox = percent === -1 ? null : parseWhox(option.slice(percent + 1));
  const whoReply =
    whox === null
      ? plainWhoReply
      : (c: IrcClient, u: User, r: Room | null, p: string) => whoxReply(c, u, r, p, whox);
  const me = client.user;
  if (mask.startsWith("#")) {
    const room = client.registry.findRoom(mask);
    const member = room?.members.has(me) === true;
    if (room && (member || !room.modes.secret)) {
      for (const [user, status] of room.members) {
        if (!member && user.invisible) continue;
        if (opersOnly && !user.oper) continue;
        whoReply(client, user, room, prefixOf(status, client.has(Cap.MultiPrefix)));
      }
    }
  } else if (!/[*?]/.test(mask) && client.registry.findUser(mask)) {
    // An exact nickname: that user, invisible or not (+i hides users from mask searches only).
    const user = client.registry.findUser(mask) as User;
    if (!opersOnly || user.oper) whoReply(client, user, null, "");
  } else {
    const pattern = fold(mask === "0" ? "*" : mask);
    const server = fold(client.frontend.serverName);
    let count = 0;
    for (const user of client.registry.users.values()) {
      if (count >= MAX_WHO_REPLIES) break;
      if (opersOnly && !user.oper) continue;
      if (user !== me && user.invisible && !sharesRoom(me, user)) continue;
      const fields = [user.nick, username(user), user.hostname, user.realname, server];
      if (!fields.some((field) => globMatch(pattern, fold(field)))) continue;
      whoReply(client, user, null, "");
      count++;
    }
  }
  client.numeric(RPL_ENDOFWHO, mask, "End of WHO list");
}

/** WHOX's request: the fields asked for (letters) and the query type token. */
interface WhoxQuery {
  fields: string;
  token: string;
}

function parseWhox(text: string): WhoxQuery {
  const [fields = "", token = ""] = text.split(",");
  // A token is at most three digits; anything else is no token.
  return { fields, token: /^[0-9]{1,3}$/.test(token) ? token : "0" };
}

/** The WHO flags: H (here) or G (gone), * for an operator, then the channel prefix. */
function whoFlags(user: User, prefix: string): string {
  return `${user.away === null ? "H" : "G"}${user.oper ? "*" : ""}${user.bot ? "B" : ""}${prefix}`;
}

// 354 <client> [token] [channel] [user] [ip] [host] [server] [nick] [flags] [hops] [idle] [account] [oplevel]
//     [:realname]
function whoxReply(client: IrcClient, user: User, room: Room | null, prefix: string, query: WhoxQuery): void {
  const { fields } = query;
  const out: string[] = [];
  if (fields.includes("t")) out.push(query.token);
  if (fields.includes("c")) out.push(room ? room.name : "*");
  if (fields.includes("u")) out.push(username(user));
  // The address only to the user itself and to operators.
  if (fields.includes("i"))
    out.push(client.user === user || client.user.oper ? host(user) : "255.255.255.255");
  if (fields.includes("h")) out.push(host(user));
  if (fields.includes("s")) out.push(client.frontend.serverName);
  if (fields.includes("n")) out.push(user.nick);
  if (fields.includes("f")) out.push(whoFlags(user, prefix));
  // Hops to the user's server: every node is one server to its clients.
  if (fields.includes("d")) out.push("0");
  if (fields.includes("l"))
    out.push(String(Math.max(0, unixSeconds(client.frontend.context.clock.now()) - user.lastActiveAt)));
  if (fields.includes("a")) out.push(user.account ?? "0");
  // Channel operator levels are not kept here.
  if (fields.includes("o")) out.push("n/a");
  if (fields.includes("r")) out.push(lineSafe(user.realname));
  if (out.length > 0) client.numeric(RPL_WHOSPCRPL, ...out);
}

function plainWhoReply(client: IrcClient, user: User, room: Room | null, prefix: string): void {
  const flags = whoFlags(user, prefix);
  client.numeric(
    RPL_WHOREPLY,
    room ? room.name : "*",
    username(user),
    host(user),
    client.frontend.serverName,
    user.nick,
    flags,
    `0 ${lineSafe(user.realname)}`,
  );
}

// WHOIS [<server>] <nick>
function whois(client: IrcClient, params: string[]): void {
  const nick = ((params.length > 1 ? params[1] : params[0]) as string).split(",")[0] as string;
  const target = client.registry.findUser(nick);
  if (!target) {
    client.numeric(ERR_NOSUCHNICK, nick, "No such nick/channel");
    client.numeric(RPL_ENDOFWHOIS, nick, "End of /WHOIS list");
    return;
  }
  const me = client.user;
  client.numeric(RPL_WHOISUSER, target.nick, username(target), host(target), "*", lineSafe(target.realname));
  const all = client.has(Cap.MultiPrefix);
  const rooms: string[] = [];
  for (const room of target.rooms) {
    const mine = room.members.has(me);
    if (!mine && (room.modes.secret || target.invisible)) continue;
    const status = room.members.get(target);
    rooms.push(`${status ? prefixOf(status, all) : ""}${room.name}`);
  }
  sendWords(client, RPL_WHOISCHANNELS, [target.nick], rooms);
  const where = target.protocol === "seed" ? "the seed rooms protocol" : client.config.network;
  client.numeric(RPL_WHOISSERVER, target.nick, client.frontend.serverName, where);
  if (target.away !== null) client.numeric(RPL_AWAY, target.nick, lineSafe(target.away));
  if (target.oper) client.numeric(RPL_WHOISOPERATOR, target.nick, "is an IRC operator");
  if (target.bot) client.numeric(RPL_WHOISBOT, target.nick, `is a Bot on ${client.config.network}`);
  // A certificate fingerprint identifies its owner across nicks: told to the owner and to operators only.
  const certfp =
    (target === me || me.oper) && target instanceof IrcUser ? target.client.conn.certFingerprint?.() : null;
  if (certfp) client.numeric(RPL_WHOISCERTFP, target.nick, `has client certificate fingerprint ${certfp}`);
  if (target.frontend.service) client.numeric(RPL_WHOISOPERATOR, target.nick, "is a network service");
  if (target.account !== null)
    client.numeric(RPL_WHOISACCOUNT, target.nick, target.account, "is logged in as");
  sendWhoisMetadata(client, target);
  const idle = Math.max(0, unixSeconds(client.frontend.context.clock.now()) - target.lastActiveAt);
  const signon = target.connectedAt;
  client.numeric(RPL_WHOISIDLE, target.nick, String(idle), String(signon), "seconds idle, signon time");
  client.numeric(RPL_ENDOFWHOIS, target.nick, "End of /WHOIS list");
}

/** `numeric` with the words in its trailing parameter, as many lines as 512 bytes need; none for none. */
function sendWords(client: IrcClient, numeric: string, params: string[], words: string[]): void {
  const fixed = utf8Length(`:${client.frontend.serverName} ${numeric} ${client.name} ${params.join(" ")} :`);
  let line: string[] = [];
  let bytes = fixed;
  for (const word of words) {
    const size = utf8Length(word);
    if (line.length > 0 && bytes + 1 + size > MAX_BODY_BYTES) {
      client.numeric(numeric, ...params, line.join(" "));
      line = [];
      bytes = fixed;
    }
    if (line.length > 0) bytes += 1;
    line.push(word);
    bytes += size;
  }
  if (line.length > 0) client.numeric(numeric, ...params, line.join(" "));
}

// WHOWAS <nick> [<count>]
function whowas(client: IrcClient, params: string[]): void {
  const nick = params[0] as string;
  const count = Number(params[1]);
  let entries = client.registry.lookupWhowas(nick);
  if (Number.isSafeInteger(count) && count > 0) entries = entries.slice(0, count);
  if (entries.length === 0) client.numeric(ERR_WASNOSUCHNICK, nick, "There was no such nickname");
  for (const entry of entries) {
    client.numeric(
      RPL_WHOWASUSER,
      entry.nick,
      entry.username || entry.nick,
      ircHostname(entry.hostname),
      "*",
      lineSafe(entry.realname),
    );
    client.numeric(
      RPL_WHOISSERVER,
      entry.nick,
      client.frontend.serverName,
      new Date(entry.leftAt).toUTCString(),
    );
  }
  client.numeric(RPL_ENDOFWHOWAS, nick, "End of WHOWAS");
}

// VERSION
function version(client: IrcClient): void {
  client.numeric(RPL_VERSION, client.frontend.version, client.frontend.serverName, "tcpchat rooms server");
  sendIsupport(client);
}

// TIME
function time(client: IrcClient): void {
  const now = new Date(client.frontend.context.clock.now());
  client.numeric(RPL_TIME, client.frontend.serverName, now.toUTCString());
}

// INFO
function info(client: IrcClient): void {
  const { frontend } = client;
  for (const line of [
    `${frontend.version}: a chat-server toolkit`,
    "Rooms shared by IRC and the seed rooms protocol: #lobby here is the seed room lobby.",
    `Started ${new Date(frontend.context.startedAt).toUTCString()}`,
  ])
    client.numeric(RPL_INFO, line);
  client.numeric(RPL_ENDOFINFO, "End of /INFO list");
}

// ISON <nickname>{ <nickname>}
function ison(client: IrcClient, params: string[]): void {
  const online: string[] = [];
  for (const word of params.join(" ").split(" ")) {
    const user = word === "" ? undefined : client.registry.findUser(word);
    if (user) online.push(user.nick);
  }
  client.numeric(RPL_ISON, online.join(" "));
}

// USERHOST <nickname>{ <nickname>}
function userhost(client: IrcClient, params: string[]): void {
  const replies: string[] = [];
  for (const nick of params.slice(0, 5)) {
    const user = client.registry.findUser(nick);
    if (!user) continue;
    replies.push(
      `${user.nick}${user.oper ? "*" : ""}=${user.away === null ? "+" : "-"}${username(user)}@${user.hostname}`,
    );
  }
  client.numeric(RPL_USERHOST, replies.join(" "));
}

export const queryCommands: CommandTable = {
  INFO: { handler: info, beforeRegistration: false, minParams: 0 },
  ISON: { handler: ison, beforeRegistration: false, minParams: 1 },
  LUSERS: { handler: sendLusers, beforeRegistration: false, minParams: 0 },
  MOTD: { handler: sendMotd, beforeRegistration: false, minParams: 0 },
  TIME: { handler: time, beforeRegistration: false, minParams: 0 },
  USERHOST: { handler: userhost, beforeRegistration: false, minParams: 1 },
  VERSION: { handler: version, beforeRegistration: false, minParams: 0 },
  WHO: { handler: who, beforeRegistration: false, minParams: 0 },
  WHOIS: { handler: whois, beforeRegistration: false, minParams: 1 },
  WHOWAS: { handler: whowas, beforeRegistration: false, minParams: 1 },
};
