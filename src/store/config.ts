// What `--store` and `--data-dir` name, without opening anything (the options and the configuration read
// this; only the server loads the database drivers).
import { join, resolve } from "node:path";

export type StoreKind = "sqlite" | "memory" | "postgres";

export interface StoreConfig {
  /** `sqlite`, `memory`, or a `postgres://user:pass@host:port/db` URL. */
  store: string;
  /** The folder of the SQLite file; created when missing. */
  dataDir: string;
}

export const DEFAULT_DATA_DIR = "./tcpchat-data";

/** The kind a `--store` value names, or null when it names none. */
export function storeKind(spec: string): StoreKind | null {
  if (spec === "sqlite" || spec === "memory") return spec;
  if (/^postgres(ql)?:\/\/./.test(spec)) return "postgres";
  return null;
}

/** The SQLite file's name in the data folder. */
export const SQLITE_FILE = "tcpchat.sqlite";

/** Where a store is, for logs: the SQLite file, `memory`, or the URL without its password. */
export function describeStore(config: StoreConfig): string {
  if (config.store === "sqlite") return join(resolve(config.dataDir), SQLITE_FILE);
  return config.store === "memory" ? "memory" : redactUrl(config.store);
}

/** A PostgreSQL URL with its password hidden. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@/]*@/, "$1:***@");
}

/** A store that could not be opened or upgraded: the message says which and why, in one line. */
export class StoreError extends Error {}
