// Users of other nodes, as this node's registry holds them: in the rooms and the nick index like any user,
// but their front-end delivers nothing here (their own node does).
import type { Frontend, RoomEvent } from "../core/events.js";
import { User } from "../core/user.js";
import type { UserInfo } from "./ops.js";

export class RemoteFrontend implements Frontend {
  constructor(private readonly kill: (user: User, reason: string) => void) {}

  deliver(_event: RoomEvent, _recipients: readonly User[]): void {}

  /** KILL of a user elsewhere: its node closes the connection. */
  disconnect(user: User, reason: string): void {
    this.kill(user, reason);
  }
}

export class RemoteUser extends User {
  constructor(
    info: UserInfo,
    frontend: RemoteFrontend,
    /** The node that has the connection. */
    readonly node: string,
  ) {
    super(info.id, info.protocol, frontend, info.nick, info.hostname);
    this.update(info);
  }

  update(info: UserInfo): void {
    this.username = info.username;
    this.realname = info.realname;
    this.away = info.away;
    this.oper = info.oper;
  }
}
