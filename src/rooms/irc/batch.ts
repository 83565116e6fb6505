// Batches (IRCv3 `batch`) and labeled responses (IRCv3 `labeled-response`). While a labeled command runs,
// or a batch is open, the lines its client is sent are held here instead of written; when the command ends
// they are written at once: labeled, and grouped in a batch when there is more than one line. Any command
// opens a batch of its own with `IrcClient.batch` (a CHATHISTORY reply, a WHO list); a batch opened inside
// another, or inside a labeled response, is nested in it as the batch specification says.
import { encodeLine, escapeTagValue } from "../../protocol/irc/message.js";

/** A label's value may not exceed 64 bytes (labeled-response); a longer or empty one is not a label. */
export const MAX_LABEL_BYTES = 64;

let lastRef = 0;

/** A new batch reference: ASCII letters and digits, never the same twice in this process. */
export function batchRef(): string {
  lastRef += 1;
  return `b${lastRef.toString(36)}`;
}

/** A batch held until it ends: its start and end lines, and what it holds. */
export interface HeldBatch {
  ref: string;
  /** `BATCH +ref type params`, encoded without tags. */
  start: string;
  /** `BATCH -ref`, encoded without tags. */
  end: string;
  items: Held[];
}

/**
 * A batch built once for many clients (a multiline message): all of it as written on its own, and as held
 * for a client whose lines are held (a labeled echo, a nested batch).
 */
export interface PreparedBatch {
  wire: Buffer;
  held: HeldBatch;
}

/** A batch of encoded lines (each with its CR LF, without a batch tag), ready to write or hold. */
export function prepareBatch(
  ref: string,
  start: string,
  items: readonly string[],
  end: string,
): PreparedBatch {
  const held: HeldBatch = { ref, start, end, items: [...items] };
  return { wire: Buffer.from(start + serialize(held.items, ref) + end), held };
}

/** An encoded line (with CR LF, its tags but no batch tag), or a nested batch. */
type Held = string | HeldBatch;

/** Lines held for one client: a labeled response, a burst to write in one piece, or an open batch. */
export class HeldOutput {
  readonly items: Held[];
  /** The response is answered later (`IrcClient.later`): its end does not write it yet. */
  deferred = false;
  /** Written already (the connection closed in the middle of it). */
  done = false;

  constructor(
    /** The output this batch is nested in; null for the outermost. */
    readonly parent: HeldOutput | null,
    /** The client's label (unescaped), for a labeled response; null otherwise. */
    readonly label: string | null,
    /** The batch this output fills, for an open batch. */
    readonly batch: HeldBatch | null = null,
  ) {
    this.items = batch ? batch.items : [];
  }

  /** Open a batch nested in this output; `close` it to put it in its place here. */
  open(server: string, type: string, params: readonly string[]): HeldOutput {
    const ref = batchRef();
    const tail = params.length > 0 ? ` ${params.join(" ")}` : "";
    const batch: HeldBatch = {
      ref,
      start: encodeLine(`:${server} BATCH +${ref} ${type}${tail}`),
      end: encodeLine(`:${server} BATCH -${ref}`),
      items: [],
    };
    return new HeldOutput(this, null, batch);
  }

  /** The batch this output filled, put in its place in the parent. */
  close(): void {
    if (this.parent && this.batch) this.parent.items.push(this.batch);
  }

  /** The outermost output, where the lines end up. */
  get root(): HeldOutput {
    let output: HeldOutput = this;
    while (output.parent) output = output.parent;
    return output;
  }

  /**
   * Everything held, as written: unlabeled lines as they are; a labeled response as one labeled line, the
   * labeled start of the one batch it is, a `labeled-response` batch of all its lines, or `ACK` for none.
   */
  text(server: string): string {
    const { items, label } = this;
    if (label === null) return serialize(items, null);
    const tag = `label=${escapeTagValue(label)}`;
    if (items.length === 0) return encodeLine(`:${server} ACK`, tag);
    const only = items.length === 1 ? (items[0] as Held) : null;
    if (typeof only === "string") return withTag(only, tag);
    if (only !== null) return withTag(only.start, tag) + serialize(only.items, only.ref) + only.end;
    const ref = batchRef();
    return (
      encodeLine(`:${server} BATCH +${ref} labeled-response`, tag) +
      serialize(items, ref) +
      encodeLine(`:${server} BATCH -${ref}`)
    );
  }
}

/** Held lines as written, each tagged `batch=<ref>` when they are in batch `ref`. */
function serialize(items: readonly Held[], ref: string | null): string {
  const tag = ref === null ? null : `batch=${ref}`;
  let out = "";
  for (const item of items) {
    if (typeof item === "string") out += tag === null ? item : withTag(item, tag);
    else {
      out += tag === null ? item.start : withTag(item.start, tag);
      out += serialize(item.items, item.ref);
      out += tag === null ? item.end : withTag(item.end, tag);
    }
  }
  return out;
}

/** An encoded line with one more tag, first among its tags. */
export function withTag(line: string, tag: string): string {
  return line.charCodeAt(0) === 0x40 /* @ */ ? `@${tag};${line.slice(1)}` : `@${tag} ${line}`;
}
