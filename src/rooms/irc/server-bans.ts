// Server bans for operators: KLINE/UNKLINE (user@host) and DLINE/UNDLINE (an address or CIDR block), with
// an optional duration first, as IRC servers take it. STATS k and d list them. Every command needs +o.
import { ERR_NEEDMOREPARAMS, RPL_STATSDLINE, RPL_STATSKLINE } from "../../protocol/irc/numerics.js";
import { addedText, BAN_NAMES, banTerms, liftMask, readBanRequest } from "../ban-commands.js";
import type { ServerBanKind } from "../core/server-bans.js";
import type { IrcClient } from "./client.js";
import type { CommandTable } from "./commands.js";
import { isOper } from "./operators.js";

function notice(client: IrcClient, text: string): void {
  client.send(`:${client.frontend.serverName} NOTICE ${client.name} :${text}`);
}

function ban(client: IrcClient, kind: ServerBanKind, command: string, params: string[]): void {
  if (!isOper(client)) return;
  const request = readBanRequest(client.registry, kind, params);
  if ("missing" in request) {
    client.numeric(ERR_NEEDMOREPARAMS, command, "Not enough parameters");
    return;
  }
  if ("error" in request) {
    notice(client, `${command}: ${request.error}`);
    return;
  }
  const error = client.registry.banServer(client.user, { ...request.ban, setBy: client.user.nick });
  if (error) client.refuse(error, { command });
  // The operator's own connection may be under the ban, and gone by now.
  else if (!client.closing) notice(client, addedText(request));
}

function lift(client: IrcClient, kind: ServerBanKind, command: string, params: string[]): void {
  if (!isOper(client)) return;
  const mask = liftMask(kind, params[0] as string);
  if ("error" in mask) {
    notice(client, `${command}: ${mask.error}`);
    return;
  }
  const result = client.registry.unbanServer(client.user, kind, mask.mask);
  if ("error" in result) client.refuse(result.error, { command });
  else if (result.lifted) notice(client, `Removed ${BAN_NAMES[kind]} for ${result.lifted.mask}`);
  else notice(client, `${command}: no ${BAN_NAMES[kind]} for ${mask.mask}`);
}

/** STATS k (K-lines) and d (D-lines), for operators: each ban with what is left of it and who set it. */
export function statsBans(client: IrcClient, kind: ServerBanKind): void {
  const now = client.frontend.context.clock.now();
  for (const entry of client.registry.serverBans.active(now, kind)) {
    const text = `${entry.reason} (${banTerms(entry, now)})`;
    if (kind === "dline") {
      client.numeric(RPL_STATSDLINE, "D", entry.mask, text);
      continue;
    }
    const at = entry.mask.lastIndexOf("@");
    client.numeric(RPL_STATSKLINE, "K", entry.mask.slice(at + 1), "*", entry.mask.slice(0, at), text);
  }
}

export const serverBanCommands: CommandTable = {
  // KLINE [<duration>] <user@host|nick> [:<reason>]
  KLINE: { handler: (c, p) => ban(c, "kline", "KLINE", p), beforeRegistration: false, minParams: 1 },
  // UNKLINE <user@host>
  UNKLINE: { handler: (c, p) => lift(c, "kline", "UNKLINE", p), beforeRegistration: false, minParams: 1 },
  // DLINE [<duration>] <address|cidr|nick> [:<reason>]
  DLINE: { handler: (c, p) => ban(c, "dline", "DLINE", p), beforeRegistration: false, minParams: 1 },
  // UNDLINE <address|cidr>
  UNDLINE: { handler: (c, p) => lift(c, "dline", "UNDLINE", p), beforeRegistration: false, minParams: 1 },
};
