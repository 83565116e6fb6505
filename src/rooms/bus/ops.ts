// What nodes tell each other over the bus: every change to the rooms made on one node, as plain JSON.
// Users are named by id (unique across nodes), rooms by name.
import type { ModeChange } from "../core/events.js";
import type { Ban, RoomModes, Topic } from "../core/room.js";
import type { Protocol } from "../core/user.js";

export interface UserInfo {
  id: number;
  nick: string;
  username: string;
  hostname: string;
  realname: string;
  protocol: Protocol;
  away: string | null;
  oper: boolean;
  connectedAt: number;
}

export interface RoomInfo {
  name: string;
  ref: number;
  topic: Topic | null;
  modes: RoomModes;
  bans: Ban[];
}

export type RoomOp =
  | { t: "user"; user: UserInfo }
  | { t: "nick"; id: number; nick: string }
  | { t: "quit"; id: number; reason: string }
  | { t: "away"; id: number; away: string | null }
  | { t: "oper"; id: number }
  | { t: "join"; id: number; room: string; ref: number; op: boolean; voice: boolean }
  | { t: "part"; id: number; room: string; reason: string }
  | { t: "kick"; by: number | null; room: string; id: number; reason: string }
  | { t: "invite"; by: number; room: string; id: number }
  | { t: "topic"; by: number | null; room: string; text: string }
  | { t: "mode"; by: number | null; room: string; changes: ModeChange[] }
  | {
      t: "msg";
      from: number | null;
      room: string | null;
      to: number | null;
      text: string;
      kind: "privmsg" | "notice";
      tags?: Readonly<Record<string, string>>;
    };

/** Node-level messages: a node's state for a newcomer, and a request to close a user (KILL). */
export type NodeOp =
  /** A node (re)joined the bus: everyone tells it their users and rooms. */
  | { t: "hello" }
  /** A room's state, sent with a node's users to a newcomer. */
  | { t: "room"; room: RoomInfo }
  /** Close this user's connection, on the node that has it. */
  | { t: "kill"; id: number; reason: string };

export type BusOp = RoomOp | NodeOp;

/** What travels: the op, and the node it comes from (a node drops its own). */
export interface Envelope {
  node: string;
  op: BusOp;
}
