// The default test reporter: one line per file as it finishes (its time), then every failure in full with
// what its file printed, every skip with its reason, and the five slowest tests. The closing count line is
// printed by scripts/run-tests.mjs, after its own checks.
import { RunSummary, seconds } from "./collect.mjs";

export default async function* shortReporter(source) {
  const run = new RunSummary();
  for await (const event of source) {
    const done = run.add(event);
    if (done !== null) yield `${done.ok ? "ok  " : "FAIL"} ${seconds(done.ms)}  ${done.file}\n`;
  }
  if (run.failures.length > 0) {
    yield `\nFailures (${run.failures.length}):\n`;
    const shown = new Set();
    for (const failure of run.failures) {
      yield `\nnot ok - ${failure.name}\n${failure.text}\n`;
      const file = failure.name.split(/[: ]/)[0];
      const printed = run.printedBy(file);
      if (printed !== "" && !shown.has(file)) {
        shown.add(file);
        yield `  What ${file} printed:\n${printed.replace(/^/gm, "  | ")}\n`;
      }
    }
  }
  if (run.skipped.length > 0) {
    yield `\nSkipped (${run.skipped.length}):\n`;
    for (const skip of run.skipped) yield `  - ${skip.name}\n      ${skip.reason}\n`;
  }
  const slowest = run.slowest(5);
  if (slowest.length > 0) {
    yield "\nSlowest tests:\n";
    for (const test of slowest) yield `${seconds(test.ms)}  ${test.name}\n`;
  }
}
