// The rooms' history: every PRIVMSG and NOTICE to a room, and between two logged-in accounts, written down
// after its delivery through a write queue (one transaction at most DURABILITY_WINDOW_MS after the message),
// pruned by age and per room (and conversation), and read back for CHATHISTORY and the replay on join. A node writes the messages it decided; with a store of
// its own (SQLite that no other node writes) it writes the others' too, so that its history is whole.
import type { Logger } from "pino";
import { conversationTarget, History, type StoredMessage } from "../store/history.js";
import type { Store } from "../store/index.js";
import { SqliteWriter } from "../store/sqlite-writer.js";
import { WriteQueue } from "../store/write-queue.js";
import { fold } from "./core/casemap.js";
import type { Clock, Timer } from "./core/clock.js";
import type { Source } from "./core/events.js";
import { concatOffsets, type MultilineLine, splitLines } from "./core/multiline.js";
import type { Operation } from "./core/operations.js";
import type { MessageRecorder } from "./core/registry.js";
import type { Room } from "./core/room.js";
import type { User } from "./core/user.js";

/** A message is in the store within this long of its delivery (README: the durability window). */
export const DURABILITY_WINDOW_MS = 50;
/** Messages that start a write at once, however young. */
const BATCH_ROWS = 500;
/** How often old messages and each written room's excess go. */
const SWEEP_MS = 60_000;
const DAY_MS = 86_400_000;

export interface HistoryOptions {
  /** Messages older than this many days go; 0 keeps them forever. */
  days: number;
  /** A room keeps at most this many messages; 0 for no cap. */
  perRoom: number;
  /** Messages are written down; false for `--store memory`, which keeps no history. */
  keeps: boolean;
  /** Other nodes write this store too: write only the messages decided here. */
  shared: boolean;
  /** The sender written for a message from the server itself. */
  serverName: string;
}

export class RoomHistory implements MessageRecorder {
  private readonly queue: WriteQueue<StoredMessage>;
  private history: History | null = null;
  private writer: SqliteWriter | null = null;
  /** Rooms written since the last sweep: only they can be over the cap. */
  private readonly written = new Set<string>();
  private sweeper: Timer | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(
    private readonly options: HistoryOptions,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.queue = new WriteQueue<StoredMessage>(
      (rows) => this.append(rows),
      clock,
      {
        failed: (err) => log.error({ err }, "history: cannot write to the store; retrying"),
        recovered: () => log.info("history: writing to the store again"),
        dropped: (count) =>
          log.warn("history: the store is unreachable: dropped %d unwritten messages", count),
      },
      { maxDelayMs: DURABILITY_WINDOW_MS, maxRows: BATCH_ROWS, maxPending: 100_000 },
    );
  }

  /** The store is open: history can be written and read. */
  open(store: Store): void {
    // A SQLite file is written from a thread of its own: the rooms' thread only posts the rows.
    this.writer = store.kind === "sqlite" && store.where !== "memory" ? new SqliteWriter(store.where) : null;
    this.history = new History(store.db, store.sqlite, this.writer);
    this.sweeper = this.clock.every(SWEEP_MS, () => void this.sweep());
    void this.sweep();
  }

  /**
   * Read the history (CHATHISTORY, the replay on join) with what waits in the queue written first, and the
   * redactions under way done, so that a reader sees every message delivered here before it asked and none
   * redacted before it asked.
   */
  async read<T>(query: (history: History) => Promise<T>): Promise<T> {
    if (!this.history) throw new Error("the store is not open");
    await this.queue.flush();
    await this.removing;
    return query(this.history);
  }

  /**
   * A redacted message goes from the history: once what waits in the queue (it may be there) is written.
   * Written by the node that decided the redaction on a shared store, by every node on stores of their own.
   */
  redact(op: Extract<Operation, { t: "redact" }>, room: Room, local: boolean): void {
    if (!this.options.keeps || (!local && this.options.shared)) return;
    const target = fold(room.name);
    const history = this.history;
    if (!history) return;
    this.removing = this.removing
      .then(() => this.queue.flush())
      .then(() => history.remove(target, op.msgid))
      .then(
        () => {},
        (err) => this.log.warn({ err, msgid: op.msgid }, "history: a redacted message could not be removed"),
      );
  }

  /** A room renamed: its history follows it, once what waits in the queue under the old name is written. */
  rename(oldName: string, newName: string, local: boolean): void {
    if (!this.options.keeps || (!local && this.options.shared)) return;
    const from = fold(oldName);
    const to = fold(newName);
    const history = this.history;
    if (!history || from === to) return;
    this.removing = this.removing
      .then(() => this.queue.flush())
      .then(() => history.retarget(from, to))
      .then(
        () => {},
        (err) => this.log.warn({ err, from, to }, "history: a renamed room's messages could not follow it"),
      );
  }

  /** Redactions and renames under way, one after another. */
  private removing: Promise<void> = Promise.resolve();

  message(
    op: Extract<Operation, { t: "message" }>,
    from: Source,
    room: Room | null,
    to: User | null,
    local: boolean,
  ): void {
    // TAGMSG carries no text.
    if (op.kind === "tagmsg" || !this.options.keeps) return;
    if (!local && this.options.shared) return;
    if (room === null) {
      // A message to one user is kept when both ends are logged in: only their accounts can read it back.
      if (!from?.account || !to?.account) return;
      const parties = [fold(from.account), fold(to.account)].sort() as [string, string];
      const kept = this.stored(op, op.kind, conversationTarget(parties[0], parties[1]), from);
      kept.recipient = to.nick;
      kept.parties = parties;
      this.queue.push(kept);
      return;
    }
    this.queue.push(this.stored(op, op.kind, room.key, from));
  }

  /** The message as the store keeps it, under `target` (noted as written to). */
  private stored(
    op: Extract<Operation, { t: "message" }>,
    kind: StoredMessage["kind"],
    target: string,
    from: Source,
  ): StoredMessage {
    this.written.add(target);
    return {
      msgid: op.id,
      target,
      kind,
      time: op.time,
      sender: from ? from.mask : this.options.serverName,
      account: from?.account ?? null,
      text: op.text,
      tags: op.lines ? multilineTags(op.tags, op.lines) : (op.tags ?? null),
    };
  }

  /** Write what waits (tests, shutdown). */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  async close(): Promise<void> {
    this.sweeper?.cancel();
    await this.sweeping;
    await this.removing;
    await this.queue.close();
    await this.writer?.close();
  }

  private async append(rows: StoredMessage[]): Promise<void> {
    if (!this.history) throw new Error("the store is not open");
    await this.history.append(rows);
  }

  /** Retention: what is older than --history-days, and each written room's excess over its cap. */
  private sweep(): Promise<void> {
    if (this.sweeping || !this.history) return this.sweeping ?? Promise.resolve();
    const history = this.history;
    const { days, perRoom } = this.options;
    const rooms = perRoom > 0 ? [...this.written] : [];
    this.written.clear();
    const olderThan = days > 0 ? this.clock.now() - days * DAY_MS : null;
    this.sweeping = history
      .prune(olderThan, perRoom, rooms)
      .then((deleted) => {
        if (deleted > 0) this.log.info("history: pruned %d messages", deleted);
      })
      .catch((err) => this.log.warn({ err }, "history: pruning failed"))
      .finally(() => {
        this.sweeping = null;
      });
    return this.sweeping;
  }
}

/**
 * A multiline message is kept as one row, its combined text with the LFs that join its lines; where lines
 * were concatenated, the offsets go with its tags as `draft/multiline-concat` (no client tag has a name
 * without '+'), so that the lines come back as they were sent.
 */
export const CONCAT_OFFSETS = "draft/multiline-concat";

function multilineTags(
  tags: Readonly<Record<string, string>> | undefined,
  lines: readonly MultilineLine[],
): Record<string, string> | null {
  const offsets = concatOffsets(lines);
  if (offsets === "") return tags ? { ...tags } : null;
  return { ...tags, [CONCAT_OFFSETS]: offsets };
}

/** The lines of a stored message: several for a multiline message, null for one line. */
export function storedLines(message: StoredMessage): MultilineLine[] | null {
  const offsets = message.tags?.[CONCAT_OFFSETS];
  if (offsets === undefined && !message.text.includes("\n")) return null;
  return splitLines(message.text, offsets ?? "");
}
