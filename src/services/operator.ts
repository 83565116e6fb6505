// operator: a person at the server's console chats with the clients (seed 002, and seed 000's blocking
// chat). Client lines are printed on the console tagged with the client; what the operator types goes to
// the client that spoke last, or to the one named with /to. Under a lab preset the chat goes in turns
// instead, as the lab servers had it (operator-turns.ts).
import { createInterface, type Interface } from "node:readline";
import type { LineError } from "../protocol/line-framer.js";
import { formatEndpoint, type LineConnection } from "../transport/line-connection.js";
import { GOODBYE_REPLY, isGoodbye, LINE_ERROR_REPLIES } from "./line-rules.js";
import { TurnsConsole } from "./operator-turns.js";
import type { Hub, HubAttachment, HubLink, Service, Session } from "./service.js";
import type { ChatTurns } from "./wording.js";

export interface ConsoleIO {
  input: NodeJS.ReadableStream;
  /** Prints one line for the operator (a terminal client keeps the typed line intact). */
  print(line: string): void;
}

/** What a session tells the console hub; plain data, so it can cross a MessagePort. */
type OperatorMessage = { line: string } | { end: true };

export const OPERATOR_HELP = [
  "text          send to the client that spoke last",
  "/to <id> text send to client <id>",
  "/list         list the connected clients",
  "/kick <id>    disconnect client <id>",
  "bye | exit    end the chat with the client that spoke last",
  "/help         this list",
];

export function operatorService(console: ConsoleIO | null, turns: ChatTurns | null = null): Service {
  return {
    name: "operator",
    createHub: console
      ? () => (turns ? new TurnsConsole(console, turns) : new OperatorConsole(console))
      : undefined,
    open(conn: LineConnection, hub: HubLink | null): Session {
      if (!hub) throw new Error("the operator service needs its console");
      return {
        line(text: string) {
          hub.post({ line: text } satisfies OperatorMessage);
        },
        lineError(error: LineError) {
          conn.send(LINE_ERROR_REPLIES[error]);
        },
        end() {
          hub.post({ end: true } satisfies OperatorMessage);
        },
        closed() {},
      };
    },
  };
}

class OperatorConsole implements Hub {
  private readonly clients = new Map<number, LineConnection>();
  private lastSpeaker: LineConnection | null = null;
  private readonly input: Interface;

  constructor(private readonly io: ConsoleIO) {
    this.input = createInterface({ input: io.input, terminal: false });
    this.input.on("line", (line) => this.command(line));
  }

  attach(conn: LineConnection): HubAttachment {
    this.clients.set(conn.id, conn);
    this.io.print(`* client ${conn.id} connected from ${formatEndpoint(conn.peer)}`);
    return {
      post: (message) => this.message(conn, message),
      detach: () => this.detach(conn),
    };
  }

  private message(conn: LineConnection, message: unknown): void {
    const msg = message as OperatorMessage;
    if ("end" in msg) {
      this.io.print(`* client ${conn.id} stopped sending`);
      conn.close();
      return;
    }
    this.io.print(`[client ${conn.id}] ${msg.line}`);
    if (isGoodbye(msg.line)) {
      this.io.print(`* client ${conn.id} ended the chat`);
      conn.close(GOODBYE_REPLY);
      return;
    }
    this.lastSpeaker = conn;
  }

  private detach(conn: LineConnection): void {
    if (!this.clients.delete(conn.id)) return;
    if (this.lastSpeaker === conn) this.lastSpeaker = null;
    this.io.print(`* client ${conn.id} disconnected`);
  }

  close(): void {
    this.input.close();
  }

  private command(line: string): void {
    const text = line.trim();
    if (text === "") return;
    if (isGoodbye(text)) {
      const conn = this.defaultTarget();
      if (!conn) return;
      this.io.print(`* chat with client ${conn.id} ended`);
      conn.close(GOODBYE_REPLY);
      return;
    }
    if (!text.startsWith("/")) {
      this.defaultTarget()?.send(line);
      return;
    }
    // "/name arg rest of the line"
    const [, name = "", arg = "", body = ""] = /^(\S+)\s*(\S*)\s*(.*)$/.exec(text) ?? [];
    switch (name) {
      case "/to": {
        const conn = this.client(arg);
        if (conn && body !== "") conn.send(body);
        else if (conn) this.io.print("usage: /to <id> <text>");
        return;
      }
      case "/list":
        if (this.clients.size === 0) this.io.print("* no clients");
        for (const conn of this.clients.values()) {
          const mark = conn === this.lastSpeaker ? " (spoke last)" : "";
          this.io.print(`* client ${conn.id} ${formatEndpoint(conn.peer)}${mark}`);
        }
        return;
      case "/kick": {
        const conn = this.client(arg);
        if (!conn) return;
        this.io.print(`* client ${conn.id} kicked`);
        conn.close("Disconnected by the operator");
        return;
      }
      case "/help":
        for (const help of OPERATOR_HELP) this.io.print(help);
        return;
      default:
        this.io.print(`unknown command ${name}; /help lists them`);
    }
  }

  /** The client that spoke last, or the only client; otherwise the operator must say whom. */
  private defaultTarget(): LineConnection | null {
    if (this.lastSpeaker) return this.lastSpeaker;
    if (this.clients.size === 1) return this.clients.values().next().value ?? null;
    this.io.print(this.clients.size === 0 ? "* no clients" : "* whom to? use /to <id> <text> (/list)");
    return null;
  }

  private client(arg: string): LineConnection | null {
    const conn = /^\d+$/.test(arg) ? this.clients.get(Number(arg)) : undefined;
    if (!conn) this.io.print(`* no client ${arg || "given"}; /list shows them`);
    return conn ?? null;
  }
}
