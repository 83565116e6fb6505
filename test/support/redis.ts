// Redis for the tests that need one: REDIS_URL (default 127.0.0.1:6379). On a user's machine without it
// those tests are skipped, each with the reason (the runner lists them); in CI (REQUIRE_REDIS=1) its absence
// is a failure.
import { spawnSync } from "node:child_process";
import { Redis } from "ioredis";

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
