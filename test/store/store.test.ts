// The store itself, over SQLite, memory and PostgreSQL: opening runs the migrations once (also when two
// nodes open one PostgreSQL at the same moment), SQLite is a WAL file in the data folder made at start, and a
// store that cannot be opened says which and why in one line.
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { type Insertable, sql } from "kysely";
import { openStore, SQLITE_FILE, StoreError } from "../../src/store/index.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import type { MessagesTable } from "../../src/store/schema.js";
import { sqliteStore, storeBackends } from "../support/stores.js";

const backends = await storeBackends();

/** One message as the history writes it. */
const ROW: Insertable<MessagesTable> = {
  msgid: "m1",
  target: "#a",
  kind: "privmsg",
  time: 1,
  sender: "a!a@h",
  account: null,
  text: "x",
  tags: null,
};

for (const backend of backends) {
  describe(`store over ${backend.name}`, { skip: backend.skip }, () => {
    it("runs every migration when it opens, and none again on the next open", async () => {
      const made = await backend.create("migrate");
      try {
        const first = await openStore(made.config);
        const applied = await first.db
          .selectFrom("kysely_migration" as never)
          .select(sql<string>`name`.as("name"))
          .execute();
        assert.deepEqual(
          applied.map((row) => row.name),
          Object.keys(MIGRATIONS),
        );
        await first.db.insertInto("messages").values(ROW).execute();
        await first.close();
        if (backend.name === "memory") return;
        const second = await openStore(made.config);
        const rows = await second.db.selectFrom("messages").select(["msgid", "time"]).execute();
        assert.deepEqual(rows, [{ msgid: "m1", time: 1 }]);
        await second.close();
      } finally {
        await made.remove();
      }
    });

    it("refuses a second message with the same msgid", async () => {
      const made = await backend.create("unique");
      const store = await openStore(made.config);
      try {
        const row = { ...ROW, msgid: "dup" };
        await store.db.insertInto("messages").values(row).execute();
        await assert.rejects(store.db.insertInto("messages").values(row).execute());
      } finally {
        await store.close();
        await made.remove();
      }
    });
  });
}

describe("store over PostgreSQL, several nodes", {
  skip: backends.find((b) => b.name === "postgres")?.skip,
}, () => {
  it("upgrades once when nodes open one database at the same moment", async () => {
    const backend = backends.find((b) => b.name === "postgres");
    assert.ok(backend);
    const made = await backend.create("race");
    try {
      const stores = await Promise.all([1, 2, 3].map(() => openStore(made.config)));
      const applied = await (stores[0] as (typeof stores)[0]).db
        .selectFrom("kysely_migration" as never)
        .select(sql<string>`name`.as("name"))
        .execute();
      assert.equal(applied.length, Object.keys(MIGRATIONS).length);
      for (const store of stores) await store.close();
    } finally {
      await made.remove();
    }
  });

  it("says why when the server does not answer, without the password", async () => {
    await assert.rejects(
      openStore({ store: "postgres://user:secret@127.0.0.1:1/none", dataDir: "." }),
      (err) => {
        assert.ok(err instanceof StoreError);
        assert.match(
          err.message,
          /^cannot open the store postgres:\/\/user:\*\*\*@127\.0\.0\.1:1\/none: .*ECONNREFUSED/,
        );
        assert.doesNotMatch(err.message, /secret/);
        return true;
      },
    );
  });
});

describe("store over SQLite, the file", () => {
  it("makes the data folder at start, and keeps the file in WAL mode", async () => {
    const made = sqliteStore();
    try {
      assert.equal(existsSync(made.config.dataDir), false);
      const store = await openStore(made.config);
      assert.equal(existsSync(join(made.config.dataDir, SQLITE_FILE)), true);
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      assert.deepEqual(mode.rows, [{ journal_mode: "wal" }]);
      await store.close();
    } finally {
      await made.remove();
    }
  });

  it("says why when the folder cannot be made", async () => {
    const made = sqliteStore();
    try {
      // A file where a folder must go.
      const file = join(made.config.dataDir, "..", "plain-file");
      writeFileSync(file, "");
      const dataDir = join(file, "data");
      await assert.rejects(openStore({ store: "sqlite", dataDir }), (err) => {
        assert.ok(err instanceof StoreError);
        assert.equal(err.message.startsWith(`cannot create the data folder ${dataDir}: `), true, err.message);
        assert.match(err.message, /ENOTDIR/);
        return true;
      });
    } finally {
      await made.remove();
    }
  });

  it("refuses a store it does not know", async () => {
    await assert.rejects(openStore({ store: "mysql://x", dataDir: "." }), /unknown store "mysql:\/\/x"/);
  });
});
