// One IRC connection: its registration state, capabilities, keepalive, and the dispatcher that runs the
// command table. Handlers live in one file per command group; this file does the checks they share.

import {
  encodeLine,
  type IrcInput,
  MAX_BODY_BYTES,
  MAX_CLIENT_TAG_BYTES,
  truncateUtf8,
  utf8Length,
} from "../../protocol/irc/message.js";
import { LineError } from "../../protocol/line-framer.js";
import type { LineConnection, OverflowListener } from "../../transport/line-connection.js";
import type { RoomsConfig } from "../config.js";
import { InputError, type Refusal, RoomError } from "../core/errors.js";
import type { RoomRegistry } from "../core/registry.js";
import { User } from "../core/user.js";
import type { RoomsClient } from "../hub.js";
import type { RoomsInput } from "../session.js";
import type { SaslExchange } from "./accounts.js";
import { HeldOutput, MAX_LABEL_BYTES, type PreparedBatch } from "./batch.js";
import { Cap } from "./caps.js";
import { COMMANDS } from "./commands.js";
import { type ErrorSubject, ircError, STANDARD_FAIL } from "./errors.js";
import type { IrcFrontend } from "./frontend.js";
import { batchLineLost, type OpenBatch, takeBatchLine } from "./multiline.js";
import { ircHostname } from "./replies.js";

/** A user of this front-end, who knows its connection. */
export class IrcUser extends User {
  constructor(
    readonly client: IrcClient,
    id: number,
    frontend: IrcFrontend,
    hostname: string,
    connectedAt: number,
  ) {
    super(id, "irc", frontend, "*", hostname, connectedAt);
  }
}

export class IrcClient implements RoomsClient, OverflowListener {
  readonly user: IrcUser;
  /** Enabled capabilities (Cap bits). */
  caps = 0;
  registered = false;
  /** The highest CAP LS version the client asked for (302: lists may take several lines). */
  capVersion = 0;
  /** CAP LS or REQ was sent before registration and CAP END not yet: registration waits. */
  capNegotiating = false;
  /** Lines held while a labeled command runs or a batch is open (batch.ts); null: each written at once. */
  private output: HeldOutput | null = null;
  /** The client's own multiline batch, open between its BATCH + and BATCH - (multiline.ts). */
  multiline: OpenBatch | null = null;
  /** A multiline batch is filling: its lines pass flood control as one (RoomsClient). */
  batching = false;
  /** Lines flood control is still to count: a multiline batch's cost past its first line (RoomsClient). */
  owed = 0;
  /** Metadata keys this connection subscribed to (METADATA SUB, metadata.ts); null for none yet. */
  metadataSubs: Set<string> | null = null;
  /** Read markers of a client logged in to no account, by folded target (read-markers.ts); null for none. */
  readMarkers: Map<string, number> | null = null;
  /** The SASL exchange under way, if any. */
  sasl: SaslExchange | null = null;
  /** SASL succeeded: AUTHENTICATE is answered 907 from now on. */
  saslDone = false;
  /** A REGISTER is being hashed and stored. */
  registering = false;
  /** The password given with PASS, checked when registration completes. */
  password: string | null = null;
  nickGiven = false;
  userGiven = false;
  /** The connection is closing: nothing more is read or done. */
  closing = false;
  /** What others are told when this connection goes without a QUIT of its own. */
  private quitReason = "Connection closed";
  /**
   * The front-end's keepalive sweep in which the client was last heard from, and the one that sent the
   * unanswered PING (0 for none): sweep counts, small integers, not a boxed timestamp per client.
   */
  private seenInSweep: number;
  private pingedInSweep = 0;

  constructor(
    readonly frontend: IrcFrontend,
    readonly conn: LineConnection,
  ) {
    this.seenInSweep = frontend.sweep;
    this.user = new IrcUser(
      this,
      frontend.context.registry.userId(conn.id),
      frontend,
      ircHostname(conn.peer.address),
      frontend.context.clock.now(),
    );
    conn.overflowListener = this;
  }

  sendQueueOverflowed(): string {
    this.closing = true;
    this.quitReason = "SendQ exceeded";
    this.forget();
    // Called while sockets are being flushed: the QUIT goes out once that is done.
    queueMicrotask(() => this.frontend.context.registry.remove(this.user, "SendQ exceeded"));
    return lastLine("SendQ exceeded");
  }

  get registry(): RoomRegistry {
    return this.frontend.context.registry;
  }

  get config(): RoomsConfig {
    return this.frontend.context.config;
  }

  /** How numerics address this client: its nick, or `*` before it has one. */
  get name(): string {
    return this.nickGiven || this.registered ? this.user.nick : "*";
  }

  has(cap: number): boolean {
    return (this.caps & cap) !== 0;
  }

  /** One line, without CR LF. */
  send(line: string): void {
    if (this.output !== null) this.output.items.push(encodeLine(line));
    else this.conn.sendBytes(Buffer.from(encodeLine(line)));
  }

  /** A line already encoded with its CR LF (the fan-out builds it once for every recipient). */
  sendRaw(line: Buffer): void {
    if (this.output !== null) this.output.items.push(line.toString());
    else this.conn.sendBytes(line);
  }

  /**
   * A line that is not a reply to the command being run, though it comes while it runs (a message the
   * client sent itself, as delivered: labeled-response labels only the echo): written now, unlabeled.
   */
  sendAside(line: Buffer): void {
    if (this.output !== null && this.output.root.label !== null) this.conn.sendBytes(line);
    else this.sendRaw(line);
  }

  /**
   * Run `build` and send all it sends to this client in one write: the registration burst (some twenty
   * lines, for thousands of clients at once) then costs one buffer and one queued write, not one per line.
   */
  inOnePiece(build: () => void): void {
    if (this.output !== null) build();
    else this.hold(null, build);
  }

  /**
   * Run `build` inside a batch of `type` (IRCv3 batch): every line it sends this client is tagged with
   * the batch, and the batch is nested in any batch or labeled response open. Without the `batch`
   * capability the lines go as they are.
   */
  batch(type: string, params: readonly string[], build: () => void): void {
    if (!this.has(Cap.Batch)) {
      build();
      return;
    }
    const outer = this.output;
    const parent = outer ?? new HeldOutput(null, null);
    const inner = parent.open(this.frontend.serverName, type, params);
    this.output = inner;
    try {
      build();
    } finally {
      inner.close();
      this.output = outer;
      // Not inside anything else: written now.
      if (outer === null) this.release(parent);
    }
  }

  /**
   * For a command that answers later (a password hash checked off the event loop): the labeled response
   * stays open, and what `answer` sends completes it. Without a label, `answer` just runs.
   */
  later(): (answer: () => void) => void {
    const held = this.output;
    if (held === null || held.label === null || held.parent !== null) {
      return (answer) => {
        if (!this.closing) answer();
      };
    }
    held.deferred = true;
    return (answer) => {
      if (this.closing) return;
      const outer = this.output;
      this.output = held;
      try {
        answer();
      } finally {
        this.output = outer;
        held.deferred = false;
        this.release(held);
      }
    };
  }

  /** A batch built once for many clients: written whole, or put in place in what is held. */
  sendBatch(batch: PreparedBatch): void {
    if (this.output !== null) this.output.items.push(batch.held);
    else this.conn.sendBytes(batch.wire);
  }

  /** `later()` for a labeled command (its answer comes with a later one), null otherwise. */
  laterIfLabeled(): ((answer: () => void) => void) | null {
    const held = this.output;
    if (held === null || held.label === null || held.parent !== null) return null;
    return this.later();
  }

  /** Run `build` with this client's lines held, then write them: labeled when `label` is not null. */
  private hold(label: string | null, build: () => void): void {
    const held = new HeldOutput(null, label);
    this.output = held;
    try {
      build();
    } finally {
      this.output = null;
      this.release(held);
    }
  }

  /** Write what `held` holds, once, unless its answer is still to come. */
  private release(held: HeldOutput): void {
    if (held.deferred || held.done) return;
    held.done = true;
    const text = held.text(this.frontend.serverName);
    if (text !== "") this.conn.sendBytes(Buffer.from(text));
  }

  /** `:server <code> <nick> <params...>`, the last parameter as trailing; cut to fit 512 bytes. */
  numeric(code: string, ...params: string[]): void {
    let line = numericLine(`:${this.frontend.serverName} ${code} ${this.name}`, params, Infinity);
    // Replies echo what the client sent (a target, a nick, a command): those are shortened, then the text.
    if (line.length > MAX_BODY_BYTES / 3 && utf8Length(line) > MAX_BODY_BYTES)
      line = numericLine(`:${this.frontend.serverName} ${code} ${this.name}`, params, ECHO_BYTES);
    this.send(line);
  }

  /**
   * A standard reply (IRCv3 standard-replies): `FAIL`, `WARN` or `NOTE`, the command it is about (`*` for
   * none), a machine-readable code, context parameters, and the description last.
   */
  standardReply(type: "FAIL" | "WARN" | "NOTE", command: string, code: string, ...params: string[]): void {
    this.send(numericLine(`:${this.frontend.serverName} ${type} ${command} ${code}`, params, ECHO_BYTES));
  }

  /** A refusal (the core's, or of the client's input), told as the error table says. */
  refuse(error: Refusal, subject: ErrorSubject): void {
    const [code, ...params] = ircError(error, subject);
    if (code === STANDARD_FAIL) {
      const [command = "*", failCode = "", ...rest] = params;
      this.standardReply(STANDARD_FAIL, command, failCode, ...rest);
    } else this.numeric(code, ...params);
  }

  // ---- RoomsClient

  input(input: RoomsInput): void {
    if (this.closing || input.protocol !== "irc") return;
    this.seen();
    const message = input.message;
    const label = message.tags.label;
    // labeled-response needs batch too (its specification); without both, a label is an unknown tag.
    if (label === undefined || (this.caps & LABELS) !== LABELS || !isLabel(label)) this.dispatch(message);
    else this.hold(label, () => this.dispatch(message));
  }

  lineError(error: LineError): void {
    if (this.closing) return;
    this.seen();
    if (this.multiline !== null) batchLineLost(this);
    this.refuse(error === LineError.TooLong ? InputError.LineTooLong : InputError.InvalidUtf8, {});
  }

  end(): void {
    this.disconnect("Connection closed", `Closing Link: ${this.user.hostname} (Connection closed)`);
  }

  closed(): void {
    this.closing = true;
    this.forget();
    this.frontend.context.nickserv.clear(this.user);
    this.frontend.context.registry.remove(this.user, this.quitReason);
  }

  /** No longer counted by LUSERS (as a user or an unknown connection): once, before anyone is told. */
  private forget(): void {
    if (this.frontend.clients.delete(this) && this.registered) this.frontend.userLeft();
    this.frontend.monitors.clear(this);
  }

  shutdown(): void {
    this.disconnect("Server shutting down", "Server shutting down");
  }

  drop(reason: string): void {
    this.disconnect(reason, reason);
  }

  failed(): void {
    const reason = "Internal server error";
    this.disconnect(reason, `Closing Link: ${this.user.hostname} (${reason})`);
  }

  timedOut(): void {
    const reason = "Registration timed out";
    this.disconnect(reason, `Closing Link: ${this.user.hostname} (${reason})`);
  }

  /**
   * Leave: everyone who shares a room is told `reason` now, the client gets `ERROR :<error>`, and the
   * connection closes. Once only.
   */
  disconnect(reason: string, error: string): void {
    if (this.closing) return;
    this.closing = true;
    this.quitReason = reason;
    // What the command being run has said so far goes before the ERROR.
    if (this.output !== null) {
      const held = this.output.root;
      this.output = null;
      if (held.items.length > 0) this.release(held);
      held.done = true;
    }
    this.forget();
    this.frontend.context.registry.remove(this.user, reason);
    this.conn.close(lastLine(error));
  }

  // ---- dispatch

  private dispatch(message: IrcInput): void {
    if (this.multiline !== null && takeBatchLine(this, message)) return;
    if (message.bodyBytes > MAX_BODY_BYTES || message.tagBytes > MAX_CLIENT_TAG_BYTES) {
      this.refuse(InputError.LineTooLong, {});
      return;
    }
    const command = message.command;
    if (command === "") return; // only tags or a source: nothing to do
    if (message.forbidden) {
      this.refuse(InputError.InvalidFormat, { command, detail: "Messages may not contain NUL or CR" });
      return;
    }
    const spec = COMMANDS.get(command);
    if (!spec) {
      this.refuse(InputError.UnknownCommand, { command });
      return;
    }
    if (!this.registered && !spec.beforeRegistration) {
      this.refuse(InputError.NotRegistered, { command });
      return;
    }
    if (message.params.length < spec.minParams) {
      this.refuse(RoomError.NeedMoreParams, { command });
      return;
    }
    const counts = this.frontend.commandCounts;
    counts.set(command, (counts.get(command) ?? 0) + 1);
    spec.handler(this, message.params, message);
  }

  // ---- keepalive: the front-end's one sweep calls this for every client; input just notes the time.

  private seen(): void {
    this.seenInSweep = this.frontend.sweep;
    this.pingedInSweep = 0;
  }

  /**
   * Sweep number `sweep`: PING a client idle for a whole `interval` (in sweeps; heard from any time after
   * its sweep began), drop it if the PING has gone unanswered as long again.
   */
  keepalive(sweep: number, interval: number): void {
    if (this.closing) return;
    if (this.pingedInSweep !== 0) {
      if (sweep - this.pingedInSweep >= interval) this.disconnect("Ping timeout", "Ping timeout");
    } else if (sweep - this.seenInSweep > interval) {
      this.pingedInSweep = sweep;
      this.send(`PING :${this.frontend.serverName}`);
    }
  }
}

/** `ERROR :<reason>` as the last line of a connection (the connection adds the LF). */
export function lastLine(reason: string): string {
  return encodeLine(`ERROR :${reason}`).slice(0, -1);
}

/** The capabilities a label needs. */
const LABELS = Cap.LabeledResponse | Cap.Batch;

function isLabel(value: string): boolean {
  return value !== "" && utf8Length(value) <= MAX_LABEL_BYTES;
}

/** Bytes kept of a middle parameter when a numeric would not fit otherwise. */
const ECHO_BYTES = 64;

/** The numeric's line; middles cut to `maxMiddle` bytes, and the trailing cut when the line is too long. */
function numericLine(head: string, params: readonly string[], maxMiddle: number): string {
  let line = head;
  const last = params.length - 1;
  for (let i = 0; i < last; i++) line += ` ${middle(truncateUtf8(params[i] as string, maxMiddle))}`;
  if (last < 0) return line;
  const text = params[last] as string;
  if (maxMiddle === Infinity) return `${line} :${text}`;
  return `${line} :${truncateUtf8(text, Math.max(0, MAX_BODY_BYTES - utf8Length(line) - 2))}`;
}

/** A parameter in a middle position: never empty, never with a space or a leading ':'. */
function middle(param: string): string {
  if (param === "") return "*";
  if (param.charCodeAt(0) !== 0x3a && !param.includes(" ")) return param;
  return param.replace(/^:/, "_").replaceAll(" ", "_");
}
