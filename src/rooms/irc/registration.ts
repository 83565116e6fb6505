import { MAX_BODY_BYTES, truncateUtf8, utf8Length } from "../../protocol/irc/message.js";
import { CHANMODES, PREFIX_MODES, USER_MODES } from "../../protocol/irc/modes.js";
import {
  ERR_ALREADYREGISTERED,
  ERR_ERRONEUSNICKNAME,
  ERR_INVALIDCAPCMD,
  ERR_NEEDMOREPARAMS,
  ERR_NICKNAMEINUSE,
  ERR_NONICKNAMEGIVEN,
  ERR_PASSWDMISMATCH,
  ERR_YOUREBANNEDCREEP,
  RPL_CREATED,
  RPL_MYINFO,
  RPL_WELCOME,
  RPL_YOURHOST,
} from "../../protocol/irc/numerics.js";
import { banNotice } from "../core/server-bans.js";
import { abort } from "./accounts.js";
import { CAPABILITIES, capList, capNames } from "./caps.js";
import type { IrcClient } from "./client.js";
import type { CommandTable } from "./commands.js";
import { QUIT_LENGTH, REALNAME_LENGTH, USER_LENGTH } from "./limits.js";
import { sendOwnMetadata } from "./metadata.js";
import { sameSecret, sendIsupport, sendLusers, sendMotd, withText } from "./replies.js";
import { stsCapability } from "./sts.js";

// PASS <password>
function pass(client: IrcClient, params: string[]): void {
  if (client.registered) {
    client.numeric(ERR_ALREADYREGISTERED, "You may not reregister");
    return;
  }
  client.password = params[0] as string;
}

// NICK <nickname>
function nick(client: IrcClient, params: string[]): void {
  const wanted = params[0] ?? "";
  if (wanted === "") {
    client.numeric(ERR_NONICKNAMEGIVEN, "No nickname given");
    return;
  }
  const registry = client.registry;
  if (!client.registered) {
    if (!registry.isValidNick(wanted)) {
      client.numeric(ERR_ERRONEUSNICKNAME, wanted, "Erroneous nickname");
      return;
    }
    const holder = registry.findUser(wanted);
    if (holder && holder !== client.user) {
      client.numeric(ERR_NICKNAMEINUSE, wanted, "Nickname is already in use");
      return;
    }
    client.user.nick = wanted;
    client.nickGiven = true;
    tryRegister(client);
    return;
  }
  const error = registry.rename(client.user, wanted);
  if (error) client.refuse(error, { nick: wanted });
  else client.frontend.context.nickserv.check(client.user);
}

// USER <username> <mode> <unused> :<realname>
function user(client: IrcClient, params: string[]): void {
  if (client.registered || client.userGiven) {
    client.numeric(ERR_ALREADYREGISTERED, "You may not reregister");
    return;
  }
  const [username, mode, , realname] = params as [string, string, string, string];
  // The realname may not be empty (Modern IRC): an empty one is a missing parameter.
  if (realname === "" || username === "") {
    client.numeric(ERR_NEEDMOREPARAMS, "USER", "Not enough parameters");
    return;
  }
  // Only characters that are safe in a mask; no ident lookup, so the name is the client's word.
  client.user.username = username.replace(/[^A-Za-z0-9_.\-~^`|{}[\]]/g, "").slice(0, USER_LENGTH) || "user";
  client.user.realname = truncateUtf8(realname, REALNAME_LENGTH);
  // RFC 2812: bit 3 of the mode asks for +i.
  if ((Number(mode) & 8) !== 0) client.user.invisible = true;
  client.userGiven = true;
  tryRegister(client);
}

// CAP LS [<version>] | CAP LIST | CAP REQ :<capabilities> | CAP END
function cap(client: IrcClient, params: string[]): void {
  const subcommand = (params[0] as string).toUpperCase();
  const reply = (text: string, verb = subcommand) =>
    client.send(withText(`:${client.frontend.serverName} CAP ${client.name} ${verb}`, text));
  switch (subcommand) {
    case "LS": {
      if (!client.registered) client.capNegotiating = true;
      const version = Number(params[1]) || 0;
      client.capVersion = Math.max(client.capVersion, version);
      const sts = version >= 302 ? stsCapability(client) : null;
      const list = capList(version, client.config.password === null);
      capReply(client, "LS", sts ? `${list} ${sts}` : list, version);
      return;
    }
    case "LIST":
      capReply(client, "LIST", capNames(client.caps), client.capVersion);
      return;
    case "REQ": {
      if (!client.registered) client.capNegotiating = true;
      const asked = (params[1] ?? "").trim();
      // A request is taken whole or refused whole.
      let caps = client.caps;
      for (const item of asked.split(/ +/)) {
        if (item === "") continue;
        const off = item.startsWith("-");
        const bit = CAPABILITIES.get(off ? item.slice(1) : item);
        if (bit === undefined) {
          reply(asked, "NAK");
          return;
        }
        caps = off ? caps & ~bit : caps | bit;
      }
      client.caps = caps;
      reply(asked, "ACK");
      return;
    }
    case "END":
      if (client.registered || !client.capNegotiating) return;
      client.capNegotiating = false;
      tryRegister(client);
      return;
    default:
      client.numeric(ERR_INVALIDCAPCMD, params[0] as string, "Invalid CAP command");
  }
}

/**
 * CAP LS or LIST: one line, or for version 302 and later as many as the list needs, each but the last
 * marked `*` (capability negotiation 3.2), none over 512 bytes and no capability cut in two.
 */
function capReply(client: IrcClient, verb: "LS" | "LIST", list: string, version: number): void {
  const head = `:${client.frontend.serverName} CAP ${client.name} ${verb}`;
  const lines = version >= 302 ? capLines(list, MAX_BODY_BYTES - utf8Length(head) - 4) : [list];
  lines.forEach((line, i) => {
    client.send(i < lines.length - 1 ? `${head} * :${line}` : `${head} :${line}`);
  });
}

/** A space-separated list in pieces of at most `budget` bytes, split between words. */
export function capLines(list: string, budget: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of list.split(" ")) {
    if (word === "") continue;
    if (line !== "" && utf8Length(line) + 1 + utf8Length(word) > budget) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}

// SETNAME :<realname>   (IRCv3 setname)
// Taken from clients without the capability too, as the specification allows; only they hear nothing back.
function setname(client: IrcClient, params: string[]): void {
  const realname = params[0] as string;
  if (realname === "" || utf8Length(realname) > REALNAME_LENGTH) {
    client.standardReply("FAIL", "SETNAME", "INVALID_REALNAME", "Realname is not valid");
    return;
  }
  // Told back to the client (with setname) and to everyone who shares a room, as the core's event.
  client.registry.setRealname(client.user, realname);
}

// QUIT [<reason>]
function quit(client: IrcClient, params: string[]): void {
  const text = params[0];
  const reason = text ? `Quit: ${truncateUtf8(text, QUIT_LENGTH)}` : "Client Quit";
  client.disconnect(reason, `Closing Link: ${client.user.hostname} (${reason})`);
}

// PING <token>
function ping(client: IrcClient, params: string[]): void {
  const server = client.frontend.serverName;
  client.send(withText(`:${server} PONG ${server}`, params[0] as string));
}

// PONG [<server>] <token>
function pong(): void {
  // Any line proves the client alive; the dispatcher has already noted it.
}

/** Registration completes once NICK and USER are in and CAP negotiation (if any) has ended. */
export function tryRegister(client: IrcClient): void {
  if (client.registered || !client.nickGiven || !client.userGiven || client.capNegotiating) return;
  const expected = client.config.password;
  if (expected !== null && (client.password === null || !sameSecret(client.password, expected))) {
    client.numeric(ERR_PASSWDMISMATCH, "Password incorrect");
    client.disconnect("Bad password", `Closing Link: ${client.user.hostname} (Bad password)`);
    return;
  }
  if (refusedByBan(client)) return;
  const error = client.registry.add(client.user);
  if (error !== null) {
    const wanted = client.user.nick;
    client.nickGiven = false;
    client.user.nick = "*";
    client.refuse(error, { nick: wanted });
    return;
  }
  client.registered = true;
  // Registration ends a SASL exchange still under way (sasl-3.1): the client registers without it.
  if (client.sasl) abort(client);
  client.frontend.userRegistered();
  client.inOnePiece(() => welcome(client));
  client.frontend.context.nickserv.check(client.user);
}

/** A K-line or D-line over the client's user@host or address: 465, then closed saying why. */
function refusedByBan(client: IrcClient): boolean {
  const { user } = client;
  const ban = client.registry.serverBanOf({
    username: user.username,
    hostname: user.hostname,
    address: client.conn.peer.address,
  });
  if (!ban) return false;
  const why = banNotice(ban);
  client.numeric(ERR_YOUREBANNEDCREEP, `You are banned from this server- ${why}`);
  client.disconnect(why, `Closing Link: ${user.hostname} (${why})`);
  return true;
}

function welcome(client: IrcClient): void {
  const { frontend, user } = client;
  const { network } = client.config;
  const server = frontend.serverName;
  client.numeric(RPL_WELCOME, `Welcome to the ${network} IRC Network ${user.mask}`);
  client.numeric(RPL_YOURHOST, `Your host is ${server}, running version ${frontend.version}`);
  client.numeric(
    RPL_CREATED,
    `This server was created ${new Date(frontend.context.startedAt).toUTCString()}`,
  );
  client.numeric(
    RPL_MYINFO,
    server,
    frontend.version,
    USER_MODES,
    `${CHANMODES.replaceAll(",", "")}${PREFIX_MODES}`,
  );
  sendIsupport(client);
  sendLusers(client);
  sendMotd(client);
  if (user.invisible) client.send(`:${user.mask} MODE ${user.nick} :+i`);
  sendOwnMetadata(client);
}

export const registrationCommands: CommandTable = {
  CAP: { handler: cap, beforeRegistration: true, minParams: 1 },
  NICK: { handler: nick, beforeRegistration: true, minParams: 0 },
  PASS: { handler: pass, beforeRegistration: true, minParams: 1 },
  PING: { handler: ping, beforeRegistration: true, minParams: 1 },
  PONG: { handler: pong, beforeRegistration: true, minParams: 0 },
  QUIT: { handler: quit, beforeRegistration: true, minParams: 0 },
  SETNAME: { handler: setname, beforeRegistration: false, minParams: 1 },
  USER: { handler: user, beforeRegistration: true, minParams: 4 },
};
