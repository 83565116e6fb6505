// IRCv3 draft/multiline over IRC: the client's `BATCH +<ref> draft/multiline <target>`, its PRIVMSG lines
// (`draft/multiline-concat` joins a line to the one before), `BATCH -<ref>`; then one message of the core
// (one operation, one msgid) carrying the lines. The spec's FAIL replies, each naming its limit; a batch
// that failed takes its remaining lines quietly until its end. Delivery (deliver.ts) is a `draft/multiline`
// batch for clients with the capability and `batch`, the lines one by one for the others.
import {
  encodeLine,
  type IrcInput,
  MAX_BODY_BYTES,
  MAX_CLIENT_TAG_BYTES,
  utf8Length,
} from "../../protocol/irc/message.js";
import { fold } from "../core/casemap.js";
import { InputError } from "../core/errors.js";
import type { Source } from "../core/events.js";
import { combineLines, type MultilineLine } from "../core/multiline.js";
import { RoomError } from "../core/registry.js";
import { Room } from "../core/room.js";
import { batchRef, type PreparedBatch, prepareBatch } from "./batch.js";
import { Cap } from "./caps.js";
import type { IrcClient } from "./client.js";
import type { CommandTable } from "./commands.js";
import { EventLine } from "./deliver.js";
import { MULTILINE_MAX_BYTES, MULTILINE_MAX_LINES } from "./limits.js";
import { withText } from "./replies.js";

export const MULTILINE_BATCH = "draft/multiline";
export const CONCAT_TAG = "draft/multiline-concat";

/** A client's multiline batch between its start and its end. */
export interface OpenBatch {
  ref: string;
  target: string;
  /** Client-only tags of the BATCH start: the message's. */
  tags: Record<string, string> | undefined;
  lines: MultilineLine[];
  /** The combined value's bytes so far (each LF counted). */
  bytes: number;
  /** Refused already: its lines are taken and dropped until its end. */
  failed: boolean;
  /** A labeled BATCH start: its response is what the end brings. */
  answer: ((answer: () => void) => void) | null;
}

/**
 * A line the client sent while a batch of its own is open: taken here (true) when it belongs to the batch
 * (a line tagged with it), else left to the dispatcher. Any other command but PING and PONG (and BATCH,
 * which ends it) is one the spec forbids there: the batch fails, the command runs.
 */
export function takeBatchLine(client: IrcClient, message: IrcInput): boolean {
  const open = client.multiline as OpenBatch;
  const ref = message.tags.batch;
  if (ref === undefined) {
    const command = message.command;
    if (command === "BATCH" || command === "PING" || command === "PONG" || command === "") return false;
    if (!open.failed) fail(client, open, "MULTILINE_INVALID", [], "Incomplete multiline batch");
    return false;
  }
  if (open.failed) return ref === open.ref || message.command !== "BATCH";
  if (ref !== open.ref) {
    fail(client, open, "MULTILINE_INVALID", [], "Line of an unknown batch");
    return true;
  }
  if (message.bodyBytes > MAX_BODY_BYTES || message.tagBytes > MAX_CLIENT_TAG_BYTES) {
    client.refuse(InputError.LineTooLong, {});
    fail(client, open, "MULTILINE_INVALID", [], "Invalid multiline batch");
    return true;
  }
  const [target, text] = message.params;
  if (message.command !== "PRIVMSG" || target === undefined || text === undefined) {
    fail(client, open, "MULTILINE_INVALID", [], "Invalid multiline batch");
    return true;
  }
  if (fold(target) !== fold(open.target)) {
    fail(client, open, "MULTILINE_INVALID_TARGET", [open.target, target], "Invalid multiline target");
    return true;
  }
  const concat = message.tags[CONCAT_TAG] !== undefined;
  // A concatenation continues a line: never the first, never blank.
  if (concat && (open.lines.length === 0 || text === "")) {
    fail(client, open, "MULTILINE_INVALID", [], "Invalid multiline batch");
    return true;
  }
  if (open.lines.length >= MULTILINE_MAX_LINES) {
    fail(
      client,
      open,
      "MULTILINE_MAX_LINES",
      [String(MULTILINE_MAX_LINES)],
      "Multiline batch max-lines exceeded",
    );
    return true;
  }
  const bytes = open.bytes + utf8Length(text) + (open.lines.length > 0 && !concat ? 1 : 0);
  if (bytes > MULTILINE_MAX_BYTES) {
    fail(
      client,
      open,
      "MULTILINE_MAX_BYTES",
      [String(MULTILINE_MAX_BYTES)],
      "Multiline batch max-bytes exceeded",
    );
    return true;
  }
  open.bytes = bytes;
  open.lines.push(concat ? { text, concat: true } : { text });
  return true;
}

/** A line the client could not send (too long for the framer, not UTF-8): a batch open cannot be whole. */
export function batchLineLost(client: IrcClient): void {
  const open = client.multiline;
  if (open !== null && !open.failed) fail(client, open, "MULTILINE_INVALID", [], "Invalid multiline batch");
}

function fail(client: IrcClient, open: OpenBatch, code: string, params: string[], text: string): void {
  open.failed = true;
  open.lines = [];
  client.batching = false;
  client.standardReply("FAIL", "BATCH", code, ...params, text);
}

// BATCH +<ref> draft/multiline <target> | BATCH -<ref>   (client-initiated batches: IRCv3 draft/multiline)
function batch(client: IrcClient, params: string[], message: IrcInput): void {
  if (!client.has(Cap.Multiline)) {
    client.refuse(InputError.UnknownCommand, { command: "BATCH" });
    return;
  }
  const reference = params[0] as string;
  const sign = reference.charAt(0);
  const ref = reference.slice(1);
  if (sign === "+") start(client, ref, params, message);
  else if (sign === "-") end(client, ref);
  else client.standardReply("FAIL", "BATCH", "MULTILINE_INVALID", "Invalid batch reference");
}

function start(client: IrcClient, ref: string, params: string[], message: IrcInput): void {
  const open = client.multiline;
  if (open !== null) {
    if (!open.failed)
      client.standardReply("FAIL", "BATCH", "MULTILINE_INVALID", "Incomplete multiline batch");
    close(client, open, () => {});
  }
  const [, type, target] = params;
  if (!/^[A-Za-z0-9-]+$/.test(ref) || type !== MULTILINE_BATCH || target === undefined || target === "") {
    client.standardReply("FAIL", "BATCH", "MULTILINE_INVALID", "Invalid multiline batch");
    return;
  }
  let tags: Record<string, string> | undefined;
  for (const key in message.tags) {
    if (key.charCodeAt(0) !== 0x2b /* + */) continue;
    tags ??= {};
    tags[key] = message.tags[key] as string;
  }
  client.multiline = { ref, target, tags, lines: [], bytes: 0, failed: false, answer: null };
  client.batching = true;
  // A labeled start: answered when the batch ends (the echo, or what refused it).
  client.multiline.answer = client.laterIfLabeled();
}

function end(client: IrcClient, ref: string): void {
  const open = client.multiline;
  if (open === null || open.ref !== ref) {
    client.standardReply("FAIL", "BATCH", "MULTILINE_INVALID", "No such batch");
    return;
  }
  close(client, open, () => {
    if (open.failed) return;
    if (open.lines.length === 0 || open.lines.every((line) => line.text === "")) {
      client.standardReply("FAIL", "BATCH", "MULTILINE_INVALID", "Invalid multiline batch");
      return;
    }
    // Flood control: the batch went through as one; it costs a line per 512 bytes of its value.
    client.owed += Math.ceil(Math.max(open.bytes, 1) / (MAX_BODY_BYTES + 2)) - 1;
    send(client, open);
  });
}

/** The batch is over: run `then` (in its labeled response, if it has one). */
function close(client: IrcClient, open: OpenBatch, then: () => void): void {
  client.multiline = null;
  client.batching = false;
  if (open.answer) open.answer(then);
  else then();
}

function send(client: IrcClient, open: OpenBatch): void {
  const name = open.target;
  const registry = client.registry;
  const target = name.startsWith("#") ? registry.findRoom(name) : registry.findUser(name);
  if (!target) {
    client.refuse(name.startsWith("#") ? RoomError.NoSuchRoom : RoomError.NoSuchNick, {
      channel: name,
      nick: name,
    });
    return;
  }
  const text = combineLines(open.lines);
  const error = registry.message(client.user, target, text, "privmsg", open.tags, undefined, open.lines);
  if (error !== null) client.refuse(error, target instanceof Room ? { channel: name } : { nick: name });
}

export const multilineCommands: CommandTable = {
  BATCH: { handler: batch, beforeRegistration: false, minParams: 1 },
};

/** The capabilities that change a multiline batch's bytes: those of its first line's tags. */
const BATCH_TAG_CAPS = Cap.ServerTime | Cap.MessageTags | Cap.AccountTag;
/** Who gets a multiline message as a batch. */
const AS_BATCH = Cap.Multiline | Cap.Batch;

/**
 * A multiline message as written to IRC clients, built once per capability variant: a `draft/multiline`
 * batch (the message's tags on its start) for clients with the capability and `batch`; its lines one by
 * one for the others, blank lines left out, the msgid and client-only tags on the first only.
 */
export class MultilineLines {
  private readonly batches: Array<PreparedBatch | undefined> = [];
  private fallback: EventLine[] | null = null;
  private items: string[] | null = null;

  constructor(
    private readonly prefix: string,
    private readonly target: string,
    private readonly source: string,
    private readonly lines: readonly MultilineLine[],
    private readonly time: number,
    private readonly messageTags: string,
    private readonly from: Source,
  ) {}

  send(client: IrcClient): void {
    const caps = client.caps;
    if ((caps & AS_BATCH) === AS_BATCH) client.sendBatch(this.batch(caps));
    else for (const line of this.plain()) client.sendRaw(line.for(caps));
  }

  private batch(caps: number): PreparedBatch {
    const index = caps & BATCH_TAG_CAPS;
    let batch = this.batches[index];
    if (batch === undefined) {
      this.items ??= this.lines.map((line) =>
        encodeLine(withText(this.prefix, line.text), line.concat ? CONCAT_TAG : ""),
      );
      const ref = batchRef();
      const start = new EventLine(
        `:${this.source} BATCH +${ref} ${MULTILINE_BATCH} ${this.target}`,
        this.time,
        this.messageTags,
        this.from,
      );
      batch = prepareBatch(
        ref,
        start.for(caps).toString(),
        this.items,
        encodeLine(`:${this.source} BATCH -${ref}`),
      );
      this.batches[index] = batch;
    }
    return batch;
  }

  private plain(): EventLine[] {
    if (this.fallback === null) {
      this.fallback = [];
      for (const line of this.lines) {
        if (line.text === "") continue;
        const tags = this.fallback.length === 0 ? this.messageTags : "";
        this.fallback.push(new EventLine(withText(this.prefix, line.text), this.time, tags, this.from));
      }
    }
    return this.fallback;
  }
}
