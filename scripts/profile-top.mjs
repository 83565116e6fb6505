#!/usr/bin/env node
// The functions with the most self time in a V8 .cpuprofile (from `node --cpu-prof`), as a table.
// Usage: node scripts/profile-top.mjs <file.cpuprofile> [count]
import { readFileSync } from "node:fs";

const [file, count = "25"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node scripts/profile-top.mjs <file.cpuprofile> [count]");
  process.exit(64);
}
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
const deltas = profile.timeDeltas;
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  const frame = node.callFrame;
  const where = frame.url
    ? `${frame.url.replace(/^.*\/(src|dist|node_modules)\//, "$1/")}:${frame.lineNumber + 1}`
    : "";
  const key = `${frame.functionName || "(anonymous)"} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + (deltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(count));
for (const [key, micros] of rows) console.log(`${((micros / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
