#!/usr/bin/env node
// The functions with the most self time in a V8 .cpuprofile (`node --cpu-prof`), as a table.
// Usage: node bench/profile-top.mjs <file.cpuprofile> [count]   (run `npm run build` first)
import { readProfile, topSelfTime } from "../dist/bench/profile.js";

const [file, count = "20"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/profile-top.mjs <file.cpuprofile> [count]");
  process.exit(64);
}
for (const row of topSelfTime(readProfile(file), Number(count)))
  console.log(
    `${row.selfPct.toFixed(1).padStart(5)}%  ${String(row.selfMs).padStart(6)} ms  ${row.function}  ${row.where}`,
  );
