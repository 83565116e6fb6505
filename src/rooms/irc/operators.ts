// Operators: OPER, KILL, WALLOPS, SAJOIN, SAPART. Every command but OPER needs +o (481 otherwise).
import { truncateUtf8 } from "../../protocol/irc/message.js";
import {
  ERR_NOOPERHOST,
  ERR_NOPRIVILEGES,
  ERR_PASSWDMISMATCH,
  ERR_TOOMANYCHANNELS,
  ERR_USERNOTINCHANNEL,
  ERR_USERONCHANNEL,
  RPL_YOUREOPER,
} from "../../protocol/irc/numerics.js";
import { RoomError } from "../core/registry.js";
import type { IrcClient } from "./client.js";
import type { CommandTable } from "./commands.js";
import { KICK_LENGTH } from "./limits.js";
import { checkRoomName, roomOr403, sameSecret, userOr401, withText } from "./replies.js";

/** 481 unless the client is an operator; true when it is. */
function isOper(client: IrcClient): boolean {
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
  if (!sameSecret(password, credential.password)) {
    client.numeric(ERR_PASSWDMISMATCH, "Password incorrect");
    return;
  }
  const { user } = client;
  client.numeric(RPL_YOUREOPER, "You are now an IRC operator");
  if (!user.oper) {
    client.registry.setOper(user, true);
    client.send(`:${user.mask} MODE ${user.nick} :+o`);
  }
}

// KILL <nickname> [<comment>]
function kill(client: IrcClient, params: string[]): void {
  if (!isOper(client)) return;
  const target = userOr401(client, params[0] as string);
  if (!target) return;
  const comment = truncateUtf8(params[1] || "No reason given", KICK_LENGTH);
  const reason = `Killed (${client.user.nick} (${comment}))`;
  // Its own front-end closes the connection in its protocol's words; then it leaves the rooms (a no-op when
  // the front-end has already removed it).
  target.frontend.disconnect?.(target, reason);
  client.registry.remove(target, reason);
}

// WALLOPS <text>
function wallops(client: IrcClient, params: string[]): void {
  if (!isOper(client)) return;
  const line = Buffer.from(`${withText(`:${client.user.mask} WALLOPS`, params[0] as string)}\r\n`);
  for (const other of client.frontend.clients)
    if (other.registered && (other.wallops || other.user.oper)) other.sendRaw(line);
}

// SAJOIN <nickname> <channel>
function sajoin(client: IrcClient, params: string[]): void {
  if (!isOper(client)) return;
  const target = userOr401(client, params[0] as string);
  if (!target) return;
  const name = params[1] as string;
  if (!checkRoomName(client, name)) return;
  const result = client.registry.join(target, name, { force: true });
  if ("room" in result) return;
  if (result.error === RoomError.AlreadyInRoom)
    client.numeric(ERR_USERONCHANNEL, target.nick, name, "is already on channel");
  else client.numeric(ERR_TOOMANYCHANNELS, name, "Cannot join channel");
}

// SAPART <nickname> <channel> [<reason>]
function sapart(client: IrcClient, params: string[]): void {
  if (!isOper(client)) return;
  const target = userOr401(client, params[0] as string);
  if (!target) return;
  const room = roomOr403(client, params[1] as string);
  if (!room) return;
  if (client.registry.part(target, room, params[2] ?? "") === RoomError.NotInRoom)
    client.numeric(ERR_USERNOTINCHANNEL, target.nick, room.name, "They aren't on that channel");
}

export const operatorCommands: CommandTable = {
  KILL: { handler: kill, beforeRegistration: false, minParams: 1 },
  OPER: { handler: oper, beforeRegistration: false, minParams: 2 },
  SAJOIN: { handler: sajoin, beforeRegistration: false, minParams: 2 },
  SAPART: { handler: sapart, beforeRegistration: false, minParams: 2 },
  WALLOPS: { handler: wallops, beforeRegistration: false, minParams: 1 },
};
