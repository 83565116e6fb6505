// A test client that talks as the labs' own clients do: each message one send() with no newline, then one
// recv(1024) of whatever came back, compared byte for byte.
import { connect, type Socket } from "node:net";
import { DEFAULT_WAIT_MS } from "./line-client.js";

const RECV_SIZE = 1024;

export class LabClient {
  private buffered = Buffer.alloc(0);
  private ended = false;
  private waiter: (() => void) | null = null;
  readonly closed: Promise<void>;
  error: NodeJS.ErrnoException | null = null;

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake();
    });
    socket.on("error", (err) => {
      this.error = err;
    });
    this.closed = new Promise((resolve) =>
      socket.once("close", () => {
        this.ended = true;
        this.wake();
        resolve();
      }),
    );
  }

  static connect(port: number, host = "127.0.0.1"): Promise<LabClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new LabClient(socket));
      });
      socket.once("error", reject);
    });
  }

  /** One send() of the message as it is: no newline added. */
  send(message: string | Uint8Array): void {
    this.socket.write(message);
  }

  /**
   * What one recv(1024) returns: the bytes that have arrived (waiting for some), as text; "" once the server
   * has closed. Rejects if nothing comes in `timeoutMs`, as the seed 003 client's socket timeout fires.
   */
  async recv(timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    if (this.buffered.length === 0 && !this.ended) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiter = null;
          reject(new Error(`recv timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const bytes = this.buffered.subarray(0, RECV_SIZE);
    this.buffered = this.buffered.subarray(bytes.length);
    return bytes.toString("utf8");
  }

  /** send(), then recv(). */
  async ask(message: string, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    this.send(message);
    return this.recv(timeoutMs);
  }

  /** Half-close, as a client does that has nothing more to say. */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}
