// How a node reaches the others: Redis, the cluster's primary process, or memory (tests). The replicator
// above it is the same for all three.
import type { Envelope } from "./ops.js";

export interface BusHandlers {
  /** An envelope from another node, in the order the bus delivered it. */
  envelope(envelope: Envelope): void;
  /** A node is gone (it died or left): its users must go too. */
  nodeGone(node: string): void;
  /** The bus is reachable (at start, and again after an outage). */
  up(): void;
  /** The bus is unreachable: nothing published now reaches the others. */
  down(): void;
}

export interface BusTransport {
  /** Unique to this process's life. */
  readonly nodeId: string;
  /** Connect. Resolves with this node's number (for JOIN_IDs and ROOM_REFs). */
  start(handlers: BusHandlers): Promise<number>;
  /** Send to every other node; false when the bus is down and nothing was sent. */
  publish(envelope: Envelope): boolean;
  close(): Promise<void>;
}

/** How long a node may be silent (no heartbeat, or the bus lost) before the others drop its users. */
export const NODE_TIMEOUT_MS = 3000;
/** How often a node says it is alive and looks for nodes that are not. */
export const HEARTBEAT_MS = 1000;
