// `npm start` and `npx tcpchat` stopped by a signal to npm's own process leave no server behind.
//
// npm runs a script through `sh -c`, and signals only its direct child: without care, the shell dies and
// the server is left running, orphaned, holding its port. The test runs the real npm on a copy of this
// package's scripts, whose dist/cli.js loads the sources (so no build is needed).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bounded, CliRun, ROOT } from "../support/cli.js";
import { LineClient } from "../support/line-client.js";
import { CLI_TEST_TIMEOUT_MS } from "../support/timing.js";

/** One case: npm starting under load, then three bounded waits for things to stop. */
const CASE_MS = 2 * CLI_TEST_TIMEOUT_MS;
const CASES = 4;

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

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code === "ECONNREFUSED"));
  });
}

describe("signals through npm", { timeout: CASES * CASE_MS }, () => {
  let project = "";
  const runs: CliRun[] = [];
  const clients: LineClient[] = [];

  before(() => {
    project = mkdtempSync(join(tmpdir(), "tcpchat-npm-"));
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<string, unknown>;
    const { name, version, type, bin, scripts } = pkg as { scripts: Record<string, string> } & Record<
      string,
      unknown
    >;
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name, version, type, bin, scripts: { start: scripts.start } }),
    );
    mkdirSync(join(project, "dist"));
    const cli = join(project, "dist", "cli.js");
    writeFileSync(
      cli,
      [
        "#!/usr/bin/env node",
        `const { register } = await import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))});`,
        "register();",
        `await import(${JSON.stringify(new URL("../../src/cli.ts", import.meta.url).href)});`,
        "",
      ].join("\n"),
    );
    chmodSync(cli, 0o755);
    mkdirSync(join(project, "node_modules", ".bin"), { recursive: true });
    symlinkSync("../../dist/cli.js", join(project, "node_modules", ".bin", "tcpchat"));
  });
  after(() => {
    for (const c of clients) c.destroy();
    for (const run of runs) {
      for (const pid of descendants(run.child.pid ?? 0)) if (alive(pid)) process.kill(pid, "SIGKILL");
      run.kill();
    }
    rmSync(project, { recursive: true, force: true });
  });

  /**
   * Start the server through npm, then send `signal` to npm's PID, or to its whole process group as a
   * terminal's Ctrl-C does (npm then runs in a group of its own).
   */
  async function stopsEverything(args: string[], signal: NodeJS.Signals, to: "npm" | "group" = "npm") {
    const npm = new CliRun(
      spawn("npm", args, {
        cwd: project,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, NO_COLOR: "1", REDIS_URL: "", npm_config_update_notifier: "false" },
        detached: to === "group",
      }),
    );
    runs.push(npm);
    const port = await npm.listening(60_000);
    const client = await LineClient.connect(port);
    clients.push(client);
    const below = descendants(npm.child.pid as number);
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
    assert.equal(await refused(port), true, `port ${port} is free`);
  }

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`npm start, then ${signal} to npm`, { timeout: CASE_MS }, () =>
      stopsEverything(["start", "--", "--port", "0"], signal),
    );
  }
  // npx cannot exec: npm runs `sh -c 'tcpchat …'`, and passes a signal on to that shell only. A SIGTERM
  // kills the shell, npm goes, and the server sees npm go. A SIGINT to npm's PID alone stops nothing: the
  // shell (dash) holds it until its child ends, and the server never hears of it. Ctrl-C in a terminal
  // signals the whole group, the server with it.
  const NPX = ["exec", "--", "tcpchat", "serve", "--service", "echo", "--port", "0"];
  it("npx tcpchat serve, then SIGTERM to npm", { timeout: CASE_MS }, () => stopsEverything(NPX, "SIGTERM"));
  it("npx tcpchat serve, then SIGINT to npm's group (Ctrl-C)", { timeout: CASE_MS }, () =>
    stopsEverything(NPX, "SIGINT", "group"),
  );
});
