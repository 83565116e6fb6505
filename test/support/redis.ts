// Redis for the tests that need one: REDIS_URL (default 127.0.0.1:6379). On a user's machine without it
// those tests are skipped, each with the reason (the runner lists them); in CI (REQUIRE_REDIS=1) its absence
// is a failure.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { after } from "node:test";
import { Redis } from "ioredis";
import { Waiters } from "./wait.js";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** False when Redis answers; otherwise why the Redis tests are skipped. Throws when Redis is required. */
export async function redisSkipReason(): Promise<string | false> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
    return false;
  } catch (err) {
    const reason = `needs Redis: none answers at ${REDIS_URL} (${(err as Error).message}); start one or set REDIS_URL`;
    if (process.env.REQUIRE_REDIS === "1") throw new Error(`REQUIRE_REDIS=1: ${reason}`);
    return reason;
  } finally {
    client.disconnect();
  }
}

/** A key prefix of this test run's own, so that runs never collide. */
export function testPrefix(name: string): string {
  return `tcpchat-test:${name}:${process.pid}:${Date.now()}`;
}

/** Delete every key under `prefix`. */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 0 });
  client.on("error", () => {});
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
}

/** False when the redis-server program is on PATH (to start a Redis of a test's own); otherwise why not. */
export function redisServerSkipReason(): string | false {
  const found = spawnSync("redis-server", ["--version"], { stdio: "ignore" });
  return found.error === undefined && found.status === 0
    ? false
    : "needs the redis-server program (to start and kill a Redis of its own): not found on PATH";
}

/**
 * Key prefixes of one suite's own (call inside its `describe`): each from `prefix(name)`, all dropped after
 * the suite unless it was skipped.
 */
export function suitePrefixes(skip: string | false): (name: string) => string {
  const prefixes: string[] = [];
  after(async () => {
    if (!skip) for (const prefix of prefixes) await dropPrefix(REDIS_URL, prefix);
  });
  return (name) => {
    const prefix = testPrefix(name);
    prefixes.push(prefix);
    return prefix;
  };
}

/** A TCP port free at the moment, for a server that must be started again on the same one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** A redis-server of a test's own on `port`, once it accepts connections. */
export async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  const waiters = new Waiters();
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    out += text;
    waiters.wake();
  });
  child.once("exit", () => waiters.wake());
  child.once("error", (err) => {
    out += String(err);
    waiters.wake();
  });
  await waiters.until(() => out.includes("Ready to accept connections"), "redis-server to start", {
    over: () => child.exitCode !== null || child.signalCode !== null || out.includes("Error"),
    context: () => out,
  });
  return child;
}

/** Resolves once `child` has exited (at once if it has). */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}
