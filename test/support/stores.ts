// The stores a suite runs over, each made fresh for one test and removed after it: SQLite in a folder of
// its own, SQLite in memory, and PostgreSQL in a schema of its own (skipped, with the reason, without
// DATABASE_URL; CI fails on the skip).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store, type StoreConfig } from "../../src/store/index.js";
import { createTestSchema, postgresSkipReason } from "./postgres.js";

export interface TestStore {
  config: StoreConfig;
  /** Removes the folder or the schema. */
  remove(): Promise<void>;
}

export interface StoreBackend {
  name: "sqlite" | "memory" | "postgres";
  /** False when it can run here; otherwise why its tests are skipped. */
  skip: string | false;
  create(label: string): Promise<TestStore>;
}

export async function storeBackends(): Promise<StoreBackend[]> {
  return [
    { name: "sqlite", skip: false, create: async () => sqliteStore() },
    {
      name: "memory",
      skip: false,
      create: async () => ({ config: { store: "memory", dataDir: "/nonexistent" }, remove: async () => {} }),
    },
    {
      name: "postgres",
      skip: await postgresSkipReason(),
      create: async (label) => {
        const schema = await createTestSchema(label);
        return { config: { store: schema.url, dataDir: "/nonexistent" }, remove: schema.drop };
      },
    },
  ];
}

/** A SQLite store in a fresh folder (the data folder itself not yet made). */
export function sqliteStore(): TestStore {
  const root = mkdtempSync(join(tmpdir(), "tcpchat-store-"));
  return {
    config: { store: "sqlite", dataDir: join(root, "data") },
    remove: async () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A fresh store of `backend`, opened for `use`, then closed and removed whatever `use` did. */
export async function withFreshStore<T>(
  backend: StoreBackend,
  label: string,
  use: (store: Store) => Promise<T>,
): Promise<T> {
  const made = await backend.create(label);
  const store = await openStore(made.config);
  try {
    return await use(store);
  } finally {
    await store.close();
    await made.remove();
  }
}
