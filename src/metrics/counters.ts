// What the metrics report, counted where it happens in plain integer fields: the fan-out and the framing
// only add one to a number; prom-client reads them when /metrics is scraped (metrics/registry.ts). One set
// per process: a cluster's primary adds up its workers'.

/** The label pairs of the connection gauge: the protocol a client speaks, over which transport. */
export const CONNECTION_PROTOCOLS = ["irc", "seed", "websocket", "unknown"] as const;
export const CONNECTION_TRANSPORTS = ["tcp", "tls"] as const;
export type ConnectionProtocol = (typeof CONNECTION_PROTOCOLS)[number];

/** Index into `connections` of a protocol over a transport. */
export function connectionSlot(protocol: ConnectionProtocol, transport: "tcp" | "tls" | undefined): number {
  return CONNECTION_PROTOCOLS.indexOf(protocol) * 2 + (transport === "tls" ? 1 : 0);
}

export interface RoomsGauges {
  /** Registered users on every node this one knows of. */
  users: number;
  /** Registered users connected to this process. */
  localUsers: number;
  rooms: number;
  /** null without a bus; otherwise whether it is reachable. */
  busConnected: boolean | null;
}

export const counters = {
  /** Open client connections, by connectionSlot(); a client counts as `unknown` until it speaks. */
  connections: [0, 0, 0, 0, 0, 0, 0, 0],
  /** Lines read from clients, every transport. */
  linesIn: 0,
  /** Writes handed to clients' connections: a fan-out line once per recipient. */
  deliveriesOut: 0,
  /** Clients closed because they did not read (send queue over --max-send-queue). */
  sendQueueDisconnects: 0,
  /** Clients closed for flooding. */
  floodDisconnects: 0,
  /** Operations this node published on the bus, and those it received from the others. */
  busOut: 0,
  busIn: 0,
  /** The longest time from an operation's making on another node to its arrival here, since the last scrape. */
  busLagMaxMs: 0,
  /** Read at scrape time from whoever owns the rooms in this process; null when there are none. */
  rooms: null as (() => RoomsGauges) | null,
};

/** One more (or, with -1, one fewer) open connection in `slot`. */
export function countConnection(slot: number, delta: 1 | -1): void {
  counters.connections[slot] = (counters.connections[slot] ?? 0) + delta;
}
