// Registered rooms (ChanServ's): their topic, modes and mask lists outlast their members, and their founder is
// their operator. The core asks through this small interface when it decides a join and tells it when a
// kept field changes; it never learns how or where rooms are kept.
import type { Ban, Room, RoomModes, Topic } from "./room.js";
import type { User } from "./user.js";

/** What a registered room keeps while empty and across restarts. */
export interface KeptState {
  topic: Topic | null;
  modes: RoomModes;
  bans: Ban[];
  /** +e: masks exempt from the bans. */
  exceptions: Ban[];
  /** +I: masks that join past +i. */
  inviteExceptions: Ban[];
}

export interface RoomKeeper {
  /** The kept state of a registered room (by any spelling of its name); null for any other room. */
  kept(name: string): KeptState | null;
  /** Whether `user` is the founder of the registered room `name`: it joins as its operator. */
  isFounder(name: string, user: User): boolean;
  /**
   * A registered room's topic, modes or mask lists changed (on every node; `local`: decided on this one).
   * Called after the change is applied.
   */
  changed(room: Room, local: boolean): void;
}

/** The kept state of `room` as it is now. */
export function keptStateOf(room: Room): KeptState {
  return {
    topic: room.topic ? { ...room.topic } : null,
    modes: { ...room.modes },
    bans: room.bans.map((ban) => ({ ...ban })),
    exceptions: room.exceptions.map((entry) => ({ ...entry })),
    inviteExceptions: room.inviteExceptions.map((entry) => ({ ...entry })),
  };
}
