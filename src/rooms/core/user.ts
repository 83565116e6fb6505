// A person in the rooms, whichever protocol they speak. The core knows users only through this.
import type { Frontend } from "./events.js";
import type { Protocol, Stamp } from "./operations.js";
import type { Room } from "./room.js";

export type { Protocol };

const NO_ROOMS: ReadonlySet<Room> = new Set();

export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

export class User {
  nick: string;
  username = "";
  realname = "";
  /** The account this user is logged in as (its name as registered); null when none. */
  account: string | null = null;
  /** Shown in IRC masks; the peer address unless configured otherwise. */
  hostname: string;
  away: string | null = null;
  invisible = false;
  oper = false;
  /** +w: hears WALLOPS. */
  wallops = false;
  /** +B: a bot (IRCv3 bot mode). */
  bot = false;
  /** Its metadata (IRCv3 draft/metadata-2), key to value; null until one is set. */
  metadata: Map<string, string> | null = null;
  /** The stamp of the operation that gave this user its nick, once registered. */
  nickSince: Stamp | null = null;
  /** Null until the first join: most of thousands of idle users may never join a room. */
  private joined: Set<Room> | null = null;
  /** Seconds since the epoch, as WHOIS reports them: small integers, not a boxed number per user. */
  readonly connectedAt: number;
  lastActiveAt: number;

  constructor(
    /** The connection id: unique in this process; the seed protocol's JOIN_ID. */
    readonly id: number,
    readonly protocol: Protocol,
    readonly frontend: Frontend,
    nick: string,
    hostname: string,
    /** When the connection came, in milliseconds since the epoch. */
    connectedAtMs: number,
  ) {
    this.nick = nick;
    this.hostname = hostname;
    this.connectedAt = unixSeconds(connectedAtMs);
    this.lastActiveAt = this.connectedAt;
  }

  /** The rooms this user is in. */
  get rooms(): ReadonlySet<Room> {
    return this.joined ?? NO_ROOMS;
  }

  /** The registry's: the user is now a member of `room`. */
  enter(room: Room): void {
    this.joined ??= new Set();
    this.joined.add(room);
  }

  /** The registry's: the user is no longer a member of `room`. */
  exit(room: Room): void {
    this.joined?.delete(room);
  }

  /** nick!user@host, how IRC names the source of a message. */
  get mask(): string {
    return `${this.nick}!${this.username || this.nick}@${this.hostname}`;
  }
}
