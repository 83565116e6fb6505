// Read markers in the store: one row per account and target, its time written only when later than the
// row's, so that nodes sharing a store and markers written out of order end with the latest.
import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

export interface ReadMarkerRow {
  account: string;
  target: string;
  time: number;
}

export class ReadMarkerRows {
  constructor(private readonly db: Kysely<Database>) {}

  async load(): Promise<ReadMarkerRow[]> {
    const rows = await this.db.selectFrom("read_markers").selectAll().execute();
    return rows.map((row) => ({ account: row.account, target: row.target, time: Number(row.time) }));
  }

  /** Write markers in one transaction, each only over an earlier time. */
  async write(markers: readonly ReadMarkerRow[]): Promise<void> {
    if (markers.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const marker of markers)
        await trx
          .insertInto("read_markers")
          .values(marker)
          .onConflict((oc) =>
            oc
              .columns(["account", "target"])
              .doUpdateSet({ time: (eb) => eb.ref("excluded.time") })
              .where((eb) => eb("read_markers.time", "<", eb.ref("excluded.time"))),
          )
          .execute();
    });
  }
}
