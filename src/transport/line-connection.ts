// What a service sees of a client: lines out, a way to close, and who is at the other end.
// Services never touch sockets, so the same service runs over TCP, a worker's MessagePort or (later) a
// WebSocket.

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
