// `tcpchat chat <host> <port> --nick N`: an interactive chat client for people, in IRC or the seed rooms
// protocol. Plain text goes to the current room; slash commands do the rest (/help). Scripted when stdin
// is not a terminal: each stdin line is a command, and at its end the client quits and prints what it got.
import { connect } from "node:net";
import { Command, InvalidArgumentError, Option } from "commander";
import { EXIT_CODES } from "../connect.js";
import { LineSplitter } from "../line-splitter.js";
import { parseServerPort } from "../parse.js";
import { LineTerminal, type TerminalInput, type TerminalOutput } from "../terminal.js";
import { CHAT_HELP, type ChatCommand, parseChatInput } from "./command.js";
import { IrcChatProtocol } from "./irc-protocol.js";
import { SeedChatProtocol } from "./seed-protocol.js";
import { type ChatProtocol, type ChatView, formatError, formatInfo, formatMessage } from "./view.js";

export interface ChatOptions {
  host: string;
  port: number;
  nick: string;
  protocol: "irc" | "seed";
  join: string[];
  password?: string;
}

/** After /quit or the end of input: how long the server has to close before we do. */
const QUIT_GRACE_MS = 3000;
/** After /quit or the end of input: how long commands still waiting for the server may wait. */
const QUEUE_GRACE_MS = 3000;

export function runChat(
  options: ChatOptions,
  io: { stdin: TerminalInput; stdout: TerminalOutput; stderr: NodeJS.WritableStream } = process,
): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect({ host: options.host, port: options.port });
    socket.setNoDelay(true);
    const queue: ChatCommand[] = [];
    let quitting = false;
    /** The exit code when the connection closes without an error. */
    let code: number = EXIT_CODES.ok;
    let giveUp: NodeJS.Timeout | undefined;
    let terminal: LineTerminal | null = null;
    const print = (line: string) => (terminal ? terminal.print(line) : io.stdout.write(`${line}\n`));
    const view: ChatView = {
      message: (room, from, text, opts) => print(formatMessage(room, from, text, opts)),
      info: (text, room) => print(formatInfo(text, room)),
      error: (text) => print(formatError(text)),
      fatal: (text) => {
        print(formatError(text));
        code = EXIT_CODES.connection;
        queue.length = 0;
        quit();
      },
    };
    const send = (line: string) => {
      if (!socket.destroyed) socket.write(`${line}\n`);
    };
    const protocol: ChatProtocol =
      options.protocol === "seed"
        ? new SeedChatProtocol(options.nick, send, view, options.join)
        : new IrcChatProtocol(options.nick, send, view, options.join, options.password ?? null);

    // Commands wait while the protocol waits for the server (registration, a join), so a script's
    // "/join lobby" then "hello" says hello in the lobby.
    const flush = () => {
      while (queue.length > 0 && !protocol.busy) {
        const command = queue.shift() as ChatCommand;
        if (command.kind === "quit") quit(command.reason);
        else protocol.input(command);
      }
    };
    const quit = (reason?: string) => {
      if (quitting) return;
      quitting = true;
      clearTimeout(giveUp);
      protocol.quit(reason);
      setTimeout(() => socket.destroy(), QUIT_GRACE_MS).unref();
    };
    /** A quit waits behind the commands before it, but not for ever: a server that never answers. */
    const quitSoon = (command: ChatCommand & { kind: "quit" }) => {
      queue.push(command);
      flush();
      if (quitting || giveUp) return;
      giveUp = setTimeout(() => {
        if (quitting) return;
        const waiting = queue.filter((c) => c.kind !== "quit").length;
        view.error(`no answer from the server; ${waiting} command(s) not sent`);
        code = EXIT_CODES.timeout;
        queue.length = 0;
        quit(command.reason);
      }, QUEUE_GRACE_MS);
      giveUp.unref();
    };
    const enter = (input: string) => {
      if (quitting) return;
      const command = parseChatInput(input);
      if (!command) return;
      if (command.kind === "help") for (const line of CHAT_HELP) print(line);
      else if (command.kind === "invalid") view.error(command.message);
      else if (command.kind === "quit") quitSoon(command);
      else {
        queue.push(command);
        flush();
      }
    };

    const splitter = new LineSplitter((text) => {
      protocol.received(text);
      flush();
    });
    socket.on("data", (chunk: Buffer) => splitter.push(chunk));
    socket.once("connect", () => {
      terminal = new LineTerminal({
        input: io.stdin,
        output: io.stdout,
        prompt: "> ",
        onLine: enter,
        onEnd: () => quitSoon({ kind: "quit" }),
      });
      protocol.start();
      terminal.start();
    });
    socket.once("end", () => splitter.flush());
    socket.once("error", (err: NodeJS.ErrnoException) => {
      const where = `${options.host}:${options.port}`;
      const why =
        err.code === "ECONNREFUSED"
          ? `no server at ${where} (connection refused)`
          : err.code === "ENOTFOUND"
            ? `unknown host ${options.host}`
            : err.code === "ECONNRESET"
              ? "connection reset by server"
              : err.message;
      // The prompt goes first, so the message does not land in the middle of a half-typed line.
      terminal?.close();
      io.stderr.write(`tcpchat: ${why}\n`);
      resolve(EXIT_CODES.connection);
    });
    socket.once("close", (hadError) => {
      clearTimeout(giveUp);
      if (hadError) return;
      if (!quitting) print(formatInfo("connection closed by server"));
      terminal?.close();
      resolve(code);
    });
  });
}

/** A nickname the protocols can carry: one word, no control characters. */
function parseNick(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (!/^[^\s\x00-\x1f\x7f:,#][^\s\x00-\x1f\x7f:,]*$/.test(text))
    throw new InvalidArgumentError("expected one word, not starting with '#' or ':', without ',' or ':'");
  return text;
}

/** Resolves once everything written to `stream` so far has been handed to the system. */
function drain(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    if (!stream.write("", () => resolve())) stream.once("drain", resolve);
  });
}

export function chatCommand(): Command {
  return new Command("chat")
    .description(
      "chat in rooms: IRC or the seed rooms protocol; plain text goes to the current room, /help for commands",
    )
    .argument("<host>", "server address")
    .argument("<port>", "server port", parseServerPort)
    .requiredOption("--nick <nick>", "your nickname", parseNick)
    .addOption(
      new Option("--protocol <protocol>", "what the server speaks").choices(["irc", "seed"]).default("irc"),
    )
    .option("--join <rooms>", "rooms to join at once, comma-separated", (text) =>
      text.split(",").filter(Boolean),
    )
    .option("--password <password>", "IRC connection password (PASS)")
    .addHelpText(
      "after",
      `\nExit codes: ${EXIT_CODES.ok} after /quit or the end of input, or when the server closes; ${EXIT_CODES.connection} when the server cannot be reached or refuses us (a bad nickname, say); ${EXIT_CODES.timeout} when it stops answering and commands were left unsent; ${EXIT_CODES.usage} for bad arguments.`,
    )
    .exitOverride((err) => {
      // Commander's own exits: help stays 0, a usage error gets the usage code, as with `connect`.
      process.exit(err.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage);
    })
    .action(async (host: string, port: number, flags: Omit<ChatOptions, "host" | "port">) => {
      const code = await runChat({ ...flags, host, port, join: flags.join ?? [] });
      await drain(process.stdout);
      await drain(process.stderr);
      // Exit now: a terminal left in raw mode or stdin still open must not keep the client running.
      process.exit(code);
    });
}
