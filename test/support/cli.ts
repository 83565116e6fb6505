// Run the `tcpchat` command as a child process, from source, and watch what it prints.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DEFAULT_WAIT_MS } from "./line-client.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

export class CliRun {
  stdout = "";
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters: Array<() => void> = [];
  private done = false;

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding("utf8").on("data", (text: string) => {
      this.stdout += text;
      this.wake();
    });
    child.stderr?.setEncoding("utf8").on("data", (text: string) => {
      this.stderr += text;
      this.wake();
    });
    this.exited = new Promise((resolve) =>
      child.once("close", (code, signal) => {
        this.done = true;
        this.wake();
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

  /** Waits until `ready()` holds, checking again whenever the child prints; fails if it exits first. */
  until(ready: () => boolean, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (why: string) =>
        reject(
          new Error(
            `${why} waiting for ${what}; stdout=${JSON.stringify(this.stdout)} stderr=${JSON.stringify(this.stderr)}`,
          ),
        );
      const timer = setTimeout(() => {
        const at = this.waiters.indexOf(check);
        if (at !== -1) this.waiters.splice(at, 1);
        fail(`timed out after ${timeoutMs} ms`);
      }, timeoutMs);
      const check = () => {
        if (ready()) {
          clearTimeout(timer);
          resolve();
        } else if (this.done) {
          clearTimeout(timer);
          fail("exited");
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
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
  async listening(timeoutMs = 15_000): Promise<number> {
    const m = await this.waitFor(/^listening on (\S+):(\d+)\n/m, "stdout", timeoutMs);
    return Number(m[2]);
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (!this.done) this.child.kill(signal);
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

export function runCli(
  args: string[],
  options: { stdin?: "pipe" | "ignore"; env?: NodeJS.ProcessEnv } = {},
): CliRun {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    cwd: ROOT,
    stdio: [options.stdin ?? "ignore", "pipe", "pipe"],
    // A rooms server joins the Redis bus named in REDIS_URL (CI sets it): not unless a test asks.
    env: { ...process.env, NO_COLOR: "1", REDIS_URL: "", ...options.env },
  });
  return new CliRun(child);
}

/** `promise`, or a rejection naming `what` after `timeoutMs`. */
export async function bounded<T>(
  promise: Promise<T>,
  what: string | (() => string),
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
