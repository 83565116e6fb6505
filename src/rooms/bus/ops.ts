// What nodes tell each other over the bus: every operation decided on one node, and the one node-level
// message, a newcomer's hello.
import type { Operation } from "../core/operations.js";

/** A node (re)joined the bus: everyone tells it their users and their rooms. */
export type NodeMessage = { t: "hello" };

export type BusMessage = Operation | NodeMessage;

/** What travels: the message, and the node it comes from (a node drops its own). */
export interface Envelope {
  node: string;
  op: BusMessage;
}
