// What the server says about itself to anyone: ADMIN, LINKS (this node and the others of a multi-node
// server), HELP and HELPOP (help text for every command), and SUMMON and USERS, which it does not offer.
import {
  ERR_HELPNOTFOUND,
  ERR_SUMMONDISABLED,
  ERR_USERSDISABLED,
  RPL_ADMINEMAIL,
  RPL_ADMINLOC1,
  RPL_ADMINLOC2,
  RPL_ADMINME,
  RPL_ENDOFHELP,
  RPL_ENDOFLINKS,
  RPL_HELPSTART,
  RPL_HELPTXT,
  RPL_LINKS,
} from "../../protocol/irc/numerics.js";
import { RemoteUser } from "../core/remote.js";
import type { IrcClient } from "./client.js";
import { COMMANDS, type CommandTable } from "./commands.js";
import { HELP } from "./help.js";

// ADMIN [<server>]
function admin(client: IrcClient): void {
  const { serverName, version } = client.frontend;
  client.numeric(RPL_ADMINME, serverName, "Administrative info");
  client.numeric(RPL_ADMINLOC1, `${client.config.network}: a ${version} rooms server`);
  client.numeric(RPL_ADMINLOC2, "Ask the server's operators (OPER) or the person at its console");
  client.numeric(RPL_ADMINEMAIL, "No e-mail address is configured");
}

// LINKS [[<remote server>] <server mask>]
// This node, and every other node of the server known here (by its users), one hop away.
function links(client: IrcClient): void {
  const { serverName } = client.frontend;
  const registry = client.registry;
  client.numeric(RPL_LINKS, serverName, serverName, `0 tcpchat node ${registry.origin}`);
  const others = new Set<string>();
  for (const user of registry.usersById.values()) if (user instanceof RemoteUser) others.add(user.node);
  for (const node of [...others].sort())
    client.numeric(RPL_LINKS, serverName, serverName, `1 tcpchat node ${node}`);
  client.numeric(RPL_ENDOFLINKS, "*", "End of /LINKS list");
}

// HELP [<subject>]  |  HELPOP [<subject>]
function help(client: IrcClient, params: string[]): void {
  const subject = (params[0] ?? "").toUpperCase();
  const lines = subject === "" ? index() : HELP.get(subject);
  if (!lines) {
    client.numeric(ERR_HELPNOTFOUND, subject, "No help available on this topic");
    return;
  }
  const name = subject === "" ? "*" : subject;
  lines.forEach((line, i) => {
    const code = i === 0 ? RPL_HELPSTART : RPL_HELPTXT;
    client.numeric(code, name, line);
  });
  client.numeric(RPL_ENDOFHELP, name, "End of /HELP");
}

/** The index: every command of the table, a few to a line. */
function index(): string[] {
  const names = [...COMMANDS.keys()].sort();
  const lines = ["tcpchat IRC: HELP <command> tells of one command. Commands:"];
  for (let i = 0; i < names.length; i += 16) lines.push(names.slice(i, i + 16).join(" "));
  return lines;
}

// SUMMON <user> [<target> [<channel>]]
function summon(client: IrcClient): void {
  client.numeric(ERR_SUMMONDISABLED, "SUMMON has been disabled");
}

// USERS [<server>]
function users(client: IrcClient): void {
  client.numeric(ERR_USERSDISABLED, "USERS has been disabled");
}

export const serverInfoCommands: CommandTable = {
  ADMIN: { handler: admin, beforeRegistration: false, minParams: 0 },
  HELP: { handler: help, beforeRegistration: false, minParams: 0 },
  HELPOP: { handler: help, beforeRegistration: false, minParams: 0 },
  LINKS: { handler: links, beforeRegistration: false, minParams: 0 },
  SUMMON: { handler: summon, beforeRegistration: false, minParams: 0 },
  USERS: { handler: users, beforeRegistration: false, minParams: 0 },
};
