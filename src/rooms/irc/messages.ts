// Messages: PRIVMSG, NOTICE, TAGMSG, AWAY.
import { type IrcInput, lineSafe, truncateUtf8 } from "../../protocol/irc/message.js";
import {
  ERR_NORECIPIENT,
  ERR_NOTEXTTOSEND,
  ERR_TOOMANYTARGETS,
  RPL_AWAY,
  RPL_NOWAWAY,
  RPL_UNAWAY,
} from "../../protocol/irc/numerics.js";
import type { MemberRank } from "../core/operations.js";
import { RoomError } from "../core/registry.js";
import { Room } from "../core/room.js";
import type { User } from "../core/user.js";
import type { IrcClient } from "./client.js";
import type { CommandTable } from "./commands.js";
import { AWAY_LENGTH, MAX_TARGETS } from "./limits.js";

// PRIVMSG <target>{,<target>} <text>
function privmsg(client: IrcClient, params: string[], message: IrcInput): void {
  send(client, params, message, "privmsg");
}

// NOTICE <target>{,<target>} <text>
// No automatic reply to a NOTICE, errors included (RFC 2812 3.3.2): a NOTICE that cannot go is dropped.
function notice(client: IrcClient, params: string[], message: IrcInput): void {
  send(client, params, message, "notice");
}

function send(client: IrcClient, params: string[], message: IrcInput, kind: "privmsg" | "notice"): void {
  const quiet = kind === "notice";
  const command = quiet ? "NOTICE" : "PRIVMSG";
  const [targets, text] = params;
  if (targets === undefined || targets === "") {
    if (!quiet) client.numeric(ERR_NORECIPIENT, `No recipient given (${command})`);
    return;
  }
  if (text === undefined || text === "") {
    if (!quiet) client.numeric(ERR_NOTEXTTOSEND, "No text to send");
    return;
  }
  const tags = onlyClientTags(message.tags);
  targets.split(",").forEach((name, i) => {
    if (name === "") return;
    if (i >= MAX_TARGETS) {
      if (!quiet) client.numeric(ERR_TOOMANYTARGETS, name, `Too many targets (at most ${MAX_TARGETS})`);
      return;
    }
    const status = statusOf(name);
    const target = findTarget(client, status ? name.slice(1) : name, quiet);
    if (!target) return;
    const error = client.registry.message(client.user, target, text, kind, tags, status);
    if (error !== null) {
      if (!quiet) client.refuse(error, target instanceof Room ? { channel: name } : { nick: name });
      return;
    }
    if (!quiet && !(target instanceof Room) && target.away !== null)
      client.numeric(RPL_AWAY, target.nick, lineSafe(target.away));
  });
}

/** STATUSMSG: `@#room` is to its operators, `+#room` to its voiced members and operators. */
function statusOf(name: string): MemberRank | undefined {
  if (name.charCodeAt(1) !== 0x23 /* # */) return undefined;
  const first = name.charCodeAt(0);
  return first === 0x40 /* @ */ ? "o" : first === 0x2b /* + */ ? "v" : undefined;
}

/** The room or user `name` names; 403 or 401 (unless `quiet`) when there is none. */
function findTarget(client: IrcClient, name: string, quiet: boolean): Room | User | undefined {
  const found = name.startsWith("#") ? client.registry.findRoom(name) : client.registry.findUser(name);
  if (!found && !quiet) {
    if (name.startsWith("#")) client.refuse(RoomError.NoSuchRoom, { channel: name });
    else client.refuse(RoomError.NoSuchNick, { nick: name });
  }
  return found;
}

/** The client-only tags (`+name`) of a message, or undefined when it has none. */
function onlyClientTags(tags: Readonly<Record<string, string>>): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const key in tags) {
    if (key.charCodeAt(0) !== 0x2b /* + */) continue;
    out ??= {};
    out[key] = tags[key] as string;
  }
  return out;
}

// TAGMSG <target>{,<target>}
// Only tags: a message like any other in the core (it reaches every node), told to IRC clients with
// message-tags only. The same rules for who may speak.
function tagmsg(client: IrcClient, params: string[], message: IrcInput): void {
  const tags = onlyClientTags(message.tags);
  if (!tags) return;
  (params[0] as string).split(",").forEach((name, i) => {
    if (name === "") return;
    if (i >= MAX_TARGETS) {
      client.numeric(ERR_TOOMANYTARGETS, name, `Too many targets (at most ${MAX_TARGETS})`);
      return;
    }
    const status = statusOf(name);
    const target = findTarget(client, status ? name.slice(1) : name, false);
    if (!target) return;
    const error = client.registry.message(client.user, target, "", "tagmsg", tags, status);
    // A seed user cannot hear tags: nothing to tell.
    if (error !== null && error !== RoomError.NoPrivateMessages) client.refuse(error, { channel: name });
  });
}

// AWAY [<text>]
function away(client: IrcClient, params: string[]): void {
  const text = params[0];
  if (text === undefined || text === "") {
    client.registry.setAway(client.user, null);
    client.numeric(RPL_UNAWAY, "You are no longer marked as being away");
  } else {
    client.registry.setAway(client.user, truncateUtf8(text, AWAY_LENGTH));
    client.numeric(RPL_NOWAWAY, "You have been marked as being away");
  }
}

export const messageCommands: CommandTable = {
  AWAY: { handler: away, beforeRegistration: false, minParams: 0 },
  NOTICE: { handler: notice, beforeRegistration: false, minParams: 0 },
  PRIVMSG: { handler: privmsg, beforeRegistration: false, minParams: 0 },
  TAGMSG: { handler: tagmsg, beforeRegistration: false, minParams: 1 },
};
