// A WebSocket test client (ws): send messages, await the messages that answer, and how the socket closed.
import { WebSocket } from "ws";
import type { RunningServer } from "../../src/models/index.js";
import { DEFAULT_WAIT_MS } from "./timing.js";
import { Waiters } from "./wait.js";

export interface WsMessage {
  text: string;
  binary: boolean;
}

/** The web listener's port of a running server. */
export function webPort(server: RunningServer): number {
  const web = server.listeners.find((l) => l.kind === "web");
  if (!web) throw new Error("the server has no web listener");
  return web.port;
}

export class WsClient {
  readonly messages: WsMessage[] = [];
  /** The close code and reason, once closed. */
  closed: { code: number; reason: string } | null = null;
  private readonly waiters = new Waiters();

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer, binary: boolean) => {
      this.messages.push({ text: data.toString("utf8"), binary });
      this.waiters.wake();
    });
    ws.on("close", (code: number, reason: Buffer) => {
      this.closed = { code, reason: reason.toString() };
      this.waiters.wake();
    });
    ws.on("error", () => {});
  }

  /**
   * Open; rejects with the HTTP status when the server refuses the upgrade. `localAddress`: connect from
   * another loopback address (127.0.0.2), as another host would.
   */
  static connect(
    port: number,
    protocols: string[] = ["text.ircv3.net"],
    headers: Record<string, string> = {},
    localAddress?: string,
  ): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, protocols, { headers, localAddress });
      ws.once("open", () => resolve(new WsClient(ws)));
      ws.once("unexpected-response", (_req, res) => {
        reject(Object.assign(new Error(`refused: HTTP ${res.statusCode}`), { status: res.statusCode }));
        ws.terminate();
      });
      ws.once("error", reject);
    });
  }

  /** Connected and registered as `nick` (through the end of the MOTD). */
  static async register(port: number, nick: string, protocols?: string[]): Promise<WsClient> {
    const client = await WsClient.connect(port, protocols);
    client.send(`NICK ${nick}`);
    client.send(`USER ${nick} 0 * :${nick}`);
    await client.until(/^:irc\.test (376|422) /);
    return client;
  }

  send(line: string | Buffer, binary = false): void {
    this.ws.send(line, { binary });
  }

  /** Messages up to and including the first whose text matches; the earlier ones are returned before it. */
  async until(pattern: RegExp, timeoutMs = DEFAULT_WAIT_MS): Promise<WsMessage[]> {
    const found = () => this.messages.findIndex((m) => pattern.test(m.text));
    await this.waiters.until(() => found() !== -1, `a message matching ${pattern}`, {
      timeoutMs,
      over: () => this.closed !== null,
      context: () =>
        `got ${JSON.stringify(this.messages.map((m) => m.text))}, closed ${JSON.stringify(this.closed)}`,
    });
    return this.messages.splice(0, found() + 1);
  }

  /** Waits for the close; returns its code. */
  async closeCode(timeoutMs = DEFAULT_WAIT_MS): Promise<number> {
    await this.waiters.until(() => this.closed !== null, "the websocket to close", { timeoutMs });
    return (this.closed as { code: number }).code;
  }

  close(): void {
    this.ws.terminate();
  }
}
