// What `--store` and `--data-dir` name, without opening anything (the options and the configuration read
// this; only the server loads the database drivers).

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

/** A PostgreSQL URL with its password hidden. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@/]*@/, "$1:***@");
}

/** A store that could not be opened or upgraded: the message says which and why, in one line. */
export class StoreError extends Error {}
