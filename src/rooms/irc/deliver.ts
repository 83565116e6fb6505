// The fan-out hot path: a room event becomes one IRC line, built once and written to every recipient. Only
// capabilities change the bytes (server-time, message-tags), so at most one variant per capability set is
// built, lazily. Text from the seed protocol is made line-safe and every line fits 512 bytes.

import { encodeLine, formatTags, needsTrailing } from "../../protocol/irc/message.js";
import { formatModeChanges } from "../../protocol/irc/modes.js";
import { RPL_LOGGEDIN, RPL_LOGGEDOUT } from "../../protocol/irc/numerics.js";
import type { RoomEvent, Source } from "../core/events.js";
import type { Room } from "../core/room.js";
import { Cap } from "./caps.js";
import { replayOnJoin } from "./chathistory.js";
import type { IrcClient, IrcUser } from "./client.js";
import type { IrcFrontend } from "./frontend.js";
import { deliverMetadata, sendJoinMetadata } from "./metadata.js";
import { MultilineLines } from "./multiline.js";
import { markreadLine, sendJoinMarker } from "./read-markers.js";
import { deliverRename } from "./rename.js";
import { sendNames, sendTopic, sourceOf, withText } from "./replies.js";

/** One event's line and its tagged variants, each built on first use. */
export class EventLine {
  private readonly variants: Array<Buffer | undefined> = [];
  private readonly mask: number;

  constructor(
    private readonly body: string,
    /** The operation's time, as server-time tells it. */
    private readonly time: number,
    /** Tags for message-tags clients (msgid, client-only tags), formatted without '@', or "". */
    readonly messageTags = "",
    /** Whose doing it is: its account goes to account-tag clients. */
    source: Source = null,
  ) {
    this.mask = messageTags === "" ? Cap.ServerTime : Cap.ServerTime | Cap.MessageTags;
    this.account = source?.account ?? null;
    if (this.account !== null) this.mask |= Cap.AccountTag;
  }

  private readonly account: string | null;

  /** The line with CR LF, encoded, for a client with these capabilities. */
  for(caps: number): Buffer {
    const index = caps & this.mask;
    let line = this.variants[index];
    if (line === undefined) {
      let tags = "";
      if (index & Cap.ServerTime) tags = `time=${new Date(this.time).toISOString()}`;
      if (index & Cap.MessageTags) tags = tags === "" ? this.messageTags : `${tags};${this.messageTags}`;
      // Account names are nicknames: nothing in them needs escaping.
      if (index & Cap.AccountTag)
        tags = tags === "" ? `account=${this.account}` : `${tags};account=${this.account}`;
      line = Buffer.from(encodeLine(this.body, tags));
      this.variants[index] = line;
    }
    return line;
  }
}

/** Client-only tags (`+name`) worth passing on, formatted without '@'; "" for none. */
export function clientTagsOf(tags: Readonly<Record<string, string>> | undefined): string {
  if (!tags) return "";
  let only: Record<string, string> | null = null;
  for (const key in tags) {
    if (key.charCodeAt(0) !== 0x2b /* + */) continue;
    only ??= {};
    only[key] = tags[key] as string;
  }
  return only ? formatTags(only).slice(1) : "";
}

const COMMANDS = { privmsg: "PRIVMSG", notice: "NOTICE", tagmsg: "TAGMSG" } as const;

export function deliverEvent(frontend: IrcFrontend, event: RoomEvent, recipients: readonly IrcUser[]): void {
  switch (event.type) {
    case "message": {
      const target = event.room
        ? event.status === undefined
          ? event.room.name
          : `${event.status === "o" ? "@" : "+"}${event.room.name}`
        : (event.to?.nick ?? "*");
      const prefix = `:${sourceOf(frontend, event.from)} ${COMMANDS[event.kind]} ${target}`;
      const tagmsg = event.kind === "tagmsg";
      const clientTags = clientTagsOf(event.tags);
      // IRCv3 bot mode: a bot's messages carry the `bot` tag, for message-tags clients.
      const ids = event.from?.bot ? `bot;msgid=${event.id}` : `msgid=${event.id}`;
      const line = new EventLine(
        tagmsg ? prefix : withText(prefix, event.text),
        event.time,
        clientTags === "" ? ids : `${ids};${clientTags}`,
        event.from,
      );
      const from = event.from;
      if (event.lines !== undefined) {
        const lines = new MultilineLines(
          prefix,
          target,
          sourceOf(frontend, from),
          event.lines,
          event.time,
          line.messageTags,
          from,
        );
        deliverMultiline(lines, event, recipients);
        return;
      }
      for (const user of recipients) {
        const client = user.client;
        // Tags alone mean nothing to a client without message-tags.
        if (tagmsg && !client.has(Cap.MessageTags)) continue;
        if (user === from) {
          // The sender sees its own message only with echo-message, or when it wrote to itself: then
          // it gets it as delivered, and with echo-message as echoed too (only the echo is labeled).
          const echo = client.has(Cap.EchoMessage);
          if (event.to !== from) {
            if (echo) client.sendRaw(line.for(client.caps));
            continue;
          }
          if (echo) client.sendRaw(line.for(client.caps));
          client.sendAside(line.for(client.caps));
          continue;
        }
        client.sendRaw(line.for(client.caps));
      }
      return;
    }
    case "join": {
      const { user: joiner, room } = event;
      const line = new EventLine(`:${joiner.mask} JOIN ${room.name}`, event.time, "", joiner);
      let extended: EventLine | null = null;
      // away-notify: one who joins while away is told as away, after the JOIN.
      const away =
        joiner.away === null
          ? null
          : new EventLine(withText(`:${joiner.mask} AWAY`, joiner.away), event.time, "", joiner);
      for (const user of recipients) {
        const client = user.client;
        if (client.has(Cap.ExtendedJoin)) {
          extended ??= new EventLine(
            withText(`:${joiner.mask} JOIN ${room.name} ${joiner.account ?? "*"}`, joiner.realname),
            event.time,
            "",
            joiner,
          );
          client.sendRaw(extended.for(client.caps));
        } else client.sendRaw(line.for(client.caps));
        if (user === joiner) joined(client, room, event.time);
        else if (away !== null && client.has(Cap.AwayNotify)) client.sendRaw(away.for(client.caps));
      }
      return;
    }
    case "account": {
      const { user: subject } = event;
      const line = new EventLine(`:${subject.mask} ACCOUNT ${subject.account ?? "*"}`, event.time);
      for (const user of recipients) {
        const client = user.client;
        if (user === subject) {
          if (subject.account === null) client.numeric(RPL_LOGGEDOUT, subject.mask, "You are now logged out");
          else
            client.numeric(
              RPL_LOGGEDIN,
              subject.mask,
              subject.account,
              `You are now logged in as ${subject.account}`,
            );
        } else if (client.has(Cap.AccountNotify)) client.sendRaw(line.for(client.caps));
      }
      return;
    }
    case "part": {
      const prefix = `:${event.user.mask} PART ${event.room.name}`;
      fanOut(
        recipients,
        event.reason === "" ? prefix : withText(prefix, event.reason),
        event.time,
        event.user,
      );
      return;
    }
    case "kick": {
      const prefix = `:${sourceOf(frontend, event.by)} KICK ${event.room.name} ${event.user.nick}`;
      fanOut(recipients, withText(prefix, event.reason), event.time, event.by);
      return;
    }
    case "quit":
      fanOut(recipients, withText(`:${event.user.mask} QUIT`, event.reason), event.time, event.user);
      return;
    case "nick": {
      const user = event.user;
      const old = `${event.old}!${user.username || event.old}@${user.hostname}`;
      fanOut(recipients, `:${old} NICK ${user.nick}`, event.time, user);
      return;
    }
    case "topic": {
      const prefix = `:${sourceOf(frontend, event.by)} TOPIC ${event.room.name}`;
      fanOut(recipients, withText(prefix, event.topic?.text ?? ""), event.time, event.by);
      return;
    }
    case "mode": {
      const words = formatModeChanges(event.changes);
      const last = words.length - 1;
      if (last > 0 && needsTrailing(words[last] as string)) words[last] = `:${words[last]}`;
      const body = `:${sourceOf(frontend, event.by)} MODE ${event.room.name} ${words.join(" ")}`;
      fanOut(recipients, body, event.time, event.by);
      return;
    }
    case "umode": {
      const { user } = event;
      const body = `:${user.mask} MODE ${user.nick} :${formatModeChanges(event.changes)[0] as string}`;
      fanOut(recipients, body, event.time);
      return;
    }
    case "invite": {
      const line = new EventLine(
        `:${sourceOf(frontend, event.by)} INVITE ${event.user.nick} ${event.room.name}`,
        event.time,
        "",
        event.by,
      );
      // invite-notify: members who asked are told too; only operators in an invitation-only room.
      const { room } = event;
      for (const user of recipients) {
        const client = user.client;
        if (user !== event.user) {
          if (!client.has(Cap.InviteNotify) || user === event.by) continue;
          if (room.modes.inviteOnly && !room.isOp(user)) continue;
        }
        client.sendRaw(line.for(client.caps));
      }
      return;
    }
    case "away": {
      const prefix = `:${event.user.mask} AWAY`;
      const line = new EventLine(
        event.user.away === null ? prefix : withText(prefix, event.user.away),
        event.time,
        "",
        event.user,
      );
      for (const user of recipients)
        if (user.client.has(Cap.AwayNotify)) user.client.sendRaw(line.for(user.client.caps));
      return;
    }
    case "setname": {
      const line = new EventLine(withText(`:${event.user.mask} SETNAME`, event.user.realname), event.time);
      for (const user of recipients)
        if (user.client.has(Cap.Setname)) user.client.sendRaw(line.for(user.client.caps));
      return;
    }
    case "chghost": {
      const changed = event.user;
      const line = new EventLine(
        `:${event.oldMask} CHGHOST ${changed.username} ${changed.hostname}`,
        event.time,
      );
      // Clients without the capability see the user quit and come back to each room they share, with its
      // statuses: those lines are made once per room, not once per member.
      let quit: EventLine | null = null;
      const rejoins = new Map<Room, EventLine[]>();
      const rejoin = (room: Room): EventLine[] => {
        let lines = rejoins.get(room);
        if (lines) return lines;
        lines = [new EventLine(`:${changed.mask} JOIN ${room.name}`, event.time)];
        const status = room.members.get(changed);
        const letters = `${status?.op ? "o" : ""}${status?.voice ? "v" : ""}`;
        if (letters !== "") {
          const nicks = Array.from(letters, () => changed.nick).join(" ");
          lines.push(
            new EventLine(`:${frontend.serverName} MODE ${room.name} +${letters} ${nicks}`, event.time),
          );
        }
        rejoins.set(room, lines);
        return lines;
      };
      for (const user of recipients) {
        const client = user.client;
        if (client.has(Cap.Chghost)) {
          client.sendRaw(line.for(client.caps));
          continue;
        }
        if (user === changed) continue;
        quit ??= new EventLine(`:${event.oldMask} QUIT :Changing host`, event.time);
        client.sendRaw(quit.for(client.caps));
        for (const room of changed.rooms) {
          if (!room.members.has(user)) continue;
          for (const joined of rejoin(room)) client.sendRaw(joined.for(client.caps));
        }
      }
      return;
    }
    case "rename":
      deliverRename(frontend, event, recipients);
      return;
    case "redact": {
      // To clients with draft/message-redaction, as the message was: its redactor only with echo-message.
      const target = event.room ? event.room.name : (event.to?.nick ?? "*");
      const prefix = `:${sourceOf(frontend, event.by)} REDACT ${target} ${event.msgid}`;
      const line = new EventLine(
        event.reason === "" ? prefix : withText(prefix, event.reason),
        event.time,
        `msgid=${event.id}`,
        event.by,
      );
      for (const user of recipients) {
        const client = user.client;
        if (!client.has(Cap.Redaction) || (user === event.by && !client.has(Cap.EchoMessage))) continue;
        client.sendRaw(line.for(client.caps));
      }
      return;
    }
    case "metadata":
      deliverMetadata(frontend.serverName, event, recipients);
      return;
    case "markread": {
      // To the account's connections that asked for draft/read-marker.
      const line = markreadLine(frontend.serverName, event.target, event.read);
      for (const user of recipients) if (user.client.has(Cap.ReadMarker)) user.client.send(line);
      return;
    }
    case "wallops": {
      const line = new EventLine(
        withText(`:${sourceOf(frontend, event.from)} WALLOPS`, event.text),
        event.time,
      );
      for (const user of recipients)
        if (user.client.registered) user.client.sendRaw(line.for(user.client.caps));
      return;
    }
  }
}

/** A multiline message: as a batch or line by line, each recipient as its capabilities say (multiline.ts). */
function deliverMultiline(
  lines: MultilineLines,
  event: Extract<RoomEvent, { type: "message" }>,
  recipients: readonly IrcUser[],
): void {
  const from = event.from;
  for (const user of recipients) {
    const client = user.client;
    if (user === from && !client.has(Cap.EchoMessage) && event.to !== from) continue;
    lines.send(client);
  }
}

function fanOut(recipients: readonly IrcUser[], body: string, time: number, source: Source = null): void {
  const line = new EventLine(body, time, "", source);
  for (const user of recipients) user.client.sendRaw(line.for(user.client.caps));
}

/** What a client is told after its own JOIN line: its read marker, the topic, the names and the metadata. */
function joined(client: IrcClient, room: Room, time: number): void {
  sendJoinMarker(client, room);
  sendTopic(client, room, false);
  sendNames(client, room);
  sendJoinMetadata(client, room);
  replayOnJoin(client, room, time);
}
