// Messages: PRIVMSG, NOTICE, TAGMSG, AWAY.
import { type IrcInput, lineSafe, truncateUtf8 } from "../../protocol/irc/message.js";
import {
  ERR_CANNOTSENDTOCHAN,
  ERR_CANTSENDTOUSER,
  ERR_NORECIPIENT,
  ERR_NOSUCHCHANNEL,
  ERR_NOSUCHNICK,
  ERR_NOTEXTTOSEND,
  ERR_TOOMANYTARGETS,
  RPL_AWAY,
  RPL_NOWAWAY,
  RPL_UNAWAY,
} from "../../protocol/irc/numerics.js";
import { RoomError } from "../core/registry.js";
import { Room } from "../core/room.js";
import type { User } from "../core/user.js";
import { Cap } from "./caps.js";
import type { IrcClient, IrcUser } from "./client.js";
import type { CommandTable } from "./commands.js";
import { clientTagsOf, EventLine } from "./deliver.js";
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
    const target = findTarget(client, name, quiet);
    if (!target) return;
    const error = client.registry.message(client.user, target, text, kind, tags);
    if (error === RoomError.NoPrivateMessages) {
      if (!quiet)
        client.numeric(
          ERR_CANTSENDTOUSER,
          name,
          "They use the seed rooms protocol, which has no private messages",
        );
      return;
    }
    if (error !== null) {
      if (!quiet) client.numeric(ERR_CANNOTSENDTOCHAN, name, "Cannot send to channel");
      return;
    }
    if (!quiet && !(target instanceof Room) && target.away !== null)
      client.numeric(RPL_AWAY, target.nick, lineSafe(target.away));
  });
}

/** The room or user `name` names; 403 or 401 (unless `quiet`) when there is none. */
function findTarget(client: IrcClient, name: string, quiet: boolean): Room | User | undefined {
  const found = name.startsWith("#") ? client.registry.findRoom(name) : client.registry.findUser(name);
  if (!found && !quiet) {
    if (name.startsWith("#")) client.numeric(ERR_NOSUCHCHANNEL, name, "No such channel");
    else client.numeric(ERR_NOSUCHNICK, name, "No such nick/channel");
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
// Only tags, so only for IRC clients with message-tags: it bypasses the rooms core (the seed protocol has no
// use for it) but obeys the same rules for who may speak.
function tagmsg(client: IrcClient, params: string[], message: IrcInput): void {
  const tags = clientTagsOf(message.tags);
  if (tags === "") return;
  const { registry, user } = client;
  (params[0] as string).split(",").forEach((name, i) => {
    if (name === "") return;
    if (i >= MAX_TARGETS) {
      client.numeric(ERR_TOOMANYTARGETS, name, `Too many targets (at most ${MAX_TARGETS})`);
      return;
    }
    const target = findTarget(client, name, false);
    if (!target) return;
    let recipients: Iterable<User>;
    if (target instanceof Room) {
      if (registry.canSend(user, target) !== null) {
        client.numeric(ERR_CANNOTSENDTOCHAN, name, "Cannot send to channel");
        return;
      }
      recipients = target.members.keys();
    } else {
      recipients = target === user ? [user] : [target, user];
    }
    const targetName = target instanceof Room ? target.name : target.nick;
    const line = new EventLine(`:${user.mask} TAGMSG ${targetName}`, Date.now(), tags);
    for (const recipient of recipients) {
      if (recipient.frontend !== client.frontend) continue;
      const other = (recipient as IrcUser).client;
      if (!other.has(Cap.MessageTags)) continue;
      if (recipient === user && target !== user && !other.has(Cap.EchoMessage)) continue;
      other.sendRaw(line.for(other.caps));
    }
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
