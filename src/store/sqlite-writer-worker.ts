// The history's SQLite writer thread: its own connection to the store's file (WAL: the rooms' thread reads
// beside it), one insert statement prepared once, and each batch the rooms' thread posts written in one
// transaction, then acknowledged. See sqlite-writer.ts.
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import type { StoredMessage } from "./history.js";
import { sqliteInserter } from "./history.js";

export interface WriterRequest {
  id: number;
  rows: readonly StoredMessage[];
}

export interface WriterReply {
  id: number;
  /** Why the batch was not written; absent when it was. */
  error?: string;
}

const port = parentPort;
if (!port) throw new Error("the SQLite writer runs in a worker thread");
let insertAll: ((rows: readonly StoredMessage[]) => void) | null = null;
let failure: string | null = null;
try {
  const db = new BetterSqlite3((workerData as { file: string }).file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  insertAll = sqliteInserter(db);
} catch (err) {
  failure = (err as Error).message || String(err);
}

port.on("message", (request: WriterRequest) => {
  let reply: WriterReply = { id: request.id };
  if (!insertAll) reply.error = failure ?? "the writer did not open the store";
  else
    try {
      insertAll(request.rows);
    } catch (err) {
      reply = { id: request.id, error: (err as Error).message || String(err) };
    }
  port.postMessage(reply);
});
