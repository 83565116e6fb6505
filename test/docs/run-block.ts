// Runs one runnable block (JSON on stdin) as a reader would type it, in the network namespace the test
// gives it; prints what went wrong and exits 1, or exits 0. `tcpchat` is on PATH (the sources, via tsx).
import { type ChildProcess, spawn } from "node:child_process";
import { type Block, matches, startsWith } from "./blocks.js";

const STEP_MS = 30_000;

const block = JSON.parse(await readStdin()) as Block;
const background: ChildProcess[] = [];
let failure: string | null = null;

try {
  for (const step of block.steps) {
    failure = step.background ? await startBackground(step.command, step.expected) : await run(step);
    if (failure) break;
  }
} finally {
  await Promise.all(background.map(stop));
}
if (failure) {
  process.stdout.write(`${failure}\n`);
  process.exit(1);
}

function shell(command: string): ChildProcess {
  return spawn("sh", ["-c", command], { stdio: ["ignore", "pipe", "pipe"], env: process.env });
}

async function run(step: { command: string; expected: string[] }): Promise<string | null> {
  const child = shell(step.command);
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    output += text;
  });
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    output += text;
  });
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), STEP_MS);
    child.once("close", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  // Trailing empty lines are not written in the text (a block cannot end with them).
  const lines = output.replace(/\n+$/, "").split("\n");
  if (output.trim() === "") lines.length = 0;
  if (code !== 0) return `\`${step.command}\` exited ${code}; it printed:\n${output}`;
  if (!matches(step.expected, lines)) {
    return `\`${step.command}\` printed:\n${output}\nexpected:\n${step.expected.join("\n")}`;
  }
  return null;
}

function startBackground(command: string, expected: string[]): Promise<string | null> {
  // exec: the signal at the end of the block must reach the server, not a shell waiting for it.
  const child = shell(`exec ${command}`);
  background.push(child);
  let output = "";
  let errors = "";
  return new Promise((resolve) => {
    const done = (result: string | null) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      resolve(result);
    };
    const timer = setTimeout(
      () =>
        done(
          `\`${command} &\` did not print in time:\n${expected.join("\n")}\nit printed:\n${output}${errors}`,
        ),
      STEP_MS,
    );
    const onData = (text: string) => {
      output += text;
      if (startsWith(expected, output.split("\n"))) done(null);
    };
    child.stdout?.setEncoding("utf8").on("data", onData);
    child.stderr?.setEncoding("utf8").on("data", (text: string) => {
      errors += text;
    });
    child.once("exit", (code) =>
      done(`\`${command} &\` exited ${code} before printing:\n${output}${errors}`),
    );
    if (expected.length === 0) done(null);
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), STEP_MS);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function readStdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text;
}
