// Every input the fuzzer keeps, run again through its target: the committed corpus, and each failing input
// `npm run fuzz` saved (test/fuzz/crashes), so a bug it found stays fixed. And the fuzzer itself: a short
// seeded run of every target finds nothing, and a planted bug is found and saved.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { CliRun, ROOT } from "../support/cli.js";
import { CLI_TEST_TIMEOUT_MS } from "../support/timing.js";
import { TARGETS } from "./targets.js";

const FUZZ = join(ROOT, "test", "fuzz");

function inputs(kind: "corpus" | "crashes", target: string): string[] {
  const dir = join(FUZZ, kind, target);
  return existsSync(dir) ? readdirSync(dir).map((file) => join(dir, file)) : [];
}

/** `npm run fuzz -- <args>`, as a child process. */
function fuzz(args: string[]): CliRun {
  return new CliRun(
    spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "fuzz.ts"), ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
}

describe("fuzz inputs kept", () => {
  for (const target of TARGETS) {
    it(`${target.name}: every corpus entry and every saved failure runs clean`, () => {
      const files = [...inputs("corpus", target.name), ...inputs("crashes", target.name)];
      assert.ok(inputs("corpus", target.name).length > 0, "a committed corpus");
      for (const file of files) {
        try {
          target.run(new Uint8Array(readFileSync(file)));
        } catch (err) {
          assert.fail(`${file}: ${err instanceof Error ? err.stack : err}`);
        }
      }
    });
  }
});

describe("npm run fuzz", { timeout: 2 * CLI_TEST_TIMEOUT_MS }, () => {
  const scratch = mkdtempSync(join(tmpdir(), "tcpchat-fuzz-"));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("runs every target for the time given, with a seed to run it again, and finds nothing", async () => {
    const crashes = join(scratch, "none");
    const run = fuzz(["--seconds", "4", "--seed", "12345", "--crashes", crashes]);
    assert.equal(await run.exitCode(CLI_TEST_TIMEOUT_MS), 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^fuzz: seed 12345, 4 s over 4 target\(s\)/);
    for (const target of TARGETS)
      assert.match(run.stdout, new RegExp(`^${target.name}: [1-9]\\d* inputs, 0 kind`, "m"));
    assert.match(run.stdout, /^fuzz: nothing found$/m);
    assert.equal(existsSync(crashes), false);
  });

  it("finds a planted bug, says where it saved the input, and fails", async () => {
    const corpus = join(scratch, "corpus");
    mkdirSync(join(corpus, "planted"), { recursive: true });
    writeFileSync(join(corpus, "planted", "start"), "BU");
    const crashes = join(scratch, "crashes");
    const run = fuzz([
      ...["--seconds", "2", "--seed", "7", "--targets", join(ROOT, "test", "fixtures", "fuzz-planted.ts")],
      ...["--corpus", corpus, "--crashes", crashes],
    ]);
    assert.equal(await run.exitCode(CLI_TEST_TIMEOUT_MS), 1, run.stdout + run.stderr);
    assert.match(run.stdout, /^planted: Error: planted bug$/m);
    const saved = readdirSync(join(crashes, "planted"));
    assert.ok(saved.length > 0);
    for (const file of saved) assert.ok(readFileSync(join(crashes, "planted", file)).includes("BUG"));
    assert.match(run.stdout, new RegExp(`input saved in ${join(crashes, "planted")}/[0-9a-f]{16}`));
  });
});
