// Run the `tcpchat` command as a child process, from source, and watch what it prints: through pipes, or on
// a pseudo-terminal from util-linux `script` for the interactive clients.
import { type ChildProcess, spawn } from "node:child_process";
import { after } from "node:test";
import { fileURLToPath } from "node:url";
import { quote } from "./screen.js";
import { DEFAULT_WAIT_MS } from "./timing.js";
import { bounded, Waiters } from "./wait.js";

export { bounded };

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
/** `tcpchat` from source: node, its flags, and the entry point. */
const COMMAND = [process.execPath, "--import", "tsx", CLI];
/**
 * The release build (`npm test` builds it first), for what the TypeScript loader would disturb: it keeps
 * allocating while the server idles, so a server run from source is never quiet to its memory reducer.
 */
const BUILT = [process.execPath, fileURLToPath(new URL("../../dist/cli.js", import.meta.url))];

export class CliRun {
  stdout = "";
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters = new Waiters();
  private done = false;

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding("utf8").on("data", (text: string) => {
      this.stdout += text;
      this.waiters.wake();
    });
    child.stderr?.setEncoding("utf8").on("data", (text: string) => {
      this.stderr += text;
      this.waiters.wake();
    });
    // The child may exit before it has read all of its input.
    child.stdin?.on("error", () => {});
    this.exited = new Promise((resolve) =>
      child.once("close", (code, signal) => {
        this.done = true;
        this.waiters.wake();
        resolve({ code, signal });
      }),
    );
  }

  /** Resolves with the first match of `pattern` in stdout (or stderr), waiting for it to appear. */
  async waitFor(
    pattern: RegExp,
    stream: "stdout" | "stderr" = "stdout",
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<RegExpExecArray> {
    // A global pattern's lastIndex would make test() and exec() disagree: match with a fresh copy.
    const match = () => new RegExp(pattern.source, pattern.flags.replace("g", "")).exec(this[stream]);
    await this.until(() => match() !== null, `${pattern} on ${stream}`, timeoutMs);
    return match() as RegExpExecArray;
  }

  /** Waits for a line of stdout matching `pattern` (use `m`), and returns the match. */
  shows(pattern: RegExp): Promise<RegExpExecArray> {
    return this.waitFor(pattern, "stdout");
  }

  /** Waits for `text` to appear on stdout. */
  async waitForStdout(text: string): Promise<void> {
    await this.until(() => this.stdout.includes(text), JSON.stringify(text));
  }

  /** Waits until `ready()` holds, checking again whenever the child prints; fails if it exits first. */
  until(ready: () => boolean, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return this.waiters.until(ready, what, {
      timeoutMs,
      over: () => this.done,
      context: () => `stdout=${JSON.stringify(this.stdout)} stderr=${JSON.stringify(this.stderr)}`,
    });
  }

  /** Types one line (stdin a pipe or a terminal). */
  type(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  /** The exit code, bounded: a child that does not exit fails the test instead of hanging it. */
  exitCode(timeoutMs = DEFAULT_WAIT_MS): Promise<number | null> {
    return bounded(
      this.exited.then(({ code }) => code),
      () => `the child's exit; stdout=${JSON.stringify(this.stdout)} stderr=${JSON.stringify(this.stderr)}`,
      timeoutMs,
    );
  }

  /** For servers: the port from the `listening on <host>:<port>` line. */
  async listening(timeoutMs = DEFAULT_WAIT_MS): Promise<number> {
    const m = await this.waitFor(/^listening on (\S+):(\d+)\n/m, "stdout", timeoutMs);
    return Number(m[2]);
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (!this.done) this.child.kill(signal);
  }
}

export interface CliOptions {
  /** A pipe stays open for `type()`; `input`, when given, is written and the pipe ended. */
  stdin?: "pipe" | "ignore";
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** Run dist/cli.js (the release build) instead of the source. */
  built?: boolean;
}

/** The environment of a child: no colours, no Redis bus and no lasting store unless a test asks for one. */
function childEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // A rooms server joins the Redis bus named in REDIS_URL (CI sets it): not unless a test asks. `serve`
  // keeps its state in ./tcpchat-data by default: the tests keep nothing unless they ask.
  return { ...process.env, NO_COLOR: "1", REDIS_URL: "", TCPCHAT_STORE: "memory", ...env };
}

export function runCli(args: string[], options: CliOptions = {}): CliRun {
  const stdin = options.input !== undefined ? "pipe" : (options.stdin ?? "ignore");
  const command = options.built ? BUILT : COMMAND;
  const child = spawn(command[0] as string, [...command.slice(1), ...args], {
    cwd: ROOT,
    stdio: [stdin, "pipe", "pipe"],
    env: childEnv(options.env),
  });
  const run = new CliRun(child);
  if (options.input !== undefined) child.stdin?.end(options.input);
  return run;
}

/** `tcpchat <args>` on a pseudo-terminal: stdout is what the terminal shows (stderr included). */
export function runCliOnTerminal(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const command = [...COMMAND, ...args].map(quote).join(" ");
  const child = spawn("script", ["-qefc", command, "/dev/null"], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
    env: childEnv({ TERM: "xterm", SHELL: "/bin/sh", ...env }),
  });
  return new CliRun(child);
}

/** Commands started by one suite's tests, all killed after the suite. */
export function cliSuite() {
  const runs: CliRun[] = [];
  after(() => {
    for (const run of runs) run.kill();
  });
  const kept = (run: CliRun) => {
    runs.push(run);
    return run;
  };
  return {
    run: (args: string[], options?: CliOptions) => kept(runCli(args, options)),
    onTerminal: (args: string[], env?: NodeJS.ProcessEnv) => kept(runCliOnTerminal(args, env)),
    /** Any other child process, watched the same way and killed with the rest. */
    watch: (child: ChildProcess) => kept(new CliRun(child)),
  };
}
