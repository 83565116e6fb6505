// The fan-out hot path: a room event becomes one IRC line, built once and written to every recipient. Only
// capabilities change the bytes (server-time, message-tags), so at most one variant per capability set is
// built, lazily. Text from the seed protocol is made line-safe and every line fits 512 bytes.

import { formatTags, needsTrailing } from "../../protocol/irc/message.js";
import { formatModeChanges } from "../../protocol/irc/modes.js";
import type { RoomEvent } from "../core/events.js";
import type { Room } from "../core/room.js";
import { Cap } from "./caps.js";
import type { IrcClient, IrcUser } from "./client.js";
import type { IrcFrontend } from "./frontend.js";
import { sendNames, sendTopic, sourceOf, withText } from "./replies.js";

/** One event's line and its tagged variants, each built on first use. */
export class EventLine {
  private readonly variants: Array<Buffer | undefined> = [];
  private readonly mask: number;

  constructor(
    private readonly body: string,
    private readonly time: number,
    /** Client-only tags, formatted without '@' ("+typing=active"), or "". */
    private readonly clientTags = "",
  ) {
    this.mask = clientTags === "" ? Cap.ServerTime : Cap.ServerTime | Cap.MessageTags;
  }

  /** The line with CR LF, encoded, for a client with these capabilities. */
  for(caps: number): Buffer {
    const index = caps & this.mask;
    let line = this.variants[index];
    if (line === undefined) {
      let tags = "";
      if (index & Cap.ServerTime) tags = `time=${new Date(this.time).toISOString()}`;
      if (index & Cap.MessageTags) tags = tags === "" ? this.clientTags : `${tags};${this.clientTags}`;
      line = Buffer.from(tags === "" ? `${this.body}\r\n` : `@${tags} ${this.body}\r\n`);
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

export function deliverEvent(frontend: IrcFrontend, event: RoomEvent, recipients: readonly IrcUser[]): void {
  switch (event.type) {
    case "message": {
      const command = event.kind === "notice" ? "NOTICE" : "PRIVMSG";
      const target = event.room ? event.room.name : (event.to?.nick ?? "*");
      const prefix = `:${sourceOf(frontend, event.from)} ${command} ${target}`;
      const line = new EventLine(withText(prefix, event.text), event.time, clientTagsOf(event.tags));
      const from = event.from;
      for (const user of recipients) {
        const client = user.client;
        // The sender sees its own message only with echo-message (or when it wrote to itself).
        if (user === from && event.to !== from && !client.has(Cap.EchoMessage)) continue;
        client.sendRaw(line.for(client.caps));
      }
      return;
    }
    case "join": {
      const line = new EventLine(`:${event.user.mask} JOIN ${event.room.name}`, Date.now());
      for (const user of recipients) {
        user.client.sendRaw(line.for(user.client.caps));
        if (user === event.user) joined(user.client, event.room);
      }
      return;
    }
    case "part": {
      const prefix = `:${event.user.mask} PART ${event.room.name}`;
      fanOut(recipients, event.reason === "" ? prefix : withText(prefix, event.reason));
      return;
    }
    case "kick": {
      const prefix = `:${sourceOf(frontend, event.by)} KICK ${event.room.name} ${event.user.nick}`;
      fanOut(recipients, withText(prefix, event.reason));
      return;
    }
    case "quit":
      fanOut(recipients, withText(`:${event.user.mask} QUIT`, event.reason));
      return;
    case "nick": {
      const user = event.user;
      const old = `${event.old}!${user.username || event.old}@${user.hostname}`;
      fanOut(recipients, `:${old} NICK ${user.nick}`);
      return;
    }
    case "topic": {
      const prefix = `:${sourceOf(frontend, event.by)} TOPIC ${event.room.name}`;
      fanOut(recipients, withText(prefix, event.topic?.text ?? ""));
      return;
    }
    case "mode": {
      const words = formatModeChanges(event.changes);
      const last = words.length - 1;
      if (last > 0 && needsTrailing(words[last] as string)) words[last] = `:${words[last]}`;
      fanOut(recipients, `:${sourceOf(frontend, event.by)} MODE ${event.room.name} ${words.join(" ")}`);
      return;
    }
    case "invite":
      fanOut(recipients, `:${sourceOf(frontend, event.by)} INVITE ${event.user.nick} ${event.room.name}`);
      return;
    case "away": {
      const prefix = `:${event.user.mask} AWAY`;
      const line = new EventLine(
        event.user.away === null ? prefix : withText(prefix, event.user.away),
        Date.now(),
      );
      for (const user of recipients)
        if (user.client.has(Cap.AwayNotify)) user.client.sendRaw(line.for(user.client.caps));
      return;
    }
  }
}

function fanOut(recipients: readonly IrcUser[], body: string): void {
  const line = new EventLine(body, Date.now());
  for (const user of recipients) user.client.sendRaw(line.for(user.client.caps));
}

/** What a client is told after its own JOIN line: the topic and the names. */
function joined(client: IrcClient, room: Room): void {
  sendTopic(client, room, false);
  sendNames(client, room);
}
