// What a test run amounts to, gathered from node:test's reporter events: every test's outcome with its
// full name, each file's time, the skips with their reasons, and what the tests printed per file.
import { relative } from "node:path";
import { inspect } from "node:util";

const ROOT = process.cwd();

export class RunSummary {
  passed = 0;
  failed = 0;
  /** Tests (and whole suites) not run, with why: `{ name, reason }`. */
  skipped = [];
  /** `{ name, text }`: each failure in full. */
  failures = [];
  /** `{ file, ms, ok }` in the order files finished. */
  files = [];
  /** `{ name, ms }` of every test that ran. */
  tests = [];
  /** The names of the suites and tests open in each file, by nesting level. */
  #open = new Map();
  /** What each file printed (console output, diagnostics), shown only with its failures. */
  #printed = new Map();
  #filesSeen = new Set();

  /** Takes one reporter event; returns a finished file's `{ file, ms, ok }` when one ends. */
  add(event) {
    const data = event.data ?? {};
    const file = data.file === undefined ? "" : relative(ROOT, data.file);
    switch (event.type) {
      case "test:start": {
        if (isFileItself(data)) return null;
        const open = this.#open.get(file) ?? [];
        open.length = data.nesting;
        open.push(data.name);
        this.#open.set(file, open);
        return null;
      }
      case "test:stdout":
      case "test:stderr":
        this.#print(file, data.message);
        return null;
      case "test:diagnostic":
        if (data.file !== undefined) this.#print(file, `# ${data.message}\n`);
        return null;
      case "test:pass":
      case "test:fail":
        if (isFileItself(data)) return this.#fileDone(file, data);
        this.#testDone(file, data, event.type === "test:pass");
        return null;
      case "test:complete":
        // A file's own end is reported only here (and, when it fails, sometimes as test:fail too).
        if (isFileItself(data)) return this.#fileDone(file, data);
        return null;
      default:
        return null;
    }
  }

  /** The slowest `count` tests. */
  slowest(count) {
    return [...this.tests].sort((a, b) => b.ms - a.ms).slice(0, count);
  }

  toJSON() {
    return {
      passed: this.passed,
      failed: this.failed,
      skipped: this.skipped,
      failures: this.failures.map((f) => f.name),
      files: this.files,
    };
  }

  #testDone(file, data, passed) {
    const open = this.#open.get(file) ?? [];
    const path = [...open.slice(0, data.nesting), data.name].join(" › ");
    const name = `${file}:${data.line ?? "?"} ${path}`;
    const details = data.details ?? {};
    const isSuite = details.type === "suite";
    const reason = data.skip ?? data.todo;
    if (reason !== undefined) {
      const why = reason === true || reason === "" ? "no reason given" : String(reason);
      this.skipped.push({
        name: isSuite ? `${name} (the whole suite)` : name,
        reason: data.todo !== undefined ? `todo: ${why}` : why,
      });
      return;
    }
    if (passed) {
      if (!isSuite) {
        this.passed += 1;
        this.tests.push({ name, ms: details.duration_ms ?? 0 });
      }
      return;
    }
    const error = details.error;
    // A suite whose tests failed is not one more failure; a suite that failed itself (a hook, its time) is.
    if (isSuite && error?.failureType === "subtestsFailed") return;
    this.failed += 1;
    if (!isSuite) this.tests.push({ name, ms: details.duration_ms ?? 0 });
    this.failures.push({ name, text: describeError(error) });
  }

  #fileDone(file, data) {
    if (this.#filesSeen.has(file)) return null;
    this.#filesSeen.add(file);
    const details = data.details ?? {};
    const error = details.error;
    const ok = details.passed !== false && error === undefined;
    // A file that failed without a failing test (it crashed, or ran out of time) is a failure of its own.
    if (!ok && error?.failureType !== "subtestsFailed" && !/^\d+ (sub)?tests? failed$/.test(error?.message)) {
      this.failed += 1;
      this.failures.push({ name: `${file} (the file itself)`, text: describeError(error) });
    }
    const done = { file, ms: details.duration_ms ?? 0, ok };
    this.files.push(done);
    return done;
  }

  #print(file, text) {
    this.#printed.set(file, (this.#printed.get(file) ?? "") + text);
  }

  /** What a file printed, for showing beside its failures. */
  printedBy(file) {
    return this.#printed.get(file) ?? "";
  }
}

/** A test file's own entry: the events node reports for the file as a whole. */
function isFileItself(data) {
  return data.nesting === 0 && data.file !== undefined && data.name === data.file;
}

/** The error as a developer wants it: the assertion's message, diff and stack, not the runner's wrapper. */
function describeError(error) {
  if (error === undefined) return "(no error reported)";
  const cause = error.code === "ERR_TEST_FAILURE" && error.cause !== undefined ? error.cause : error;
  const text = cause instanceof Error ? inspect(cause, { depth: 4 }) : String(cause);
  // The test runner's own frames say nothing about the test.
  const frames =
    /^\s+at (?:.*[( ])?(?:node:internal\/|node:async_hooks|new Promise \(<anonymous>\)|Array\.map \(<anonymous>\))/;
  return text
    .split("\n")
    .filter((line) => !frames.test(line))
    .map((line) => `    ${line}`)
    .join("\n");
}

/** Milliseconds as seconds, right-aligned for a column. */
export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`.padStart(8);
}
