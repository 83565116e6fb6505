// A whole rooms server (hub, front-ends, registry, console, bus) over connections in memory, on a manual
// clock: tests move the clock instead of sleeping, and read what each connection was sent as lines.
import { pino } from "pino";
import { defaultRoomsConfig, type RoomsConfig } from "../../src/rooms/config.js";
import { ManualClock } from "../../src/rooms/core/clock.js";
import { createRoomsHub } from "../../src/rooms/server.js";
import { roomsSession } from "../../src/rooms/session.js";
import type { ConsoleIO } from "../../src/services/operator.js";
import type { Hub, Session } from "../../src/services/service.js";
import type { LineConnection } from "../../src/transport/line-connection.js";
import { withoutCr } from "./line-client.js";
import { Waiters } from "./wait.js";

/** A connection in memory: what the server writes is kept as lines, without CR LF. */
export class MemoryConnection implements LineConnection {
  readonly lines: string[] = [];
  /** The last line it was closed with ("" for none); null while open. */
  closed: string | null = null;
  readonly peer: { address: string; port: number };
  readonly local = { address: "127.0.0.1", port: 6667 };
  private readonly waiters = new Waiters();
  constructor(
    readonly id: number,
    address = "127.0.0.1",
  ) {
    this.peer = { address, port: 40000 + id };
  }
  send(line: string): void {
    if (this.closed === null) for (const one of line.split("\n")) this.lines.push(withoutCr(one));
    this.waiters.wake();
  }
  sendBytes(bytes: Buffer): void {
    if (this.closed !== null) return;
    for (const line of bytes.toString().split(/\r?\n/)) if (line !== "") this.lines.push(line);
    this.waiters.wake();
  }
  close(lastLine?: string): void {
    if (this.closed !== null) return;
    this.closed = withoutCr(lastLine ?? "");
    this.waiters.wake();
  }
  /**
   * The first line matching `pattern`, awaited when it has not come yet (work done off the loop's turn:
   * a password hashed); it and the lines before it are taken.
   */
  async expect(pattern: RegExp): Promise<string> {
    await this.waiters.until(
      () => this.lines.some((line) => pattern.test(line)),
      `a line matching ${pattern}`,
      {
        context: () => `got ${JSON.stringify(this.lines)}`,
      },
    );
    const at = this.lines.findIndex((line) => pattern.test(line));
    return this.lines.splice(0, at + 1).at(-1) as string;
  }
  /** Lines written since the last call. */
  take(): string[] {
    return this.lines.splice(0);
  }
}

export interface MemoryClient {
  conn: MemoryConnection;
  /** Lines as the client sends them, without terminators. */
  say(...lines: string[]): void;
}

export interface MemoryRoomsOptions {
  clock?: ManualClock;
  console?: ConsoleIO;
}

/**
 * A rooms server named `irc.test`, flood control off unless asked for, with `config` over it; several share
 * a bus with `bus: "memory:<name>"`.
 */
export function memoryRooms(config: Partial<RoomsConfig> = {}, options: MemoryRoomsOptions = {}) {
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const hub: Hub = createRoomsHub(
    {
      ...defaultRoomsConfig(),
      serverName: "irc.test",
      flood: { enabled: false, burst: 10, perSecond: 2 },
      console: options.console !== undefined,
      ...config,
    },
    { log: pino({ level: "silent" }), console: options.console ?? null, clock },
    { stopServer() {} },
  );
  let lastId = 0;
  const connect = (address?: string): MemoryClient => {
    const conn = new MemoryConnection(++lastId, address);
    const session: Session = roomsSession(conn, hub.attach(conn));
    const say = (...lines: string[]) => {
      for (const line of lines) if (conn.closed === null) session.line(line);
    };
    return { conn, say };
  };
  /** An IRC client registered as `nick` (username too), its welcome taken. */
  const register = (nick: string, address?: string): MemoryClient => {
    const client = connect(address);
    client.say(`NICK ${nick}`, `USER ${nick} 0 * :${nick}`);
    client.conn.take();
    return client;
  };
  return { clock, hub, connect, register, ready: hub.ready, close: () => hub.close() };
}
