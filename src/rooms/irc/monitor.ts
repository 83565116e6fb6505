// MONITOR (IRCv3 monitor, extended-monitor): a client names nicks it wants to follow; it is told with 730
// when one comes online (on any node) and 731 when it goes, and with extended-monitor of their AWAY,
// SETNAME and CHGHOST as if it shared a channel with them. The core tells the front-end of every user's
// changes (a UserWatcher); this file keeps who follows which nick.
import {
  ERR_MONLISTFULL,
  ERR_NEEDMOREPARAMS,
  ERR_UNKNOWNERROR,
  RPL_ENDOFMONLIST,
  RPL_MONLIST,
  RPL_MONOFFLINE,
  RPL_MONONLINE,
} from "../../protocol/irc/numerics.js";
import { fold } from "../core/casemap.js";
import type { UserWatcher } from "../core/events.js";
import type { User } from "../core/user.js";
import { Cap } from "./caps.js";
import type { IrcClient, IrcUser } from "./client.js";
import type { CommandTable } from "./commands.js";
import { EventLine } from "./deliver.js";
import { withText } from "./replies.js";

/** Nicks one client may follow at once (ISUPPORT MONITOR). */
export const MAX_MONITORED = 100;

/** Who follows which nick, for one front-end. */
export class Monitors implements UserWatcher {
  /** Followers by folded nick. */
  private readonly followers = new Map<string, Set<IrcClient>>();
  /** Followed nicks by client, as each client wrote them, by folded nick. */
  private readonly followed = new Map<IrcClient, Map<string, string>>();

  list(client: IrcClient): ReadonlyMap<string, string> {
    return this.followed.get(client) ?? new Map();
  }

  add(client: IrcClient, nick: string): void {
    const key = fold(nick);
    let mine = this.followed.get(client);
    if (!mine) {
      mine = new Map();
      this.followed.set(client, mine);
    }
    if (mine.has(key)) return;
    mine.set(key, nick);
    let set = this.followers.get(key);
    if (!set) {
      set = new Set();
      this.followers.set(key, set);
    }
    set.add(client);
  }

  remove(client: IrcClient, nick: string): void {
    const key = fold(nick);
    const mine = this.followed.get(client);
    if (!mine?.delete(key)) return;
    if (mine.size === 0) this.followed.delete(client);
    const set = this.followers.get(key);
    set?.delete(client);
    if (set?.size === 0) this.followers.delete(key);
  }

  /** Forget everything `client` follows (MONITOR C, or the connection gone). */
  clear(client: IrcClient): void {
    for (const nick of [...this.list(client).values()]) this.remove(client, nick);
  }

  userChanged(event: Parameters<UserWatcher["userChanged"]>[0]): void {
    if (this.followers.size === 0) return;
    const user = event.user;
    switch (event.type) {
      case "connect":
        this.tell(fold(user.nick), (client) => client.numeric(RPL_MONONLINE, user.mask));
        return;
      case "quit":
        this.tell(fold(user.nick), (client) => client.numeric(RPL_MONOFFLINE, user.nick));
        return;
      case "nick":
        if (fold(event.old) !== fold(user.nick))
          this.tell(fold(event.old), (client) => client.numeric(RPL_MONOFFLINE, event.old));
        this.tell(fold(user.nick), (client) => client.numeric(RPL_MONONLINE, user.mask));
        return;
      case "away": {
        const prefix = `:${user.mask} AWAY`;
        const body = user.away === null ? prefix : withText(prefix, user.away);
        this.extended(user, Cap.AwayNotify, body, event.time);
        return;
      }
      case "setname":
        this.extended(user, Cap.Setname, withText(`:${user.mask} SETNAME`, user.realname), event.time);
        return;
      case "chghost":
        this.extended(
          user,
          Cap.Chghost,
          `:${event.oldMask} CHGHOST ${user.username} ${user.hostname}`,
          event.time,
        );
        return;
    }
  }

  private tell(key: string, say: (client: IrcClient) => void): void {
    const set = this.followers.get(key);
    if (set) for (const client of set) if (client.registered && !client.closing) say(client);
  }

  /** extended-monitor: followers with `cap` told `body`, unless a shared room told them already. */
  private extended(user: User, cap: number, body: string, time: number): void {
    const set = this.followers.get(fold(user.nick));
    if (!set) return;
    const line = new EventLine(body, time);
    for (const client of set) {
      if (!client.has(Cap.ExtendedMonitor) || !client.has(cap) || client.closing) continue;
      if (client.user === user || sharesRoom(client.user, user)) continue;
      client.sendRaw(line.for(client.caps));
    }
  }
}

function sharesRoom(a: IrcUser, b: User): boolean {
  for (const room of a.rooms) if (room.members.has(b)) return true;
  return false;
}

// MONITOR + <target>{,<target>} | MONITOR - <target>{,<target>} | MONITOR C | MONITOR L | MONITOR S
function monitor(client: IrcClient, params: string[]): void {
  const monitors = client.frontend.monitors;
  const modifier = (params[0] as string).toUpperCase();
  const targets = (params[1] ?? "").split(",").filter((nick) => nick !== "");
  if ((modifier === "+" || modifier === "-") && targets.length === 0) {
    client.numeric(ERR_NEEDMOREPARAMS, "MONITOR", "Not enough parameters");
    return;
  }
  switch (modifier) {
    case "+": {
      const online: string[] = [];
      const offline: string[] = [];
      for (const [i, nick] of targets.entries()) {
        const known = monitors.list(client);
        if (!known.has(fold(nick)) && known.size >= MAX_MONITORED) {
          client.numeric(
            ERR_MONLISTFULL,
            String(MAX_MONITORED),
            targets.slice(i).join(","),
            "Monitor list is full.",
          );
          break;
        }
        // A target must be a valid nick; others are skipped.
        if (!client.registry.isValidNick(nick)) continue;
        monitors.add(client, nick);
        const user = client.registry.findUser(nick);
        if (user) online.push(user.mask);
        else offline.push(nick);
      }
      sendList(client, RPL_MONONLINE, online);
      sendList(client, RPL_MONOFFLINE, offline);
      return;
    }
    case "-":
      for (const nick of targets) monitors.remove(client, nick);
      return;
    case "C":
      monitors.clear(client);
      return;
    case "L":
      sendList(client, RPL_MONLIST, [...monitors.list(client).values()]);
      client.numeric(RPL_ENDOFMONLIST, "End of MONITOR list");
      return;
    case "S": {
      const online: string[] = [];
      const offline: string[] = [];
      for (const nick of monitors.list(client).values()) {
        const user = client.registry.findUser(nick);
        if (user) online.push(user.mask);
        else offline.push(nick);
      }
      sendList(client, RPL_MONONLINE, online);
      sendList(client, RPL_MONOFFLINE, offline);
      return;
    }
    default:
      client.numeric(ERR_UNKNOWNERROR, "MONITOR", params[0] as string, "Unknown MONITOR modifier");
      return;
  }
}

/** `numeric` with comma-separated targets, as many lines as 512 bytes need; none for none. */
function sendList(client: IrcClient, numeric: string, targets: readonly string[]): void {
  const room = 400 - client.name.length;
  let line = "";
  for (const target of targets) {
    if (line !== "" && line.length + 1 + target.length > room) {
      client.numeric(numeric, line);
      line = "";
    }
    line = line === "" ? target : `${line},${target}`;
  }
  if (line !== "") client.numeric(numeric, line);
}

export const monitorCommands: CommandTable = {
  MONITOR: { handler: monitor, beforeRegistration: false, minParams: 1 },
};
