// PostgreSQL for the tests that need one: DATABASE_URL (CI: postgres://postgres@127.0.0.1:5432/test). On a
// user's machine without it those tests are skipped, each with the reason; in CI (CI=true) the runner fails
// the run on any skip. Each test run gets a schema of its own (the server reaches it through the URL's
// search_path), dropped afterwards, so runs never see each other's rows.
import { randomBytes } from "node:crypto";
import pg from "pg";

export const DATABASE_URL = process.env.DATABASE_URL ?? "";

/** False when PostgreSQL answers at DATABASE_URL; otherwise why the PostgreSQL tests are skipped. */
export async function postgresSkipReason(): Promise<string | false> {
  if (!DATABASE_URL)
    return "needs PostgreSQL: DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)";
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return false;
  } catch (err) {
    return `needs PostgreSQL: none answers at ${DATABASE_URL} (${(err as Error).message}); start one or set DATABASE_URL`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A schema of this test run's own; `url` reaches it. `drop()` removes it and everything in it. */
export interface TestSchema {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createTestSchema(label: string): Promise<TestSchema> {
  const name = `tcpchat_test_${label.replace(/\W/g, "_")}_${process.pid}_${randomBytes(4).toString("hex")}`;
  await admin(`create schema ${name}`);
  const url = new URL(DATABASE_URL);
  url.searchParams.set("options", `-c search_path=${name}`);
  return { name, url: url.toString(), drop: () => admin(`drop schema if exists ${name} cascade`) };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
