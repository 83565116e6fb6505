// Operators: OPER, KILL, WALLOPS, SAJOIN, SAPART. Every command but OPER needs +o (481 otherwise).
import { isPasswordHash, verifyPassword } from "../../password-hash.js";
import { truncateUtf8 } from "../../protocol/irc/message.js";
import {
  ERR_NOOPERHOST,
  ERR_NOPRIVILEGES,
  ERR_PASSWDMISMATCH,
  RPL_YOUREOPER,
} from "../../protocol/irc/numerics.js";
import type { IrcClient } from "./client.js";
import type { CommandTable } from "./commands.js";
import { KICK_LENGTH } from "./limits.js";
import { checkRoomName, roomOr403, sameSecret, userOr401 } from "./replies.js";

/** 481 unless the client is an operator; true when it is. */
export function isOper(client: IrcClient): boolean {
  if (client.user.oper) return true;
  client.numeric(ERR_NOPRIVILEGES, "Permission Denied- You're not an IRC operator");
  return false;
}

// OPER <name> <password>
function oper(client: IrcClient, params: string[]): void {
  const [name, password] = params as [string, string];
  const credential = client.config.opers.find((entry) => entry.name === name);
  if (!credential) {
    client.numeric(ERR_NOOPERHOST, "No O-lines for your host");
    return;
  }
  if (!isPasswordHash(credential.password)) {
    operChecked(client, sameSecret(password, credential.password));
    return;
  }
  // A hash (tcpchat passwd) takes tens of milliseconds to check: off the event loop, answered when done.
  const answer = client.later();
  void verifyPassword(password, credential.password).then((ok) => answer(() => operChecked(client, ok)));
}

function operChecked(client: IrcClient, ok: boolean): void {
  if (!ok) {
    client.numeric(ERR_PASSWDMISMATCH, "Password incorrect");
    return;
  }
  client.numeric(RPL_YOUREOPER, "You are now an IRC operator");
  client.registry.setUserModes(client.user, { oper: true });
}

// KILL <nickname> [<comment>]
function kill(client: IrcClient, params: string[]): void {
  if (!isOper(client)) return;
  const target = userOr401(client, params[0] as string);
  if (!target) return;
  const comment = truncateUtf8(params[1] || "No reason given", KICK_LENGTH);
  // The target's own node closes the connection in its protocol's words, then tells everyone it quit.
  client.registry.kill(client.user, target, `Killed (${client.user.nick} (${comment}))`);
}

// WALLOPS <text>
function wallops(client: IrcClient, params: string[]): void {
  if (!isOper(client)) return;
  client.registry.wallops(client.user, params[0] as string);
}

// CHGHOST <nickname> <host>  |  CHGHOST <nickname> <username> <host>
// An operator changes a user's host (and username), on every node; clients with chghost are told
// with CHGHOST, the others as if the user had quit and joined again.
function chghost(client: IrcClient, params: string[]): void {
  if (!isOper(client)) return;
  const target = userOr401(client, params[0] as string);
  if (!target) return;
  const [username, hostname] =
    params.length >= 3 ? [params[1] as string, params[2] as string] : [target.username, params[1] as string];
  if (!HOST.test(hostname) || !USERNAME.test(username || "x")) {
    client.standardReply("FAIL", "CHGHOST", "INVALID_HOST", target.nick, "Invalid username or host");
    return;
  }
  client.registry.changeHost(client.user, target, username, hostname);
}

/** Hosts and usernames that are safe in a mask: no '!', '@', space or other specials. */
const HOST = /^[A-Za-z0-9][A-Za-z0-9.:/_-]{0,62}$/;
const USERNAME = /^[A-Za-z0-9_.~^`|{}[\]-]{1,16}$/;

// SAJOIN <nickname> <channel>
function sajoin(client: IrcClient, params: string[]): void {
  if (!isOper(client)) return;
  const target = userOr401(client, params[0] as string);
  if (!target) return;
  const name = params[1] as string;
  if (!checkRoomName(client, name)) return;
  // Another node's user is joined by its own node (the answer, if any, is the JOIN itself).
  const error = client.registry.forceJoin(client.user, target, name);
  if (error) client.refuse(error, { channel: name, nick: target.nick });
}

// SAPART <nickname> <channel> [<reason>]
function sapart(client: IrcClient, params: string[]): void {
  if (!isOper(client)) return;
  const target = userOr401(client, params[0] as string);
  if (!target) return;
  const room = roomOr403(client, params[1] as string);
  if (!room) return;
  // Not the operator's own membership: the target's is missing (441).
  const error = client.registry.forcePart(client.user, target, room, params[2] ?? "");
  if (error) client.refuse(error, { channel: room.name, nick: target.nick });
}

export const operatorCommands: CommandTable = {
  CHGHOST: { handler: chghost, beforeRegistration: false, minParams: 2 },
  KILL: { handler: kill, beforeRegistration: false, minParams: 1 },
  OPER: { handler: oper, beforeRegistration: false, minParams: 2 },
  SAJOIN: { handler: sajoin, beforeRegistration: false, minParams: 2 },
  SAPART: { handler: sapart, beforeRegistration: false, minParams: 2 },
  WALLOPS: { handler: wallops, beforeRegistration: false, minParams: 1 },
};
