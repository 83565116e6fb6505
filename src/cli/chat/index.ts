// `tcpchat chat <host> <port> --nick N`: an interactive chat client for people, in IRC or the seed rooms
// protocol. Plain text goes to the current room; slash commands do the rest (/help). Scripted when stdin
// is not a terminal: each stdin line is a command, and at its end the client quits and prints what it got.
import { connect } from "node:net";
import { Command, Option } from "commander";
import { EXIT_CODES } from "../connect.js";
import { LineSplitter } from "../line-splitter.js";
import { parseServerPort } from "../parse.js";
import { LineTerminal } from "../terminal.js";
import { CHAT_HELP, type ChatCommand, parseChatInput } from "./command.js";
import { IrcChatProtocol } from "./irc-protocol.js";
import { SeedChatProtocol } from "./seed-protocol.js";
import { type ChatProtocol, type ChatView, formatMessage } from "./view.js";

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

export function runChat(
  options: ChatOptions,
  io = { stdin: process.stdin, stdout: process.stdout },
): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect({ host: options.host, port: options.port });
    socket.setNoDelay(true);
    const queue: ChatCommand[] = [];
    let quitting = false;
    let terminal: LineTerminal | null = null;
    const print = (line: string) => (terminal ? terminal.print(line) : io.stdout.write(`${line}\n`));
    const view: ChatView = {
      message: (room, from, text, opts) => print(formatMessage(room, from, text, opts)),
      info: (text, room) => print(`${room ? `${room} ` : ""}* ${text}`),
      error: (text) => print(`! ${text}`),
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
      protocol.quit(reason);
      setTimeout(() => socket.destroy(), QUIT_GRACE_MS).unref();
    };
    const enter = (input: string) => {
      const command = parseChatInput(input);
      if (!command) return;
      if (command.kind === "help") for (const line of CHAT_HELP) print(line);
      else if (command.kind === "invalid") view.error(command.message);
      else queue.push(command);
      flush();
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
        onEnd: () => {
          queue.push({ kind: "quit" });
          flush();
        },
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
      process.stderr.write(`tcpchat: ${why}\n`);
      terminal?.close();
      resolve(EXIT_CODES.connection);
    });
    socket.once("close", (hadError) => {
      if (hadError) return;
      if (!quitting) print("* connection closed by server");
      terminal?.close();
      resolve(0);
    });
  });
}

export function chatCommand(): Command {
  return new Command("chat")
    .description(
      "chat in rooms: IRC or the seed rooms protocol; plain text goes to the current room, /help for commands",
    )
    .argument("<host>", "server address")
    .argument("<port>", "server port", parseServerPort)
    .requiredOption("--nick <nick>", "your nickname")
    .addOption(
      new Option("--protocol <protocol>", "what the server speaks").choices(["irc", "seed"]).default("irc"),
    )
    .option("--join <rooms>", "rooms to join at once, comma-separated", (text) =>
      text.split(",").filter(Boolean),
    )
    .option("--password <password>", "IRC connection password (PASS)")
    .addHelpText(
      "after",
      `\nExit codes: ${EXIT_CODES.ok} after /quit or the end of input, or when the server closes; ${EXIT_CODES.connection} when the server cannot be reached; ${EXIT_CODES.usage} for bad arguments.`,
    )
    .exitOverride((err) => {
      // Commander's own exits: help stays 0, a usage error gets the usage code, as with `connect`.
      process.exit(err.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage);
    })
    .action(async (host: string, port: number, flags: Omit<ChatOptions, "host" | "port">) => {
      process.exitCode = await runChat({ ...flags, host, port, join: flags.join ?? [] });
    });
}
