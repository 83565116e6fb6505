// `tcpchat connect <host> <port>`: the line client of every line service (seed 001's continuous client).
//
// On a terminal: a prompt, typed lines are sent, lines from the server are printed above the line being
// typed as they arrive. Scripted (stdin not a terminal): every stdin line is sent, the socket is half-closed
// when stdin ends, and every line received is printed until the server closes. Failures get one
// `tcpchat: ...` line on stderr and an exit code of their own (EXIT_CODES).
import { connect, type Socket } from "node:net";
import { Command, InvalidArgumentError } from "commander";
import { formatEndpoint } from "../transport/line-connection.js";
import { LineSplitter } from "./line-splitter.js";
import { parseSeconds, parseServerPort } from "./parse.js";
import { type InputEnd, LineTerminal, type TerminalInput, type TerminalOutput } from "./terminal.js";

export const EXIT_CODES = {
  /** The session ended normally: the server closed, or the user ended it. */
  ok: 0,
  /** No connection, or it broke: refused, unknown host, reset, unreachable. */
  connection: 1,
  /** The server answered `ERROR busy ...` (it serves someone else). */
  busy: 2,
  /** `--timeout`: no connection, no answer, or no close in time. */
  timeout: 3,
  /** Bad arguments or options. */
  usage: 64,
} as const;
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** What the calculator servers expect first (seed 003's `Hi` → `Hello`). */
export const HELLO_LINE = "Hi";
/** A received line starting with this means the server turned us away (`BUSY_REPLY` of the servers). */
const BUSY_PREFIX = "ERROR busy";
/** After the user ends an interactive session: how long to wait for the server's last lines and close. */
const INTERACTIVE_GRACE_MS = 1000;
/** setTimeout's limit. */
const MAX_TIMEOUT_SECONDS = Math.floor(0x7fffffff / 1000);

export interface ConnectOptions {
  host: string;
  port: number;
  /** Send `Hi` first. */
  hello?: boolean;
  /** Seconds; 0 or absent: no limit. */
  timeout?: number;
}

export interface ConnectIO {
  stdin: TerminalInput;
  stdout: TerminalOutput;
  stderr: Writable;
  /** Default: whether stdin is a terminal. */
  interactive?: boolean;
}

type Writable = NodeJS.WritableStream;

/** Runs one session; resolves with the exit code once it is over and the socket is gone. */
export function runConnect(options: ConnectOptions, io: ConnectIO): Promise<ExitCode> {
  return new ConnectSession(options, io).done;
}

export function connectCommand(): Command {
  return new Command("connect")
    .description(
      "a line client: on a terminal, a prompt with the server's lines printed as they arrive; " +
        "with stdin not a terminal, sends each stdin line, half-closes at its end and prints every line " +
        "received until the server closes",
    )
    .argument("<host>", "server host name or address", parseHost)
    .argument("<port>", "server port, 1 to 65535", parseServerPort)
    .option("--hello", `send '${HELLO_LINE}' first (the calculator servers' handshake)`)
    .option(
      "--timeout <seconds>",
      "give up when connecting takes longer, when no line arrives within this long of connecting or " +
        "of the last line sent, or when the server does not close this long after input ended (0: never)",
      parseTimeout,
    )
    .addHelpText(
      "after",
      [
        "",
        "Exit codes:",
        `  ${EXIT_CODES.ok}   the server closed the connection, or the user ended the session (Ctrl-D, Ctrl-C)`,
        `  ${EXIT_CODES.connection}   no server at that address, unknown host, connection reset or other network error`,
        `  ${EXIT_CODES.busy}   the server is busy (it answered 'ERROR busy ...' and closed)`,
        `  ${EXIT_CODES.timeout}   --timeout ran out (connecting, waiting for an answer, or for the close)`,
        `  ${EXIT_CODES.usage}  bad arguments or options`,
      ].join("\n"),
    )
    .exitOverride((err) => {
      // Commander's own exits: help (0) stays 0, every usage error gets the usage code.
      process.exit(err.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage);
    })
    .action(async (host: string, port: number, flags: { hello?: boolean; timeout?: number }) => {
      const code = await runConnect(
        { host, port, hello: flags.hello === true, timeout: flags.timeout ?? 0 },
        { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
      );
      await flush(process.stdout);
      await flush(process.stderr);
      process.exit(code);
    });
}

function parseHost(text: string): string {
  if (text.trim() === "") throw new InvalidArgumentError("expected a host name or address");
  return text;
}

function parseTimeout(text: string): number {
  const seconds = parseSeconds(text);
  if (seconds > MAX_TIMEOUT_SECONDS) {
    throw new InvalidArgumentError(`expected at most ${MAX_TIMEOUT_SECONDS} seconds`);
  }
  return seconds;
}

function flush(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    if (!stream.write("", () => resolve())) stream.once("drain", resolve);
  });
}

class ConnectSession {
  readonly done: Promise<ExitCode>;
  private resolveDone!: (code: ExitCode) => void;
  private readonly socket: Socket;
  private readonly splitter = new LineSplitter((line) => this.received(line));
  private readonly timeoutMs: number;
  private readonly where: string;
  private readonly interactive: boolean;
  private terminal: LineTerminal | null = null;
  private timer: NodeJS.Timeout | null = null;
  private connected = false;
  /** We half-closed: the user's input is over. */
  private inputEnded = false;
  private busy = false;
  private finished = false;

  constructor(
    private readonly options: ConnectOptions,
    private readonly io: ConnectIO,
  ) {
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    this.timeoutMs = (options.timeout ?? 0) * 1000;
    this.where = formatEndpoint({ address: options.host, port: options.port });
    this.interactive = io.interactive ?? io.stdin.isTTY === true;
    io.stdout.on("error", this.onStdoutError);

    this.socket = connect({ host: options.host, port: options.port });
    this.arm(() =>
      this.finish(EXIT_CODES.timeout, `no connection to ${this.where} within ${this.seconds()}`),
    );
    this.socket.on("connect", () => this.onConnect());
    this.socket.on("data", (chunk: Buffer) => this.splitter.push(chunk));
    // The server closed (with allowHalfOpen off, node closes our side too).
    this.socket.on("end", () => this.serverClosed());
    this.socket.on("error", (err: NodeJS.ErrnoException) => this.onError(err));
    this.socket.on("close", () => {
      if (!this.finished) this.serverClosed();
    });
  }

  private onConnect(): void {
    this.connected = true;
    this.socket.setNoDelay(true);
    this.waitForAnswer();
    this.terminal = new LineTerminal({
      input: this.io.stdin,
      output: this.io.stdout,
      interactive: this.interactive,
      onLine: (line) => this.send(line),
      onEnd: (why) => this.inputEnd(why),
    });
    if (this.options.hello) this.send(HELLO_LINE);
    this.terminal.start();
  }

  private send(line: string): void {
    if (this.finished || this.inputEnded) return;
    this.waitForAnswer();
    if (!this.socket.write(`${line}\n`)) {
      this.terminal?.pause();
      this.socket.once("drain", () => this.terminal?.resume());
    }
  }

  private received(line: string): void {
    if (line.startsWith(BUSY_PREFIX)) this.busy = true;
    // A line is the answer awaited; once input is over, the wait for the close starts again.
    if (this.inputEnded && !this.interactive) this.waitForClose();
    else if (!this.inputEnded) this.disarm();
    this.terminal ? this.terminal.print(line) : this.io.stdout.write(`${line}\n`);
  }

  private inputEnd(_why: InputEnd): void {
    if (this.finished) return;
    this.inputEnded = true;
    this.socket.end();
    if (this.interactive) {
      // The user is done: a short wait for what the server still says, then goodbye either way.
      this.disarm();
      this.timer = setTimeout(() => {
        if (this.busy) this.finish(EXIT_CODES.busy, "server is busy");
        else this.finish(EXIT_CODES.ok);
      }, INTERACTIVE_GRACE_MS);
    } else {
      this.waitForClose();
    }
  }

  /** --timeout: a line must arrive within the limit (after connecting, after each line sent). */
  private waitForAnswer(): void {
    this.arm(() => this.finish(EXIT_CODES.timeout, `no answer within ${this.seconds()}`));
  }

  /** --timeout, input over: the server must close (or at least say something) within the limit. */
  private waitForClose(): void {
    this.arm(() =>
      this.finish(EXIT_CODES.timeout, `no answer within ${this.seconds()} (the server did not close)`),
    );
  }

  private serverClosed(): void {
    if (this.finished) return;
    if (this.busy) {
      this.finish(EXIT_CODES.busy, "server is busy");
      return;
    }
    const note = this.interactive && !this.inputEnded ? "connection closed by server" : undefined;
    this.finish(EXIT_CODES.ok, note);
  }

  private onError(err: NodeJS.ErrnoException): void {
    if (this.finished) return;
    if (this.busy) {
      // Having said so, a busy server may well reset the connection: still "busy".
      this.finish(EXIT_CODES.busy, "server is busy");
      return;
    }
    const host = this.options.host;
    let message: string;
    switch (err.code) {
      case "ECONNREFUSED":
        message = `no server at ${this.where} (connection refused)`;
        break;
      case "ENOTFOUND":
        message = `unknown host ${host}`;
        break;
      case "EAI_AGAIN":
        message = `cannot resolve host ${host} (temporary name resolution failure)`;
        break;
      case "ECONNRESET":
        message = "connection reset by server";
        break;
      case "EPIPE":
        message = "connection closed by server while sending";
        break;
      case "ETIMEDOUT":
        message = `cannot connect to ${this.where} (connection timed out)`;
        break;
      case "EHOSTUNREACH":
      case "ENETUNREACH":
        message = `cannot reach ${this.where} (${err.code === "EHOSTUNREACH" ? "host" : "network"} unreachable)`;
        break;
      default:
        message = this.connected
          ? `connection to ${this.where} failed: ${err.message}`
          : `cannot connect to ${this.where}: ${err.message}`;
    }
    this.finish(EXIT_CODES.connection, message);
  }

  private readonly onStdoutError = (): void => {
    // Whoever read our output is gone (`| head -1`): nothing more to say to anyone.
    this.finish(EXIT_CODES.ok);
  };

  private finish(code: ExitCode, message?: string): void {
    if (this.finished) return;
    this.finished = true;
    this.disarm();
    if (this.connected) this.splitter.flush(); // a last line without LF is printed too
    this.terminal?.close();
    if (message !== undefined) this.io.stderr.write(`tcpchat: ${message}\n`);
    this.socket.destroy();
    // The stdout error listener stays: a broken stdout must not crash the exit that follows.
    this.resolveDone(code);
  }

  /** Starts the --timeout countdown over (if there is one); `onTimeout` runs when it runs out. */
  private arm(onTimeout: () => void): void {
    this.disarm();
    if (this.timeoutMs > 0) this.timer = setTimeout(onTimeout, this.timeoutMs);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private seconds(): string {
    return `${this.options.timeout} s`;
  }
}
