// Where the rooms' lasting state lives: `--store sqlite` (a file in `--data-dir`, the default), `memory`
// (SQLite in memory: the same queries, nothing kept after the process), or `postgres://…` (one database
// shared by several nodes). Every kind is the same Kysely database with the same migrations, run when the
// store opens.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { redactUrl, SQLITE_FILE, type StoreConfig, StoreError, type StoreKind, storeKind } from "./config.js";
import { MIGRATIONS } from "./migrations.js";
import type { Database } from "./schema.js";

export {
  DEFAULT_DATA_DIR,
  describeStore,
  redactUrl,
  SQLITE_FILE,
  type StoreConfig,
  StoreError,
  type StoreKind,
  storeKind,
} from "./config.js";

export type { Database } from "./schema.js";

export interface Store {
  readonly kind: StoreKind;
  readonly db: Kysely<Database>;
  /** Several nodes may share this store (PostgreSQL): each writes only what it decided. */
  readonly shared: boolean;
  /** Where it is, for logs: the file, `memory`, or the URL without its password. */
  readonly where: string;
  /** SQLite: the connection under `db`, for the statements prepared once on the hot path; else null. */
  readonly sqlite: BetterSqlite3.Database | null;
  close(): Promise<void>;
}

export async function openStore(config: StoreConfig): Promise<Store> {
  const kind = storeKind(config.store);
  if (kind === null) throw new StoreError(`unknown store ${JSON.stringify(config.store)}`);
  const store = kind === "postgres" ? openPostgres(config.store) : openSqlite(kind, config.dataDir);
  try {
    await migrate(store.db, kind);
  } catch (err) {
    await store.close().catch(() => {});
    throw new StoreError(`cannot open the store ${store.where}: ${describe(err)}`);
  }
  return store;
}

function openSqlite(kind: "sqlite" | "memory", dataDir: string): Store {
  let file = ":memory:";
  if (kind === "sqlite") {
    file = join(resolve(dataDir), SQLITE_FILE);
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (err) {
      throw new StoreError(`cannot create the data folder ${dataDir}: ${describe(err)}`);
    }
  }
  let sqlite: BetterSqlite3.Database;
  try {
    sqlite = new BetterSqlite3(file);
    // WAL: readers never wait for the writer, and a commit is one append. NORMAL: a commit survives the
    // process being killed (the OS has it); only a power cut may lose the last ones.
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    // Cluster workers share the file: a writer waits for another's transaction instead of failing.
    sqlite.pragma("busy_timeout = 5000");
  } catch (err) {
    throw new StoreError(`cannot open ${file}: ${describe(err)}`);
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    kind,
    db,
    shared: false,
    where: kind === "memory" ? "memory" : file,
    sqlite,
    close: () => db.destroy(),
  };
}

/** BIGINT (time, ids) as numbers: milliseconds and row numbers stay far below 2^53. */
const PG_INT8 = 20;
const pgTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === PG_INT8 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function openPostgres(url: string): Store {
  const pool = new pg.Pool({ connectionString: url, max: 4, types: pgTypes });
  // An idle connection's error (the server restarted) is the pool's to recover from, not a crash.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: "postgres",
    db,
    shared: true,
    where: redactUrl(url),
    sqlite: null,
    close: () => db.destroy(),
  };
}

async function migrate(db: Kysely<Database>, kind: StoreKind): Promise<void> {
  // Kysely looks for its own tables in every schema unless told which: in PostgreSQL, the one this
  // connection works in (its search_path), so that several schemas of one database stay apart.
  const schema =
    kind === "postgres"
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    // Migrations written side by side may land out of their numbers' order: each runs once, whichever came.
    allowUnorderedMigrations: true,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw failed ? new Error(`migration ${failed.migrationName}: ${describe(error)}`) : error;
  }
}

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return describe(err.errors[0]);
  const e = err as NodeJS.ErrnoException;
  return e?.message || e?.code || String(err);
}
