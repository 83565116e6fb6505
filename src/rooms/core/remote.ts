// Users of other nodes, as this node's registry holds them: in the rooms and the nick index like any user,
// but their front-end delivers nothing here (their own node does).
import type { Frontend, RoomEvent } from "./events.js";
import type { UserInfo } from "./operations.js";
import { User } from "./user.js";

export const REMOTE_FRONTEND: Frontend = {
  remote: true,
  deliver(_event: RoomEvent, _recipients: readonly User[]): void {},
};

export class RemoteUser extends User {
  constructor(
    info: UserInfo,
    /** The node that has the connection. */
    readonly node: string,
  ) {
    super(info.id, info.protocol, REMOTE_FRONTEND, info.nick, info.hostname, info.connectedAt);
    this.username = info.username;
    this.realname = info.realname;
    this.away = info.away;
    this.invisible = info.invisible;
    this.oper = info.oper;
    this.wallops = info.wallops;
    this.bot = info.bot === true;
    this.account = info.account ?? null;
    if (info.metadata) this.metadata = new Map(Object.entries(info.metadata));
  }
}
