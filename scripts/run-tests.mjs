#!/usr/bin/env node
// Runs every test/**/*.test.ts through node's test runner with tsx, and closes with one line:
// `N passed, N failed, N skipped`.
//
// Usage: node scripts/run-tests.mjs [--tap] [substring ...]   (only files whose path contains one of them)
//   Output: by default one line per file with its time, then every failure in full, every skip with its
//   reason and the five slowest tests (scripts/test-report/short.mjs). `--tap` or TEST_REPORTER=tap gives
//   node's TAP instead (TEST_REPORTER may name any of node's reporters: spec, dot, junit...).
//   TEST_CONCURRENCY: test files run at once (default 2).
//   TEST_TIME_SCALE: multiplies every time bound of the tests, for a machine busier than usual (default 1).
//   CI=true: a skipped test fails the run. Every test needs something this machine may lack (Redis, a
//   pseudo-terminal); .ci/run installs all of it, so in CI a skip means a test silently did not run.
//
// Node 20's `node --test` neither finds .ts files nor expands quoted globs, so the files are listed here.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const tap = args.includes("--tap");
const filters = args.filter((arg) => arg !== "--tap");
const reporter = tap ? "tap" : (process.env.TEST_REPORTER ?? "short");

const files = readdirSync("test", { recursive: true })
  .map((f) => join("test", String(f)))
  .filter((f) => f.endsWith(".test.ts"))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error("run-tests: no test files found");
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), "tcpchat-tests-"));
const summaryFile = join(scratch, "summary.json");
const shown = reporter === "short" ? "./scripts/test-report/short.mjs" : reporter;
const concurrency = process.env.TEST_CONCURRENCY ?? "2";
// TEST_TIME_SCALE: the tests' own bounds grow with it on a busy machine (test/support/timing.ts); so does this one.
const timeScale = Math.max(1, Number(process.env.TEST_TIME_SCALE) || 1);
const result = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--enable-source-maps",
    "--test",
    `--test-concurrency=${concurrency}`,
    // A bound on each file (and each test in it) that only a hang reaches; the tests bound their own waits.
    `--test-timeout=${600_000 * timeScale}`,
    `--test-reporter=${shown}`,
    "--test-reporter-destination=stdout",
    "--test-reporter=./scripts/test-report/summary.mjs",
    `--test-reporter-destination=${summaryFile}`,
    ...files,
  ],
  // Servers the tests start keep nothing (`serve` would write ./tcpchat-data) unless a test names a store.
  { stdio: "inherit", env: { ...process.env, TCPCHAT_STORE: process.env.TCPCHAT_STORE || "memory" } },
);

let summary;
try {
  summary = JSON.parse(readFileSync(summaryFile, "utf8"));
} catch (err) {
  console.error(`run-tests: the test runner left no summary (${err.message}); exit status ${result.status}`);
  process.exit(1);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

let failed = result.status !== 0;
if (process.env.CI === "true" && summary.skipped.length > 0) {
  failed = true;
  console.log(
    `\nCI=true: ${summary.skipped.length} skipped test(s) fail the run; every test must run in CI:`,
  );
  for (const skip of summary.skipped) console.log(`  - ${skip.name}: ${skip.reason}`);
}
if (result.status !== 0 && summary.failed === 0)
  console.log(`\nrun-tests: the test runner exited with status ${result.status ?? result.signal}`);
console.log(`\n${summary.passed} passed, ${summary.failed} failed, ${summary.skipped.length} skipped`);
process.exit(failed ? 1 : 0);
