// The IRC front-end: opens a client per connection, and writes the rooms' events to its users in IRC.
import { type IsupportValues, isupportLines, isupportTokens } from "../../protocol/irc/isupport.js";
import { encodeLine } from "../../protocol/irc/message.js";
import { ERR_YOUREBANNEDCREEP } from "../../protocol/irc/numerics.js";
import type { LineConnection } from "../../transport/line-connection.js";
import { VERSION } from "../../version.js";
import { CASEMAPPING } from "../core/casemap.js";
import type { Timer } from "../core/clock.js";
import type { RoomEvent } from "../core/events.js";
import { ACCOUNT_EXTBAN, EXTBAN_TYPES } from "../core/extbans.js";
import { KEY_LENGTH } from "../core/room.js";
import { banNotice, plainAddress, type ServerBan } from "../core/server-bans.js";
import type { User } from "../core/user.js";
import type { RoomsContext, RoomsFrontend } from "../hub.js";
import { IrcClient, type IrcUser, lastLine } from "./client.js";
import { deliverEvent } from "./deliver.js";
import {
  AWAY_LENGTH,
  CHATHISTORY_MAX,
  KICK_LENGTH,
  MAX_BANS,
  MAX_MODES,
  MAX_TARGETS,
  USER_LENGTH,
} from "./limits.js";
import { MAX_MONITORED, Monitors } from "./monitor.js";
import { ircHostname } from "./replies.js";

export class IrcFrontend implements RoomsFrontend {
  /** Every open IRC connection, registered or not. */
  readonly clients = new Set<IrcClient>();
  readonly version = `tcpchat-${VERSION}`;
  /** The 005 lines' tokens, built once. */
  readonly isupport: string[][];
  /** Registered IRC users now, and the most at once (RPL_LOCALUSERS). */
  localUsers = 0;
  maxLocalUsers = 0;
  /** The most users at once, both protocols (RPL_GLOBALUSERS). */
  maxGlobalUsers = 0;
  private keepalive: Timer | null = null;
  /** Keepalive sweeps so far, from 1: the clock clients note when they were last heard from. */
  sweep = 1;
  /** Who follows which nick (MONITOR), told of every user's changes by the core. */
  readonly monitors = new Monitors();
  /** How often each command was used, for STATS m. */
  readonly commandCounts = new Map<string, number>();

  constructor(readonly context: RoomsContext) {
    const { config } = context;
    const values: IsupportValues = {
      network: config.network.replaceAll(" ", "-"),
      casemapping: CASEMAPPING,
      nickLength: config.limits.nickLength,
      channelLength: config.limits.roomNameLength,
      topicLength: config.limits.topicLength,
      awayLength: AWAY_LENGTH,
      kickLength: KICK_LENGTH,
      keyLength: KEY_LENGTH,
      userLength: USER_LENGTH,
      maxChannels: config.limits.maxRoomsPerUser,
      modes: MAX_MODES,
      maxBans: MAX_BANS,
      monitor: MAX_MONITORED,
      chathistory: CHATHISTORY_MAX,
      extbans: EXTBAN_TYPES,
      accountExtban: ACCOUNT_EXTBAN,
      targmax: {
        JOIN: config.limits.maxRoomsPerUser,
        KICK: MAX_TARGETS,
        NAMES: MAX_TARGETS,
        NOTICE: MAX_TARGETS,
        PART: config.limits.maxRoomsPerUser,
        PRIVMSG: MAX_TARGETS,
        TAGMSG: MAX_TARGETS,
        WHOIS: 1,
      },
    };
    context.registry.watchers.push(this.monitors);
    this.isupport = isupportLines(isupportTokens(values));
  }

  get serverName(): string {
    return this.context.config.serverName;
  }

  open(conn: LineConnection): IrcClient {
    const client = new IrcClient(this, conn);
    this.clients.add(client);
    this.startKeepalive();
    return client;
  }

  /**
   * One timer for every client's keepalive, not one each (a timer per connection costs memory with
   * thousands of idle clients): a PING within a quarter interval of going idle, a timeout as late.
   */
  private startKeepalive(): void {
    if (this.keepalive) return;
    const interval = this.context.config.pingIntervalMs;
    const period = Math.max(25, Math.min(interval / 4, 5000));
    const sweeps = Math.ceil(interval / period);
    this.keepalive = this.context.clock.every(period, () => {
      this.sweep += 1;
      for (const client of this.clients) client.keepalive(this.sweep, sweeps);
      if (this.clients.size === 0 && this.keepalive) {
        this.keepalive.cancel();
        this.keepalive = null;
      }
    });
  }

  /** A connection refused before it said anything (too many from its address, the server stopping). */
  refuse(conn: LineConnection, reason: string): void {
    conn.close(lastLine(reason));
  }

  /** A connection under a ban, refused at its first line: 465 and the reason, then closed. */
  refuseBanned(conn: LineConnection, ban: ServerBan): void {
    const why = banNotice(ban);
    const numeric = `:${this.serverName} ${ERR_YOUREBANNEDCREEP} * :You are banned from this server- ${why}`;
    conn.sendBytes(Buffer.from(encodeLine(numeric)));
    conn.close(lastLine(`Closing Link: ${ircHostname(conn.peer.address)} (${why})`));
  }

  deliver(event: RoomEvent, recipients: readonly User[]): void {
    deliverEvent(this, event, recipients as readonly IrcUser[]);
  }

  notice(user: User, text: string): void {
    const client = (user as IrcUser).client;
    client.send(`:${this.serverName} NOTICE ${user.nick} :${text}`);
  }

  disconnect(user: User, reason: string): void {
    (user as IrcUser).client.disconnect(reason, reason);
  }

  address(user: User): string {
    return plainAddress((user as IrcUser).client.conn.peer.address);
  }

  /** A client has registered: count it for LUSERS. */
  userRegistered(): void {
    this.localUsers += 1;
    this.maxLocalUsers = Math.max(this.maxLocalUsers, this.localUsers);
    this.noteGlobalUsers();
  }

  userLeft(): void {
    this.localUsers -= 1;
  }

  /** Seed users register elsewhere: the global high-water mark is also brought up to date when asked. */
  noteGlobalUsers(): number {
    const users = this.context.registry.users.size;
    this.maxGlobalUsers = Math.max(this.maxGlobalUsers, users);
    return users;
  }
}
