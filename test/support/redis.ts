// Redis for the tests that need one: REDIS_URL (default 127.0.0.1:6379). On a user's machine without it
// they are skipped with the reason printed; in CI (REQUIRE_REDIS=1) its absence is a failure.
import { Redis } from "ioredis";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** Null when Redis answers; otherwise why the Redis tests are skipped. Throws when Redis is required. */
export async function redisSkipReason(): Promise<string | null> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (err) {
    const reason = `Redis at ${REDIS_URL} is unreachable (${(err as Error).message}); set REDIS_URL to run these tests`;
    if (process.env.REQUIRE_REDIS === "1") throw new Error(`REQUIRE_REDIS=1: ${reason}`);
    console.log(`# skipping: ${reason}`);
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
