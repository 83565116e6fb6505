// What a service sees of a client: lines out, a way to close, and who is at the other end.
// Services never touch sockets, so the same service runs over TCP, TLS, a worker's MessagePort or a
// WebSocket.
import type { Transport } from "./tls.js";

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export interface LineConnection {
  /** Unique per server process, in connection order, starting at 1. */
  readonly id: number;
  readonly peer: Endpoint;
  /** The address and port this connection reached on the server. */
  readonly local: Endpoint;
  /** Queue one line; the transport adds the LF. Ignored once the connection is closing. */
  send(line: string): void;
  /**
   * Queue bytes that already hold whole lines, terminators included: a fan-out encodes a line once and
   * hands the same Buffer to every recipient.
   */
  sendBytes(bytes: Buffer): void;
  /** Send `lastLine` (if any), flush, close. Lines that arrive afterwards are not delivered. */
  close(lastLine?: string): void;
  /** How the client reached the server; plain TCP when not said (a worker's view of the connection). */
  readonly transport?: Transport;
  /** The client speaks over a WebSocket (on `transport`), one line per message. */
  readonly websocket?: boolean;
  /** The SHA-256 fingerprint of the client's TLS certificate, if it gave one. */
  certFingerprint?(): string | null;
  /** Set by whoever serves the client, to hear when it stops reading and its send queue overflows. */
  overflowListener?: OverflowListener | null;
}

export interface OverflowListener {
  /** Called just before the connection closes; returns the last line to queue for the client, if any. */
  sendQueueOverflowed(): string | undefined;
}

/** "127.0.0.1:5000", "[::1]:5000": how endpoints are written in logs and replies. */
export function formatEndpoint(endpoint: Endpoint): string {
  return endpoint.address.includes(":")
    ? `[${endpoint.address}]:${endpoint.port}`
    : `${endpoint.address}:${endpoint.port}`;
}
