// A room's history in the store: append messages in one transaction, and read them around a point in time
// or a message, in the one order every query shares (time, then insertion). The queries behind IRCv3
// CHATHISTORY and the replay on join; they know rooms only by folded name, and a conversation between two
// accounts by its target (`conversationTarget`).
import type BetterSqlite3 from "better-sqlite3";
import type { ExpressionBuilder, Kysely, Selectable, SelectQueryBuilder } from "kysely";
import type { Database, MessagesTable } from "./schema.js";

export type MessageKindStored = "privmsg" | "notice";

export interface StoredMessage {
  msgid: string;
  /** The room's folded name. */
  target: string;
  kind: MessageKindStored;
  /** Milliseconds since the epoch: the message's server-time. */
  time: number;
  /** `nick!user@host` of the sender when it spoke. */
  sender: string;
  account: string | null;
  text: string;
  /** Client-only tags (`+draft/reply`), or null. */
  tags: Readonly<Record<string, string>> | null;
  /** A private message: the nick it was sent to, as the sender wrote it; null (or absent) for a room's. */
  recipient?: string | null;
  /** A private message between two accounts: their folded names, in order; null (or absent) for a room's. */
  parties?: readonly [string, string] | null;
}

/** The target under which a conversation between two accounts (folded names) is kept: both, in order. */
export function conversationTarget(a: string, b: string): string {
  return a <= b ? `${a} ${b}` : `${b} ${a}`;
}

/** The other end of a conversation kept under `target`, for `account` (folded); null for a room. */
export function conversationPartner(target: string, account: string): string | null {
  const space = target.indexOf(" ");
  if (space === -1) return null;
  const a = target.slice(0, space);
  return a === account ? target.slice(space + 1) : a;
}

/** A point in a room's history: a moment, or a message by its msgid. */
export type HistoryRef = { time: number } | { msgid: string };

/** Where a ref falls in the (time, id) order; `id` null for a moment (before or after every id in it). */
interface Position {
  time: number;
  id: number | null;
}

/** Rows in one INSERT: far below SQLite's 32,766 bound parameters at 9 a row. */
const INSERT_CHUNK = 500;

type MessagesQuery = SelectQueryBuilder<Database, "messages", object>;

/** The SQLite statement of `append`: one row, prepared once, run for each message of a transaction. */
const INSERT_SQL =
  "insert into messages (msgid, target, kind, time, sender, account, text, tags, recipient, party_a, party_b) " +
  "values (@msgid, @target, @kind, @time, @sender, @account, @text, @tags, @recipient, @party_a, @party_b) " +
  "on conflict (msgid) do nothing";

/** A message as the messages table stores it (less the insertion id). */
export function messageRow(m: StoredMessage) {
  return {
    msgid: m.msgid,
    target: m.target,
    kind: m.kind,
    time: m.time,
    sender: m.sender,
    account: m.account,
    text: m.text,
    tags: m.tags ? JSON.stringify(m.tags) : null,
    recipient: m.recipient ?? null,
    party_a: m.parties ? m.parties[0] : null,
    party_b: m.parties ? m.parties[1] : null,
  };
}

/**
 * SQLite: writes a batch in one transaction through one statement prepared here, once (no query to build,
 * compile and prepare again for every batch). Used on the rooms' thread and by the writer thread.
 */
export function sqliteInserter(sqlite: BetterSqlite3.Database): (messages: readonly StoredMessage[]) => void {
  const insert = sqlite.prepare(INSERT_SQL);
  return sqlite.transaction((messages: readonly StoredMessage[]) => {
    for (const m of messages) insert.run(messageRow(m));
  });
}

export class History {
  /** SQLite: the connection under `db`, and `append`'s transaction over one prepared statement. */
  private readonly sqlite: BetterSqlite3.Database | null;
  private readonly insertAll: ((messages: readonly StoredMessage[]) => void) | null;

  /**
   * `sqlite`: the better-sqlite3 connection under `db`, when it is SQLite. Appends then run one prepared
   * statement per row in one transaction: no query to build, compile and prepare again for every batch.
   */
  constructor(
    private readonly db: Kysely<Database>,
    sqlite: BetterSqlite3.Database | null = null,
    /** Writes `append`'s messages elsewhere (SQLite's writer thread); null to write them here. */
    private readonly writer: { append(messages: readonly StoredMessage[]): Promise<void> } | null = null,
  ) {
    this.sqlite = sqlite;
    this.insertAll = sqlite === null ? null : sqliteInserter(sqlite);
  }

  /** Write messages in one transaction; a msgid already stored (another writer's) is left as it is. */
  async append(messages: readonly StoredMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (this.writer) return this.writer.append(messages);
    // Not inside another writer's open transaction on the same connection (its rows would be in it).
    if (this.insertAll && this.sqlite?.inTransaction === false) {
      this.insertAll(messages);
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < messages.length; i += INSERT_CHUNK) {
        const rows = messages.slice(i, i + INSERT_CHUNK).map(messageRow);
        await trx
          .insertInto("messages")
          .values(rows)
          .onConflict((oc) => oc.column("msgid").doNothing())
          .execute();
      }
    });
  }

  /** The last `limit` messages, only those after `after` when it is given; oldest first. */
  async latest(target: string, after: HistoryRef | null, limit: number): Promise<StoredMessage[]> {
    let query = this.room(target);
    if (after !== null) {
      const from = await this.position(target, after);
      if (from === null) return [];
      query = query.where((eb) => beyond(eb, ">", from));
    }
    return this.newest(query, limit);
  }

  /** Up to `limit` messages just before `ref` (excluded); oldest first. */
  async before(target: string, ref: HistoryRef, limit: number): Promise<StoredMessage[]> {
    const at = await this.position(target, ref);
    if (at === null) return [];
    return this.newest(
      this.room(target).where((eb) => beyond(eb, "<", at)),
      limit,
    );
  }

  /** Up to `limit` messages just after `ref` (excluded); oldest first. */
  async after(target: string, ref: HistoryRef, limit: number): Promise<StoredMessage[]> {
    const at = await this.position(target, ref);
    if (at === null) return [];
    return this.oldest(
      this.room(target).where((eb) => beyond(eb, ">", at)),
      limit,
    );
  }

  /**
   * Up to `limit` messages around `ref`: half of them before it, the rest from it on (the message itself
   * included when `ref` is a msgid); oldest first.
   */
  async around(target: string, ref: HistoryRef, limit: number): Promise<StoredMessage[]> {
    const at = await this.position(target, ref);
    if (at === null) return [];
    const earlier = await this.newest(
      this.room(target).where((eb) => beyond(eb, "<", at)),
      Math.floor(limit / 2),
    );
    const later = await this.oldest(
      this.room(target).where((eb) => beyond(eb, ">=", at)),
      limit - earlier.length,
    );
    return [...earlier, ...later];
  }

  /**
   * Up to `limit` messages strictly between `from` and `to`, which may be given in either order: the ones
   * nearest `from`; oldest first.
   */
  async between(target: string, from: HistoryRef, to: HistoryRef, limit: number): Promise<StoredMessage[]> {
    const a = await this.position(target, from);
    const b = await this.position(target, to);
    if (a === null || b === null) return [];
    if (comparePositions(a, b) <= 0) {
      return this.oldest(
        this.room(target).where((eb) => eb.and([beyond(eb, ">", a), beyond(eb, "<", b)])),
        limit,
      );
    }
    return this.newest(
      this.room(target).where((eb) => eb.and([beyond(eb, "<", a), beyond(eb, ">", b)])),
      limit,
    );
  }

  /**
   * Of `targets` and the conversations of `account` (folded), those with a message strictly between two
   * moments (in either order), each with the time of its latest there; the least recent first, at most
   * `limit`.
   */
  async targets(
    targets: readonly string[],
    from: number,
    to: number,
    limit: number,
    account: string | null = null,
  ): Promise<Array<{ target: string; time: number }>> {
    if ((targets.length === 0 && account === null) || limit <= 0) return [];
    const rows = await this.db
      .selectFrom("messages")
      .select((eb) => ["target", eb.fn.max("time").as("latest")])
      .where((eb) => {
        const which = [];
        if (targets.length > 0) which.push(eb("target", "in", [...targets]));
        if (account !== null) which.push(eb("party_a", "=", account), eb("party_b", "=", account));
        return eb.or(which);
      })
      .where("time", ">", Math.min(from, to))
      .where("time", "<", Math.max(from, to))
      .groupBy("target")
      .orderBy("latest")
      .orderBy("target")
      .limit(limit)
      .execute();
    return rows.map((row) => ({ target: row.target, time: Number(row.latest) }));
  }

  /**
   * Retention: delete what is older than `olderThan` (when given) everywhere, and in each of `rooms` all but
   * its `perRoom` newest. Returns how many messages went.
   */
  async prune(olderThan: number | null, perRoom: number, rooms: Iterable<string>): Promise<number> {
    let deleted = 0;
    if (olderThan !== null) {
      const old = await this.db.deleteFrom("messages").where("time", "<", olderThan).executeTakeFirst();
      deleted += Number(old.numDeletedRows);
    }
    for (const target of rooms) {
      const cut = await this.room(target)
        .select(["time", "id"])
        .orderBy("time", "desc")
        .orderBy("id", "desc")
        .offset(perRoom)
        .limit(1)
        .executeTakeFirst();
      if (!cut) continue;
      const at = { time: Number(cut.time), id: Number(cut.id) };
      const over = await this.db
        .deleteFrom("messages")
        .where("target", "=", target)
        .where((eb) =>
          eb.or([eb("time", "<", at.time), eb.and([eb("time", "=", at.time), eb("id", "<=", at.id)])]),
        )
        .executeTakeFirst();
      deleted += Number(over.numDeletedRows);
    }
    return deleted;
  }

  /** Drop one message of a room (redacted); false when it had none by that msgid. */
  async remove(target: string, msgid: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("messages")
      .where("target", "=", target)
      .where("msgid", "=", msgid)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** A room renamed: its messages are the new name's. */
  async retarget(from: string, to: string): Promise<void> {
    await this.db.updateTable("messages").set({ target: to }).where("target", "=", from).execute();
  }

  /** How many messages a room has kept (tests, the bench). */
  async count(target: string): Promise<number> {
    const row = await this.room(target)
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private room(target: string): MessagesQuery {
    return this.db.selectFrom("messages").where("target", "=", target);
  }

  /** Where a ref falls in a room; null for a msgid the room does not have. */
  private async position(target: string, ref: HistoryRef): Promise<Position | null> {
    if ("time" in ref) return { time: ref.time, id: null };
    const row = await this.room(target)
      .select(["time", "id"])
      .where("msgid", "=", ref.msgid)
      .executeTakeFirst();
    return row ? { time: Number(row.time), id: Number(row.id) } : null;
  }

  private async newest(query: MessagesQuery, limit: number): Promise<StoredMessage[]> {
    if (limit <= 0) return [];
    const rows = await query.selectAll().orderBy("time", "desc").orderBy("id", "desc").limit(limit).execute();
    return rows.reverse().map(toMessage);
  }

  private async oldest(query: MessagesQuery, limit: number): Promise<StoredMessage[]> {
    if (limit <= 0) return [];
    const rows = await query.selectAll().orderBy("time").orderBy("id").limit(limit).execute();
    return rows.map(toMessage);
  }
}

/**
 * Rows on one side of a position. A moment's position has no id: `<` and `>` exclude the whole
 * millisecond; `>=` includes it.
 */
function beyond(eb: ExpressionBuilder<Database, "messages">, op: "<" | ">" | ">=", at: Position) {
  if (at.id === null) return eb("time", op, at.time);
  const strict = op === "<" ? "<" : ">";
  return eb.or([eb("time", strict, at.time), eb.and([eb("time", "=", at.time), eb("id", op, at.id)])]);
}

function comparePositions(a: Position, b: Position): number {
  if (a.time !== b.time) return a.time - b.time;
  return (a.id ?? 0) - (b.id ?? 0);
}

/** A row as read back: every column but the insertion id. */
function toMessage(row: Omit<Selectable<MessagesTable>, "id">): StoredMessage {
  return {
    msgid: row.msgid,
    target: row.target,
    kind: row.kind === "notice" ? "notice" : "privmsg",
    time: Number(row.time),
    sender: row.sender,
    account: row.account,
    text: row.text,
    tags: row.tags ? (JSON.parse(row.tags) as Record<string, string>) : null,
    recipient: row.recipient,
    parties: row.party_a !== null && row.party_b !== null ? [row.party_a, row.party_b] : null,
  };
}
