// What writing the history costs the thread that owns the rooms: CPU µs per message of History.append on
// SQLite (a file in a temporary folder, WAL, as `--store sqlite` opens it), in batches of the write queue's
// size, through Kysely's query built for each batch (`kysely`) and through the statement prepared once
// (`prepared`, what the server's writer thread runs), and what the rooms' thread keeps once the writes are on
// that thread: copying each batch to it (`posting`, the structured clone postMessage makes). Interleaved runs,
// median of each; CPU time of the process (process.cpuUsage), so other work on the machine weighs little.
//
//   node --import tsx bench/history-append.ts [--runs 5] [--batches 200] [--batch 500]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { History, type StoredMessage } from "../src/store/history.js";
import { openStore } from "../src/store/index.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    batches: { type: "string", default: "200" },
    batch: { type: "string", default: "500" },
  },
});
const RUNS = Number(values.runs);
const BATCHES = Number(values.batches);
const BATCH = Number(values.batch);

const folder = mkdtempSync(join(tmpdir(), "tcpchat-bench-append-"));
const store = await openStore({ store: "sqlite", dataDir: folder });
const ways = { kysely: new History(store.db), prepared: new History(store.db, store.sqlite) };
let next = 0;

/** One batch as the rooms write it: ten rooms, a line of chat each. */
function batch(): StoredMessage[] {
  const rows: StoredMessage[] = [];
  for (let i = 0; i < BATCH; i++, next++)
    rows.push({
      msgid: `m${next.toString(36)}x${"a".repeat(8)}`,
      target: `#room${next % 10}`,
      kind: "privmsg",
      time: Date.UTC(2026, 0, 1) + next,
      sender: `user${next % 100}!user${next % 100}@127.0.0.1`,
      account: null,
      text: `message ${next} of the fan-out, as long as a line of chat`,
      tags: null,
    });
  return rows;
}

try {
  const results: Record<string, number[]> = { kysely: [], prepared: [], posting: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const [name, history] of Object.entries(ways)) {
      const batches = Array.from({ length: BATCHES }, batch);
      const before = process.cpuUsage();
      for (const rows of batches) await history.append(rows);
      const used = process.cpuUsage(before);
      const us = (used.user + used.system) / (BATCHES * BATCH);
      (results[name] as number[]).push(us);
      console.log(`run ${run + 1} ${name}: ${us.toFixed(2)} µs CPU per message`);
    }
    {
      const batches = Array.from({ length: BATCHES }, batch);
      const before = process.cpuUsage();
      for (const rows of batches) structuredClone(rows);
      const used = process.cpuUsage(before);
      const us = (used.user + used.system) / (BATCHES * BATCH);
      (results.posting as number[]).push(us);
      console.log(`run ${run + 1} posting: ${us.toFixed(2)} µs CPU per message`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  for (const [name, xs] of Object.entries(results))
    console.log(`${name}: median ${median(xs).toFixed(2)} µs CPU per message over ${RUNS} runs`);
} finally {
  await store.close();
  rmSync(folder, { recursive: true, force: true });
}
