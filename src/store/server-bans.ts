// Server bans in the store: one row per kind and folded mask holding its last change (a ban set, or a ban
// lifted with the lift's stamp), written only when newer than the row's, so that nodes sharing a store and
// changes written out of order end with the change that won everywhere. Expired bans are deleted.
import { type Kysely, PostgresAdapter, type Selectable, type Transaction } from "kysely";
import type { Database, ServerBansTable } from "./schema.js";

export interface BanStamp {
  time: number;
  origin: string;
  id: string;
}

/** One change to a ban as the store takes it: a ban set (with its fields) or lifted. */
export type BanChange =
  | {
      lifted: false;
      kind: string;
      key: string;
      mask: string;
      reason: string;
      setBy: string;
      setAt: number;
      expiresAt: number | null;
      stamp: BanStamp;
    }
  | { lifted: true; kind: string; key: string; mask: string; stamp: BanStamp };

/** What the store holds of a mask: the ban in force, or the lift that ended it. */
export type StoredBan = BanChange;

export class ServerBanRows {
  private readonly postgres: boolean;

  constructor(
    private readonly db: Kysely<Database>,
    /** < 0 when `a` came first: the rooms' order of stamps. */
    private readonly compare: (a: BanStamp, b: BanStamp) => number,
  ) {
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  /** Every row: bans (those ended included; `expire` deletes them) and lifts. */
  async load(): Promise<StoredBan[]> {
    const rows = await this.db.selectFrom("server_bans").selectAll().orderBy("set_at").execute();
    return rows.map(toChange);
  }

  /** Write changes in one transaction, each only over an older one. */
  async write(changes: readonly BanChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const change of changes) await this.writeOne(trx, change);
    });
  }

  /** Delete the bans ended by `now` and lifts older than `liftsBefore`; how many rows went. */
  async expire(now: number, liftsBefore: number): Promise<number> {
    const ended = await this.db
      .deleteFrom("server_bans")
      .where((eb) =>
        eb.or([
          eb.and([eb("lifted", "=", 0), eb("expires_at", "is not", null), eb("expires_at", "<=", now)]),
          eb.and([eb("lifted", "=", 1), eb("stamp_time", "<", liftsBefore)]),
        ]),
      )
      .executeTakeFirst();
    return Number(ended.numDeletedRows);
  }

  private async writeOne(trx: Transaction<Database>, change: BanChange): Promise<void> {
    const values = toRow(change);
    const inserted = await trx
      .insertInto("server_bans")
      .values(values)
      .onConflict((oc) => oc.columns(["kind", "key"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return;
    // A row is there: replace it only with a later change. PostgreSQL locks it until the commit (another
    // node may write the same mask now); SQLite has one writer at a time anyway.
    let query = trx
      .selectFrom("server_bans")
      .select(["stamp_time", "stamp_origin", "stamp_id"])
      .where("kind", "=", change.kind)
      .where("key", "=", change.key);
    if (this.postgres) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    if (
      row &&
      this.compare(change.stamp, {
        time: Number(row.stamp_time),
        origin: row.stamp_origin,
        id: row.stamp_id,
      }) <= 0
    )
      return;
    await trx
      .updateTable("server_bans")
      .set(values)
      .where("kind", "=", change.kind)
      .where("key", "=", change.key)
      .execute();
  }
}

function toRow(change: BanChange): Selectable<ServerBansTable> {
  const set = change.lifted ? null : change;
  return {
    kind: change.kind,
    key: change.key,
    mask: change.mask,
    reason: set?.reason ?? "",
    set_by: set?.setBy ?? "",
    set_at: set?.setAt ?? change.stamp.time,
    expires_at: set?.expiresAt ?? null,
    lifted: change.lifted ? 1 : 0,
    stamp_time: change.stamp.time,
    stamp_origin: change.stamp.origin,
    stamp_id: change.stamp.id,
  };
}

function toChange(row: Selectable<ServerBansTable>): StoredBan {
  const stamp = { time: Number(row.stamp_time), origin: row.stamp_origin, id: row.stamp_id };
  if (Number(row.lifted) !== 0) return { lifted: true, kind: row.kind, key: row.key, mask: row.mask, stamp };
  return {
    lifted: false,
    kind: row.kind,
    key: row.key,
    mask: row.mask,
    reason: row.reason,
    setBy: row.set_by,
    setAt: Number(row.set_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    stamp,
  };
}
