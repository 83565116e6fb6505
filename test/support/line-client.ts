// A test client over a real TCP socket: send raw bytes or lines, await lines and the close.
import { connect, type Socket } from "node:net";
import { type ConnectionOptions, connect as connectTls, type TLSSocket } from "node:tls";
import { DEFAULT_WAIT_MS } from "./timing.js";
import { Waiters } from "./wait.js";

export { DEFAULT_WAIT_MS };

/** A line without the CR of its CRLF (IRC). */
export const withoutCr = (line: string): string => line.replace(/\r$/, "");

export class LineClient {
  readonly lines: string[] = [];
  private buffered = "";
  private readonly waiters = new Waiters();
  private ended = false;
  readonly closed: Promise<void>;
  /** Set when the connection ended with an error (a reset, say). */
  error: NodeJS.ErrnoException | null = null;

  private constructor(readonly socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (text: string) => {
      this.buffered += text;
      let lf = this.buffered.indexOf("\n");
      while (lf !== -1) {
        this.lines.push(this.buffered.slice(0, lf));
        this.buffered = this.buffered.slice(lf + 1);
        lf = this.buffered.indexOf("\n");
      }
      this.waiters.wake();
    });
    socket.on("error", (err) => {
      this.error = err;
    });
    this.closed = new Promise((resolve) =>
      socket.once("close", () => {
        this.ended = true;
        this.waiters.wake();
        resolve();
      }),
    );
  }

  /** `localAddress`: connect from another loopback address (127.0.0.2), as another host would. */
  static connect(port: number, host = "127.0.0.1", localAddress?: string): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, localAddress });
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new LineClient(socket));
      });
      socket.once("error", reject);
    });
  }

  /** Over TLS: resolves once the handshake is done, rejects if it fails. */
  static connectTls(
    port: number,
    options: ConnectionOptions = {},
  ): Promise<LineClient & { socket: TLSSocket }> {
    return new Promise((resolve, reject) => {
      const socket = connectTls({ port, host: "127.0.0.1", ...options });
      socket.once("secureConnect", () => {
        socket.off("error", reject);
        resolve(new LineClient(socket) as LineClient & { socket: TLSSocket });
      });
      socket.once("error", reject);
    });
  }

  /** Write raw text or bytes, exactly as given. */
  write(data: string | Uint8Array): void {
    this.socket.write(data);
  }

  send(line: string): void {
    this.socket.write(`${line}\n`);
  }

  /** Half-close: no more input from us, the server may still answer. */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Whatever arrived after the last LF (a reply without its terminator). */
  get partial(): string {
    return this.buffered;
  }

  /** The next unread line; rejects if the connection closes first or nothing comes in time. */
  async nextLine(timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    await this.waitFor(() => this.lines.length > 0 || this.ended, timeoutMs, "a line");
    const line = this.lines.shift();
    if (line === undefined)
      throw new Error(`connection closed before a line arrived (partial: ${JSON.stringify(this.buffered)})`);
    return line;
  }

  /** The next `count` lines. */
  async nextLines(count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<string[]> {
    await this.waitFor(() => this.lines.length >= count || this.ended, timeoutMs, `${count} lines`);
    if (this.lines.length < count)
      throw new Error(`connection closed after ${JSON.stringify(this.lines)}, before ${count} lines`);
    return this.lines.splice(0, count);
  }

  /** Lines up to and including the first that matches; the earlier ones are returned before it. */
  async until(pattern: RegExp, timeoutMs = DEFAULT_WAIT_MS): Promise<string[]> {
    const found = () => this.lines.findIndex((line) => pattern.test(line));
    await this.waitFor(() => found() !== -1 || this.ended, timeoutMs, `a line matching ${pattern}`);
    const at = found();
    if (at === -1) throw new Error(`connection closed before ${pattern}; got ${JSON.stringify(this.lines)}`);
    return this.lines.splice(0, at + 1);
  }

  /**
   * Every line until the server closes the connection in order (FIN). A reset fails: it is how a server
   * drops a connection it did not finish, not a goodbye (pass `{ reset: true }` where either will do).
   */
  async linesUntilClose(timeoutMs = DEFAULT_WAIT_MS, options: { reset?: boolean } = {}): Promise<string[]> {
    await this.waitFor(() => this.ended, timeoutMs, "the connection to close");
    if (this.error && !options.reset)
      throw new Error(
        `connection ended by ${this.error.code ?? this.error.message}, not a clean close; got ${JSON.stringify(this.lines)}`,
      );
    return this.lines.splice(0);
  }

  /** Every line until the connection is reset (ECONNRESET); a clean close fails. */
  async linesUntilReset(timeoutMs = DEFAULT_WAIT_MS): Promise<string[]> {
    await this.waitFor(() => this.ended, timeoutMs, "the connection to be reset");
    if (this.error?.code !== "ECONNRESET")
      throw new Error(
        `connection ${this.error ? `ended by ${this.error.code}` : "closed cleanly"}, not reset; got ${JSON.stringify(this.lines)}`,
      );
    return this.lines.splice(0);
  }

  async send1(line: string, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    this.send(line);
    return this.nextLine(timeoutMs);
  }

  private waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return this.waiters.until(done, what, {
      timeoutMs,
      context: () => `got ${JSON.stringify(this.lines)}`,
    });
  }
}
