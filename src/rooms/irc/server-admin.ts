// The server's own state for operators and users: REHASH (operators) re-reads the configuration, STATS
// reports the uptime (u), how often each command was used (m), and to operators the K-lines (k) and
// D-lines (d).
import {
  ERR_NOPRIVILEGES,
  RPL_ENDOFSTATS,
  RPL_REHASHING,
  RPL_STATSCOMMANDS,
  RPL_STATSUPTIME,
} from "../../protocol/irc/numerics.js";
import { formatUptime } from "../console.js";
import { rehashHandler } from "../rehash.js";
import type { IrcClient } from "./client.js";
import type { CommandTable } from "./commands.js";
import { isOper } from "./operators.js";
import { statsBans } from "./server-bans.js";

// REHASH
function rehash(client: IrcClient): void {
  if (!client.user.oper) {
    client.numeric(ERR_NOPRIVILEGES, "Permission Denied- You're not an IRC operator");
    return;
  }
  const handler = rehashHandler();
  if (!handler) {
    client.send(
      `:${client.frontend.serverName} NOTICE ${client.name} :REHASH: this server has nothing to re-read`,
    );
    return;
  }
  client.numeric(RPL_REHASHING, handler.source, "Rehashing");
  const answer = client.later();
  void handler.rehash(`REHASH by ${client.user.nick}`).then((lines) =>
    answer(() => {
      for (const line of lines)
        client.send(`:${client.frontend.serverName} NOTICE ${client.name} :REHASH: ${line}`);
    }),
  );
}

// STATS [<query>]
function stats(client: IrcClient, params: string[]): void {
  const query = (params[0] ?? "").slice(0, 1);
  if (query === "u") {
    const seconds = Math.floor(
      (client.frontend.context.clock.now() - client.frontend.context.startedAt) / 1000,
    );
    client.numeric(RPL_STATSUPTIME, `Server Up ${formatUptime(seconds)}`);
  } else if (query === "m") {
    const counts = [...client.frontend.commandCounts].sort(([a], [b]) => a.localeCompare(b));
    for (const [command, count] of counts) client.numeric(RPL_STATSCOMMANDS, command, String(count));
  } else if (query === "k" || query === "K" || query === "d" || query === "D") {
    if (!isOper(client)) return;
    statsBans(client, query.toLowerCase() === "k" ? "kline" : "dline");
  }
  client.numeric(RPL_ENDOFSTATS, query || "*", "End of STATS report");
}

export const serverAdminCommands: CommandTable = {
  REHASH: { handler: rehash, beforeRegistration: false, minParams: 0 },
  STATS: { handler: stats, beforeRegistration: false, minParams: 0 },
};
