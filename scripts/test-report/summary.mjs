// A machine-readable summary of the run (counts, skips with reasons, failures' names, files' times), for
// scripts/run-tests.mjs to check and close with, whichever reporter the reader sees.
import { RunSummary } from "./collect.mjs";

export default async function* summaryReporter(source) {
  const run = new RunSummary();
  for await (const event of source) run.add(event);
  yield `${JSON.stringify(run)}\n`;
}
