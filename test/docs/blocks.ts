// The runnable examples of the README and docs/: fenced blocks marked ```sh runnable.
//
// In a block, `$ command` is what the reader types (a line ending in `\` goes on); the lines after it are
// what it prints, stdout and stderr as a terminal shows them. `…` in an expected line stands for any text,
// and a line that is only `…` for any number of lines. A command ending in ` &` runs in the background
// (a server): its expected lines are the start of its stdout, awaited before the next command; it gets
// SIGTERM when the block ends. Lines starting with `# ` are comments.
import { readFileSync } from "node:fs";

export interface Step {
  command: string;
  background: boolean;
  expected: string[];
}

export interface Block {
  file: string;
  line: number;
  steps: Step[];
}

export function runnableBlocks(file: string): Block[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const blocks: Block[] = [];
  let block: Block | null = null;
  let continued = false;
  let indent = "";
  lines.forEach((raw, index) => {
    if (block === null) {
      const fence = /^(\s*)```sh runnable\s*$/.exec(raw);
      if (fence) {
        block = { file, line: index + 1, steps: [] };
        indent = fence[1] as string;
      }
      return;
    }
    // A block inside a list item is indented: so are its lines.
    const text = raw.startsWith(indent) ? raw.slice(indent.length) : raw;
    if (/^```\s*$/.test(text)) {
      blocks.push(block);
      block = null;
      return;
    }
    const step = block.steps.at(-1);
    if (continued && step) {
      step.command += `\n${text}`;
      continued = text.endsWith("\\");
    } else if (text.startsWith("$ ")) {
      const command = text.slice(2);
      continued = command.endsWith("\\");
      block.steps.push({ command, background: false, expected: [] });
    } else if (text.startsWith("# ") && (!step || step.expected.length === 0)) {
      // a comment
    } else if (step) {
      step.expected.push(text);
    }
  });
  for (const b of blocks) {
    for (const step of b.steps) {
      if (/\s&$/.test(step.command)) {
        step.background = true;
        step.command = step.command.replace(/\s&$/, "");
      }
      while (step.expected.at(-1) === "") step.expected.pop();
    }
  }
  return blocks;
}

/** Whether `actual` lines are what `expected` describes (with `…` wildcards). */
export function matches(expected: readonly string[], actual: readonly string[]): boolean {
  const patterns = expected.map((line) =>
    line === "…" ? null : new RegExp(`^${line.split("…").map(escapeRegExp).join(".*")}$`),
  );
  const memo = new Map<string, boolean>();
  const from = (e: number, a: number): boolean => {
    const key = `${e},${a}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (e === patterns.length) result = a === actual.length;
    else {
      const pattern = patterns[e] as RegExp | null;
      if (pattern === null) result = from(e + 1, a) || (a < actual.length && from(e, a + 1));
      else result = a < actual.length && pattern.test(actual[a] as string) && from(e + 1, a + 1);
    }
    memo.set(key, result);
    return result;
  };
  return from(0, 0);
}

/** Whether `actual` begins with lines that `expected` describes. */
export function startsWith(expected: readonly string[], actual: readonly string[]): boolean {
  for (let n = 0; n <= actual.length; n++) if (matches(expected, actual.slice(0, n))) return true;
  return false;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
