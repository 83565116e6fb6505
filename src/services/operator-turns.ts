// The operator's console as the lab chat servers had it (seed 002, seed 000's blocking chat): the client
// speaks, the operator answers, in turn. What the operator types before the client has spoken is held and
// answers its next message, as a terminal held the typing until the lab server's input() read it. Either
// side's end word ends the chat; the operator's is sent to the client as typed, so the lab client, which
// compares the exact word, ends too.
import { createInterface, type Interface } from "node:readline";
import { formatEndpoint, type LineConnection } from "../transport/line-connection.js";
import type { ConsoleIO } from "./operator.js";
import type { Hub, HubAttachment } from "./service.js";
import { type ChatTurns, isOneOf } from "./wording.js";

/** What a session tells the console hub (the same messages as the free-form console's). */
type OperatorMessage = { line: string } | { end: true };

interface Talker {
  conn: LineConnection;
  /** The client has spoken and waits for the operator's answer. */
  waiting: boolean;
}

export class TurnsConsole implements Hub {
  /** Connected clients in the order they came; the first that waits gets the next answer. */
  private readonly talkers = new Map<number, Talker>();
  /** Answers typed before anyone waited for one. */
  private readonly held: string[] = [];
  private readonly input: Interface;

  constructor(
    private readonly io: ConsoleIO,
    private readonly turns: ChatTurns,
  ) {
    this.input = createInterface({ input: io.input, terminal: false });
    this.input.on("line", (line) => this.answer(line));
  }

  attach(conn: LineConnection): HubAttachment {
    this.talkers.set(conn.id, { conn, waiting: false });
    this.io.print(`* client ${conn.id} connected from ${formatEndpoint(conn.peer)}`);
    return {
      post: (message) => this.message(conn, message as OperatorMessage),
      detach: () => this.detach(conn),
    };
  }

  close(): void {
    this.input.close();
  }

  private message(conn: LineConnection, message: OperatorMessage): void {
    const talker = this.talkers.get(conn.id);
    if (!talker) return;
    if ("end" in message) {
      this.io.print(`* client ${conn.id} stopped sending`);
      conn.close();
      return;
    }
    this.io.print(`[client ${conn.id}] ${message.line}`);
    if (isOneOf(message.line, [this.turns.clientEnds])) {
      this.io.print(`* client ${conn.id} ended the chat`);
      conn.close(this.turns.clientEndReply);
      return;
    }
    talker.waiting = true;
    const answer = this.held.shift();
    if (answer !== undefined) this.say(talker, answer);
  }

  private detach(conn: LineConnection): void {
    if (!this.talkers.delete(conn.id)) return;
    this.io.print(`* client ${conn.id} disconnected`);
    if (this.talkers.size === 0 && this.held.length > 0) {
      this.io.print(`* ${this.held.length} answer(s) typed for it dropped`);
      this.held.length = 0;
    }
  }

  /** A line the operator typed: the answer to the client that waits, or held until one does. */
  private answer(line: string): void {
    if (line === "") return; // the lab servers sent nothing for an empty line, and kept waiting
    const talker = [...this.talkers.values()].find((t) => t.waiting);
    if (talker) {
      this.say(talker, line);
      return;
    }
    if (this.talkers.size === 0) {
      this.io.print("* no client");
      return;
    }
    this.held.push(line);
    this.io.print("* the client speaks first: this answers its next message");
  }

  private say(talker: Talker, line: string): void {
    talker.waiting = false;
    const conn = talker.conn;
    if (isOneOf(line, [this.turns.operatorEnds])) {
      this.io.print(`* chat with client ${conn.id} ended`);
      conn.close(line);
      return;
    }
    conn.send(line);
  }
}
