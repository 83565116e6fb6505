// CHATHISTORY LATEST of 100 lines with a million stored messages: the store's query, timed alone.
// Fills a fresh store with 1,000,000 messages in 100 rooms (10,000 each, as --history-per-room keeps), then
// times History.latest(room, null, 100) on rooms picked at random, and prints the median and p99 of each
// run. The history's own query, without the IRC connection around it.
//
//   node --import tsx bench/chathistory-latest.ts [--store sqlite|postgres://…] [--runs 5] [--queries 500]
//
// SQLite lives in a temporary folder, removed at the end; a PostgreSQL URL gets a schema of its own,
// dropped at the end.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { History, type StoredMessage } from "../src/store/history.js";
import { openStore } from "../src/store/index.js";

const { values } = parseArgs({
  options: {
    store: { type: "string", default: "sqlite" },
    runs: { type: "string", default: "5" },
    queries: { type: "string", default: "500" },
    messages: { type: "string", default: "1000000" },
  },
});
const TOTAL = Number(values.messages);
const ROOMS = 100;
const RUNS = Number(values.runs);
const QUERIES = Number(values.queries);

const folder = mkdtempSync(join(tmpdir(), "tcpchat-bench-history-"));
let url = values.store;
let dropSchema: (() => Promise<void>) | null = null;
if (url.startsWith("postgres")) {
  const schema = `tcpchat_bench_${randomBytes(4).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: values.store });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await admin(`create schema ${schema}`);
  dropSchema = () => admin(`drop schema ${schema} cascade`);
  const u = new URL(url);
  u.searchParams.set("options", `-c search_path=${schema}`);
  url = u.toString();
}

const store = await openStore({ store: url, dataDir: folder });
try {
  const history = new History(store.db);
  const start = Date.UTC(2026, 0, 1);
  const fill = performance.now();
  const BATCH = 5000;
  for (let i = 0; i < TOTAL; i += BATCH) {
    const rows: StoredMessage[] = [];
    for (let j = i; j < Math.min(TOTAL, i + BATCH); j++) {
      rows.push({
        msgid: `bench-${j}`,
        target: `#room${j % ROOMS}`,
        kind: "privmsg",
        time: start + j * 10,
        sender: `user${j % 997}!user@127.0.0.1`,
        account: null,
        text: `message ${j} ${"x".repeat(40 + (j % 60))}`,
        tags: null,
      });
    }
    await history.append(rows);
  }
  console.log(
    `${store.kind}: ${TOTAL} messages in ${ROOMS} rooms written in ${((performance.now() - fill) / 1000).toFixed(1)} s`,
  );
  for (let run = 1; run <= RUNS; run++) {
    const times: number[] = [];
    for (let q = 0; q < QUERIES; q++) {
      const room = `#room${Math.floor(Math.random() * ROOMS)}`;
      const t0 = performance.now();
      const rows = await history.latest(room, null, 100);
      times.push(performance.now() - t0);
      if (rows.length !== 100) throw new Error(`expected 100 lines, got ${rows.length}`);
    }
    times.sort((a, b) => a - b);
    const at = (p: number) =>
      (times[Math.min(times.length - 1, Math.floor(p * times.length))] as number).toFixed(3);
    console.log(`run ${run}: LATEST 100 of ${QUERIES} queries: median ${at(0.5)} ms, p99 ${at(0.99)} ms`);
  }
} finally {
  await store.close();
  await dropSchema?.();
  rmSync(folder, { recursive: true, force: true });
}
