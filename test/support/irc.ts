// A raw IRC connection for tests: send a command, wait for the line that answers it. Lines are compared
// without their CR; numerics by their parameters after the client's nick.
import { after, before } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import type { RoomsConfig } from "../../src/rooms/config.js";
import { LineClient, withoutCr } from "./line-client.js";
import { connectIrc, startRoomsServer } from "./rooms.js";

export const SERVER = "irc.test";

export class Irc {
  private constructor(
    readonly raw: LineClient,
    readonly nick: string,
  ) {}

  /** Connected and registered as `nick` (through the end of the MOTD). */
  static async register(port: number, nick: string): Promise<Irc> {
    return new Irc(await connectIrc(port, nick), nick);
  }

  /** Registered as `nick` over a connection already made (TLS, say). */
  static async registerOn(raw: LineClient, nick: string): Promise<Irc> {
    raw.write(`NICK ${nick}\r\nUSER ${nick} 0 * :${nick}\r\n`);
    await raw.until(/^:irc\.test (376|422) /);
    return new Irc(raw, nick);
  }

  /**
   * Registered as `nick` with the capabilities `caps` asked for (none for null): CAP LS 302, CAP REQ, NICK,
   * USER and CAP END in one write, through the end of the MOTD.
   */
  static async registerWithCaps(port: number, nick: string, caps: string | null): Promise<Irc> {
    const raw = await LineClient.connect(port);
    const req = caps === null ? "" : `CAP REQ :${caps}\r\n`;
    raw.write(`CAP LS 302\r\n${req}NICK ${nick}\r\nUSER ${nick} 0 * :${nick}\r\nCAP END\r\n`);
    await raw.until(/^:irc\.test (376|422) /);
    return new Irc(raw, nick);
  }

  /** Over a connection already made (TLS, say), nothing sent. */
  static on(raw: LineClient, nick: string): Irc {
    return new Irc(raw, nick);
  }

  /** Connected, nothing sent. */
  static async open(port: number, nick = "*"): Promise<Irc> {
    return new Irc(await LineClient.connect(port), nick);
  }

  send(line: string): void {
    this.raw.send(`${line}\r`);
  }

  /** Lines up to the first that matches; returns that one, without its CR. */
  async expect(pattern: RegExp, timeoutMs?: number): Promise<string> {
    const lines = await this.raw.until(pattern, timeoutMs);
    return withoutCr(lines.at(-1) ?? "");
  }

  /** The server's numeric `code`; returns its parameters after the nick. */
  async numeric(code: string, timeoutMs?: number): Promise<string> {
    const line = await this.expect(new RegExp(`^:irc\\.test ${code} `), timeoutMs);
    return line.slice(`:${SERVER} ${code} `.length);
  }

  /**
   * Every line up to a PING sent now is answered: whatever the server had to say before it, without CRs.
   * Lines arrive in order, so this proves what was (and was not) sent without waiting for a silence.
   */
  async drain(): Promise<string[]> {
    const token = `drain-${Math.random().toString(36).slice(2)}`;
    this.send(`PING :${token}`);
    const lines = await this.raw.until(new RegExp(` PONG ${SERVER.replaceAll(".", "\\.")} :${token}\\r?$`));
    return lines.slice(0, -1).map(withoutCr);
  }

  /** Join and wait for the end of the names; returns the lines of the join. */
  async join(channel: string, key?: string): Promise<string[]> {
    this.send(key === undefined ? `JOIN ${channel}` : `JOIN ${channel} ${key}`);
    const lines = await this.raw.until(/ 366 \S+ \S+ :End of \/NAMES list/);
    return lines.map(withoutCr);
  }

  /** Answer the server's PINGs from now on, until the returned function is called. */
  answerPings(): () => void {
    const listener = (text: string) => {
      if (/^PING /m.test(text)) this.send(`PONG :${SERVER}`);
    };
    this.raw.socket.on("data", listener);
    return () => this.raw.socket.off("data", listener);
  }

  close(): void {
    this.raw.destroy();
  }
}

/** One evented rooms server for a suite, and the clients its tests open: all closed after the suite. */
export function ircSuiteServer(rooms: Partial<RoomsConfig> = {}) {
  const open: Irc[] = [];
  let server: RunningServer | null = null;
  const port = () => (server as RunningServer).port;
  before(async () => {
    server = await startRoomsServer("evented", rooms);
  });
  after(async () => {
    for (const client of open) client.close();
    await server?.shutdown();
  });
  const kept = (client: Irc) => {
    open.push(client);
    return client;
  };
  return {
    /** Connected and registered as `nick`. */
    register: async (nick: string) => kept(await Irc.register(port(), nick)),
    /** Connected, nothing sent. */
    connect: async (nick?: string) => kept(await Irc.open(port(), nick)),
  };
}
