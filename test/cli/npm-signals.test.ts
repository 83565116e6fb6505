// `npm start` and `npx tcpchat serve` from this repository, stopped by a signal to npm's own process (or
// to its process group, as Ctrl-C in a terminal does), leave no server behind: every process npm started
// is gone, by PID, and the port is free again. The real npm and npx run the release build (`npm test`
// builds it first), with this repository's .npmrc.
//
// npm runs the command through its script shell and passes SIGINT and SIGTERM to that shell only; .npmrc
// makes it bash, which runs a lone command in its own process, so the signal reaches the server. A SIGKILL
// is not passed on: the server sees npm go and stops by itself.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { bounded, CliRun, ROOT } from "../support/cli.js";
import { LineClient } from "../support/line-client.js";
import { portIsFree } from "../support/ports.js";
import { CHILD_START_MS, CLI_TEST_TIMEOUT_MS } from "../support/timing.js";

/** One case: npm starting under load (npx installs this package in its cache the first time), then stops. */
const CASE_MS = 2 * CLI_TEST_TIMEOUT_MS;
const CASES = 6;
/** npm and npx start more slowly than the command alone: npm itself loads first. */
const NPM_START_MS = 4 * CHILD_START_MS;
const BUILD = join(ROOT, "dist", "cli.js");

/** Every process below `pid`, from /proc. */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .split(" ")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function alive(pid: number): boolean {
  try {
    // A zombie has exited: only its parent's wait is missing.
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** When the process `pid` started, in clock ticks since boot; null once it is gone. */
function startTime(pid: number): string | null {
  try {
    // The fields after the command's name (which may hold spaces): the 22nd field is the 20th of them.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * Resolves once none of `pids` runs; a process that is not our child gives no event, so this looks, and
 * stops looking after `limitMs` (the caller's bound then fails the test).
 */
function gone(pids: number[], limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  return new Promise((resolve) => {
    const check = () => {
      if (!pids.some(alive)) resolve();
      else if (Date.now() < until) setTimeout(check, 50);
    };
    check();
  });
}

describe("signals through npm and npx", {
  timeout: CASES * CASE_MS,
  skip: existsSync(BUILD) ? false : "needs the release build (npm run build; npm test builds it first)",
}, () => {
  const runs: CliRun[] = [];
  const clients: LineClient[] = [];
  /** Every process npm started, with its start time: a case that fails may leave them behind, no longer
   * below npm (the time tells it from a later process given the same PID). */
  const started = new Map<number, string | null>();

  after(() => {
    for (const c of clients) c.destroy();
    for (const run of runs) {
      for (const pid of descendants(run.child.pid ?? 0)) started.set(pid, startTime(pid));
      run.kill();
    }
    for (const [pid, time] of started)
      if (alive(pid) && startTime(pid) === time) process.kill(pid, "SIGKILL");
  });

  /**
   * Start the rooms server with `command` (npm or npx) in this repository, connect a client, then send
   * `signal` to npm's PID, or to its whole process group as a terminal's Ctrl-C does (npm then runs in a
   * group of its own).
   */
  async function stopsEverything(command: string[], signal: NodeJS.Signals, to: "npm" | "group" = "npm") {
    const npm = new CliRun(
      spawn(command[0] as string, command.slice(1), {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          NO_COLOR: "1",
          REDIS_URL: "",
          TCPCHAT_STORE: "memory",
          npm_config_update_notifier: "false",
          // npx installs this package into its cache from the folder: its `prepare` would build it again.
          npm_config_ignore_scripts: command[0] === "npx" ? "true" : "false",
        },
        detached: to === "group",
      }),
    );
    runs.push(npm);
    const port = await npm.listening(NPM_START_MS);
    const client = await LineClient.connect(port);
    clients.push(client);
    const below = descendants(npm.child.pid as number);
    for (const pid of below) started.set(pid, startTime(pid));
    assert.ok(below.length > 0, "npm runs the server in a process of its own");

    if (to === "group") process.kill(-(npm.child.pid as number), signal);
    else npm.kill(signal);
    const seen = () => `; npm printed ${JSON.stringify(npm.stdout)} and ${JSON.stringify(npm.stderr)}`;
    await bounded(client.closed, () => `the server closing its client${seen()}`, 30_000);
    await bounded(
      gone(below, 30_000),
      () => `every process npm started to be gone: ${below.join(", ")}${seen()}`,
      30_000,
    );
    await bounded(npm.exited, () => `npm's exit after ${signal}${seen()}`, 30_000);
    assert.equal(await portIsFree(port), true, `port ${port} is free`);
  }

  const SERVER = ["--port", "0", "--no-web"];
  const NPM_START = ["npm", "start", "--", ...SERVER];
  const NPX = ["npx", "--yes", "tcpchat", "serve", "--service", "rooms", ...SERVER];

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`npm start, then ${signal} to npm`, { timeout: CASE_MS }, () => stopsEverything(NPM_START, signal));
  }
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`npx tcpchat serve, then ${signal} to npx`, { timeout: CASE_MS }, () => stopsEverything(NPX, signal));
  }
  it("npx tcpchat serve, then SIGINT to npx's group (Ctrl-C)", { timeout: CASE_MS }, () =>
    stopsEverything(NPX, "SIGINT", "group"),
  );
  it("npx tcpchat serve, then SIGKILL to npx: the server sees npm go and stops", { timeout: CASE_MS }, () =>
    stopsEverything(NPX, "SIGKILL"),
  );
});
