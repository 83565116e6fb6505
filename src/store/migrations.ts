// The store's schema, version by version. Migrations run in name order at start-up (Kysely's Migrator, with
// its lock, so nodes starting at once upgrade a shared PostgreSQL once); a migration once released is never
// edited: a change is a new migration with the next number.
import { type Kysely, type Migration, PostgresAdapter } from "kysely";

/** SQLite's and PostgreSQL's spelling of an auto-numbered 64-bit key. */
function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  "0001_messages": {
    async up(db) {
      await db.schema
        .createTable("messages")
        .addColumn("id", isPostgres(db) ? "bigserial" : "integer", (c) =>
          isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn("msgid", "text", (c) => c.notNull().unique())
        .addColumn("target", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("time", "bigint", (c) => c.notNull())
        .addColumn("sender", "text", (c) => c.notNull())
        .addColumn("account", "text")
        .addColumn("text", "text", (c) => c.notNull())
        .addColumn("tags", "text")
        .execute();
      // CHATHISTORY reads one room in (time, id) order from either end.
      await db.schema
        .createIndex("messages_target_time")
        .on("messages")
        .columns(["target", "time", "id"])
        .execute();
      // Retention deletes by age across every room.
      await db.schema.createIndex("messages_time").on("messages").column("time").execute();
    },
  },
  "0003_server_bans": {
    async up(db) {
      await db.schema
        .createTable("server_bans")
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("mask", "text", (c) => c.notNull())
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("set_by", "text", (c) => c.notNull())
        .addColumn("set_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint")
        .addColumn("lifted", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("stamp_time", "bigint", (c) => c.notNull())
        .addColumn("stamp_origin", "text", (c) => c.notNull())
        .addColumn("stamp_id", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("server_bans_pk", ["kind", "key"])
        .execute();
    },
  },
  "0004_direct_messages": {
    async up(db) {
      // One column a statement: SQLite adds no more at once.
      for (const column of ["recipient", "party_a", "party_b"])
        await db.schema.alterTable("messages").addColumn(column, "text").execute();
      // CHATHISTORY TARGETS finds an account's conversations by either end.
      await db.schema.createIndex("messages_party_a").on("messages").columns(["party_a", "time"]).execute();
      await db.schema.createIndex("messages_party_b").on("messages").columns(["party_b", "time"]).execute();
    },
  },
  "0005_accounts_channels": {
    async up(db) {
      await db.schema
        .createTable("accounts")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("email", "text")
        .addColumn("password_hash", "text", (c) => c.notNull())
        .addColumn("scram_salt", "text", (c) => c.notNull())
        .addColumn("scram_iterations", "integer", (c) => c.notNull())
        .addColumn("scram_stored_key", "text", (c) => c.notNull())
        .addColumn("scram_server_key", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("account_certificates")
        .addColumn("fingerprint", "text", (c) => c.primaryKey())
        .addColumn("account", "text", (c) => c.notNull())
        .addColumn("added_at", "bigint", (c) => c.notNull())
        .execute();
      // CERT LIST and dropping an account find its certificates.
      await db.schema
        .createIndex("account_certificates_account")
        .on("account_certificates")
        .column("account")
        .execute();
      await db.schema
        .createTable("channels")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("founder", "text", (c) => c.notNull())
        .addColumn("registered_at", "bigint", (c) => c.notNull())
        .addColumn("topic", "text")
        .addColumn("topic_set_by", "text")
        .addColumn("topic_set_at", "bigint")
        .addColumn("invite_only", "integer", (c) => c.notNull())
        .addColumn("moderated", "integer", (c) => c.notNull())
        .addColumn("no_external", "integer", (c) => c.notNull())
        .addColumn("secret", "integer", (c) => c.notNull())
        .addColumn("topic_locked", "integer", (c) => c.notNull())
        .addColumn("join_key", "text")
        .addColumn("member_limit", "integer")
        .execute();
      await db.schema
        .createTable("channel_masks")
        .addColumn("channel", "text", (c) => c.notNull())
        .addColumn("list", "text", (c) => c.notNull())
        .addColumn("position", "integer", (c) => c.notNull())
        .addColumn("mask", "text", (c) => c.notNull())
        .addColumn("set_by", "text", (c) => c.notNull())
        .addColumn("set_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("channel_masks_pk", ["channel", "list", "position"])
        .execute();
    },
  },
  "0006_read_markers": {
    async up(db) {
      await db.schema
        .createTable("read_markers")
        .addColumn("account", "text", (c) => c.notNull())
        .addColumn("target", "text", (c) => c.notNull())
        .addColumn("time", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("read_markers_pk", ["account", "target"])
        .execute();
    },
  },
};
