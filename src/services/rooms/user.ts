// A person in the rooms, whichever protocol they speak. The core knows users only through this.
import type { Frontend } from "./events.js";
import type { Room } from "./room.js";

export type Protocol = "irc" | "seed";

export class User {
  nick: string;
  username = "";
  realname = "";
  /** Shown in IRC masks; the peer address unless configured otherwise. */
  hostname: string;
  away: string | null = null;
  invisible = false;
  oper = false;
  readonly rooms = new Set<Room>();
  readonly connectedAt = Date.now();
  lastActiveAt = Date.now();

  constructor(
    /** The connection id: unique in this process; the seed protocol's JOIN_ID. */
    readonly id: number,
    readonly protocol: Protocol,
    readonly frontend: Frontend,
    nick: string,
    hostname: string,
  ) {
    this.nick = nick;
    this.hostname = hostname;
  }

  /** nick!user@host, how IRC names the source of a message. */
  get mask(): string {
    return `${this.nick}!${this.username || this.nick}@${this.hostname}`;
  }
}
