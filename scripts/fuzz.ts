// `npm run fuzz`: feeds each fuzz target (test/fuzz/targets.ts) mutations of its committed corpus
// (test/fuzz/corpus/<target>/) for a bounded time, with a seeded mutator so a run can be repeated. An input
// that makes a target throw is saved in test/fuzz/crashes/<target>/ and the run fails; test/fuzz/replay.test.ts
// runs every saved input again in `npm test`, so once fixed it stays fixed.
//
// Usage: npm run fuzz -- [--seconds 60] [--seed N] [--target NAME ...]
//          [--targets MODULE] [--corpus DIR] [--crashes DIR]       (for testing the fuzzer itself)
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { mutate, Random } from "../test/fuzz/mutate.js";
import type { FuzzTarget } from "../test/fuzz/targets.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** An input slower than this is kept as a crash: the server would stall on it. */
const SLOW_MS = 2000;

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    seed: { type: "string" },
    target: { type: "string", multiple: true },
    targets: { type: "string", default: join(ROOT, "test/fuzz/targets.ts") },
    corpus: { type: "string", default: join(ROOT, "test/fuzz/corpus") },
    crashes: { type: "string", default: join(ROOT, "test/fuzz/crashes") },
  },
});
const seconds = Number(values.seconds);
if (!(seconds > 0)) {
  console.error("fuzz: --seconds must be a positive number");
  process.exit(64);
}
const seed = values.seed === undefined ? Date.now() % 2 ** 32 : Number(values.seed);
const { TARGETS } = (await import(pathToFileURL(resolve(values.targets)).href)) as {
  TARGETS: readonly FuzzTarget[];
};
const chosen = TARGETS.filter((t) => !values.target || values.target.includes(t.name));
if (chosen.length === 0) {
  console.error(`fuzz: no such target; the targets: ${TARGETS.map((t) => t.name).join(", ")}`);
  process.exit(64);
}

/** The committed inputs of a target, and the empty one. */
function corpusOf(target: FuzzTarget): Uint8Array[] {
  const dir = join(values.corpus, target.name);
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  return [new Uint8Array(), ...files.map((file) => new Uint8Array(readFileSync(join(dir, file))))];
}

function save(target: FuzzTarget, input: Uint8Array): string {
  const dir = join(values.crashes, target.name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, createHash("sha256").update(input).digest("hex").slice(0, 16));
  writeFileSync(file, input);
  return file;
}

console.log(
  `fuzz: seed ${seed}, ${seconds} s over ${chosen.length} target(s) (again: npm run fuzz -- --seed ${seed} --seconds ${seconds})`,
);
let failures = 0;
for (const [index, target] of chosen.entries()) {
  const random = new Random(seed + index);
  const corpus = corpusOf(target);
  const dictionary = target.dictionary.map((word) => new Uint8Array(Buffer.from(word)));
  const until = Date.now() + (seconds * 1000) / chosen.length;
  const seen = new Set<string>();
  let runs = 0;
  let previous: Uint8Array = corpus[0] as Uint8Array;
  while (Date.now() < until) {
    // Mostly a corpus entry changed afresh; sometimes the last input changed further, to reach deeper.
    const base = random.below(4) === 0 ? previous : random.pick(corpus);
    const input = mutate(base, random, dictionary, corpus, target.maxLength);
    previous = input;
    runs++;
    const started = performance.now();
    let problem: string | null = null;
    try {
      target.run(input);
    } catch (err) {
      problem = err instanceof Error ? (err.stack ?? err.message) : String(err);
    }
    const ms = performance.now() - started;
    if (problem === null && ms > SLOW_MS) problem = `slow: ${Math.round(ms)} ms`;
    if (problem === null) continue;
    failures++;
    // One report per kind of failure: its first two lines (the message and where it was thrown).
    const kind = problem.split("\n").slice(0, 2).join("\n");
    const file = save(target, input);
    if (!seen.has(kind)) {
      seen.add(kind);
      console.log(`\n${target.name}: ${problem}\n  input saved in ${file}`);
    }
  }
  console.log(`${target.name}: ${runs} inputs, ${seen.size} kind(s) of failure`);
}
console.log(failures === 0 ? "fuzz: nothing found" : `fuzz: ${failures} failing input(s) saved`);
process.exit(failures === 0 ? 0 : 1);
