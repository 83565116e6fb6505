// The seed front-end: opens a client per connection, and tells the rooms' events to its users in the seed
// protocol. Each room's notice is built once and written to every recipient. What the protocol has no words
// for (modes, invitations, away) is not told.
import {
  chatReply,
  errorReply,
  joinedNotice,
  joinedReply,
  leftNotice,
  leftReply,
  SeedError,
} from "../../protocol/seed-rooms.js";
import type { Endpoint, LineConnection } from "../../transport/line-connection.js";
import type { RoomEvent } from "../core/events.js";
import type { Room } from "../core/room.js";
import { banNotice, plainAddress, type ServerBan } from "../core/server-bans.js";
import type { User } from "../core/user.js";
import { storedLines } from "../history.js";
import type { RoomsContext, RoomsFrontend } from "../hub.js";
import { block, SeedClient, type SeedUser } from "./client.js";

const CTCP_ACTION = "\x01ACTION ";
const CTCP_END = new RegExp(`${String.fromCharCode(1)}$`);

export class SeedFrontend implements RoomsFrontend {
  constructor(readonly context: RoomsContext) {}

  open(conn: LineConnection): SeedClient {
    return new SeedClient(this, conn);
  }

  joinedLines(seedName: string, room: Room, user: User, server: Endpoint): string[] {
    return joinedReply(seedName, server, room.ref, user.id);
  }

  refuse(conn: LineConnection, reason: string): void {
    conn.close(block(errorReply(SeedError.ServerShutdown, reason)));
  }

  notice(user: User, text: string): void {
    (user as SeedUser).client.error(SeedError.ServerNotice, text);
  }

  /** An operator's KILL or a ban: error 17 says which and why. */
  disconnect(user: User, reason: string): void {
    (user as SeedUser).client.closeWith(
      reason,
      SeedError.Disconnected,
      `disconnected by the server (${reason})`,
    );
  }

  address(user: User): string {
    return plainAddress((user as SeedUser).client.conn.peer.address);
  }

  /** A connection under a ban, refused at its first request. */
  refuseBanned(conn: LineConnection, ban: ServerBan): void {
    conn.close(block(errorReply(SeedError.Disconnected, `banned from this server (${banNotice(ban)})`)));
  }

  deliver(event: RoomEvent, recipients: readonly User[]): void {
    const users = recipients as readonly SeedUser[];
    switch (event.type) {
      case "join": {
        const notice = this.chat(event.room, event.user.nick, joinedNotice(event.user.nick));
        for (const user of users) {
          const client = user.client;
          if (user === event.user) {
            const name = client.joiningAs ?? event.room.name.slice(1);
            client.send(this.joinedLines(name, event.room, user, client.server));
            // --seed-history: what was said before, between the reply and the notice.
            for (const message of client.replay ?? []) {
              const from = message.sender.slice(0, message.sender.indexOf("!") >>> 0);
              // A multiline message: its lines, each a CHAT of its own (blank ones left out).
              const lines = storedLines(message)?.map((line) => line.text) ?? [message.text];
              for (const line of lines) {
                const text = line === "" ? null : seedText(from, line);
                if (text !== null) client.conn.sendBytes(this.chat(event.room, from, text));
              }
            }
          }
          client.conn.sendBytes(notice);
        }
        return;
      }
      case "part": {
        const notice = this.chat(event.room, event.user.nick, leftNotice(event.user.nick));
        for (const user of users) {
          // The leaver gets LEFT_CHATROOM and, after it, nothing more of the room.
          if (user === event.user) user.client.send(leftReply(event.room.ref, user.id));
          else user.client.conn.sendBytes(notice);
        }
        return;
      }
      case "kick": {
        const by = event.by ? event.by.nick : "the server";
        const reason = event.reason && event.reason !== event.user.nick ? ` (${event.reason})` : "";
        const text = `${event.user.nick} was removed from this chatroom by ${by}${reason}.`;
        const notice = this.chat(event.room, event.user.nick, text);
        for (const user of users) {
          user.client.conn.sendBytes(notice);
          if (user === event.user) user.client.send(leftReply(event.room.ref, user.id));
        }
        return;
      }
      case "quit": {
        // One "has left" per room the quitter shared with each recipient.
        const notices = new Map<Room, Buffer>();
        for (const user of users) {
          for (const room of event.rooms) {
            if (!room.members.has(user)) continue;
            let notice = notices.get(room);
            if (notice === undefined) {
              notice = this.chat(room, event.user.nick, leftNotice(event.user.nick));
              notices.set(room, notice);
            }
            user.client.conn.sendBytes(notice);
          }
        }
        return;
      }
      case "nick": {
        const text = `${event.old} is now known as ${event.user.nick}.`;
        this.perRoom(users, event.user.rooms, (room) => this.chat(room, event.user.nick, text));
        return;
      }
      case "message": {
        const room = event.room;
        // Private messages are refused by the core (the protocol has none); tags alone say nothing here.
        if (!room || event.kind === "tagmsg") return;
        const from = event.from ? event.from.nick : this.context.config.serverName;
        if (event.lines !== undefined) {
          // A multiline message (IRC draft/multiline): each line a CHAT of its own, blank ones left out.
          for (const part of event.lines) {
            const text = part.text === "" ? null : seedText(from, part.text);
            if (text === null) continue;
            const line = this.chat(room, from, text);
            for (const user of users) user.client.conn.sendBytes(line);
          }
          return;
        }
        const text = seedText(from, event.text);
        if (text === null) return;
        const line = this.chat(room, from, text);
        for (const user of users) user.client.conn.sendBytes(line);
        return;
      }
      case "topic": {
        const by = event.by ? event.by.nick : this.context.config.serverName;
        const text = event.topic ? `${by} set the topic: ${event.topic.text}` : `${by} cleared the topic.`;
        const line = this.chat(event.room, by, text);
        for (const user of users) user.client.conn.sendBytes(line);
        return;
      }
      case "mode":
      case "invite":
      case "away":
      case "account":
      case "umode":
      case "wallops":
      case "redact":
      case "rename":
      case "markread":
      case "metadata":
        return;
    }
  }

  /** A CHAT block to a room, built once. */
  private chat(room: Room, name: string, text: string): Buffer {
    return Buffer.from(`${block(chatReply(room.ref, name, text))}\n`);
  }

  /** Tell each recipient once per room it shares with the event's user. */
  private perRoom(users: readonly SeedUser[], rooms: Iterable<Room>, build: (room: Room) => Buffer): void {
    for (const room of rooms) {
      let line: Buffer | null = null;
      for (const user of users) {
        if (!room.members.has(user)) continue;
        line ??= build(room);
        user.client.conn.sendBytes(line);
      }
    }
  }
}

/** IRC text as the seed protocol shows it: `/me` as "* nick waves", other CTCP requests not at all. */
function seedText(from: string, text: string): string | null {
  if (text.charCodeAt(0) !== 1) return text;
  if (text.startsWith(CTCP_ACTION))
    return `* ${from} ${text.slice(CTCP_ACTION.length).replace(CTCP_END, "")}`;
  return null;
}
