// The history's SQLite writer thread: batches posted to it are committed in the store's file before their
// promise settles (read back at once through the rooms' own connection), a msgid written twice stays as
// first written, a file it cannot open fails each batch with the reason (the write queue retries them), and
// closing it ends the thread.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { History, type StoredMessage } from "../../src/store/history.js";
import { openStore, SQLITE_FILE } from "../../src/store/index.js";
import { SqliteWriter } from "../../src/store/sqlite-writer.js";
import { sqliteStore } from "../support/stores.js";

function message(n: number): StoredMessage {
  return {
    msgid: `w${n}`,
    target: "#w",
    kind: "privmsg",
    time: 1000 + n,
    sender: "u!u@host",
    account: n % 2 ? "acct" : null,
    text: `text ${n}`,
    tags: n === 3 ? { "+draft/reply": "x" } : null,
    recipient: null,
    parties: null,
  };
}

describe("the SQLite writer thread", () => {
  it("commits each batch before it settles, as the rooms' connection reads it", async () => {
    const made = sqliteStore();
    const store = await openStore(made.config);
    const writer = new SqliteWriter(join(made.config.dataDir, SQLITE_FILE));
    try {
      const history = new History(store.db, store.sqlite, writer);
      await history.append([1, 2, 3].map(message));
      assert.deepEqual(await history.latest("#w", null, 10), [1, 2, 3].map(message));
      await Promise.all([
        history.append([message(4)]),
        history.append([{ ...message(1), text: "again" }, message(5)]),
      ]);
      assert.deepEqual(
        (await history.latest("#w", null, 10)).map((m) => m.text),
        ["text 1", "text 2", "text 3", "text 4", "text 5"],
      );
    } finally {
      await writer.close();
      await store.close();
      await made.remove();
    }
  });

  it("fails each batch with the reason when it cannot open the file, and closes", async () => {
    const made = sqliteStore();
    mkdirSync(join(made.config.dataDir, "a-folder.sqlite"), { recursive: true });
    const writer = new SqliteWriter(join(made.config.dataDir, "a-folder.sqlite"));
    try {
      await assert.rejects(writer.append([message(1)]), /unable to open database file|directory/i);
      await assert.rejects(writer.append([message(2)]), /unable to open database file|directory/i);
    } finally {
      await writer.close();
      await made.remove();
    }
  });
});
