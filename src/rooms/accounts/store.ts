// Where accounts are kept. The service (accounts.ts) holds the rules; a store only keeps records, by
// folded name. `MemoryAccountStore` is `--store memory`'s: nothing outlives the process.
import type { ScramCredentials } from "../../protocol/sasl/scram.js";

export interface AccountRecord {
  /** As it was registered (its case kept); found by its folded form. */
  name: string;
  email: string | null;
  /** scrypt, as a PHC string (password-hash.ts): for PLAIN and NickServ IDENTIFY. */
  passwordHash: string;
  /** SCRAM-SHA-256's salted keys: for SCRAM. */
  scram: ScramCredentials;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export interface AccountStore {
  find(key: string): Promise<AccountRecord | null>;
  /** False when an account of that folded name exists already. */
  create(key: string, record: AccountRecord): Promise<boolean>;
  /** New credentials; false when there is no such account. */
  setCredentials(key: string, passwordHash: string, scram: ScramCredentials): Promise<boolean>;
  /** False when there was no such account. */
  drop(key: string): Promise<boolean>;
  /** Every account, by name. */
  list(): Promise<AccountRecord[]>;
}

export class MemoryAccountStore implements AccountStore {
  private readonly records = new Map<string, AccountRecord>();

  async find(key: string): Promise<AccountRecord | null> {
    const record = this.records.get(key);
    return record ? copy(record) : null;
  }

  async create(key: string, record: AccountRecord): Promise<boolean> {
    if (this.records.has(key)) return false;
    this.records.set(key, copy(record));
    return true;
  }

  async setCredentials(key: string, passwordHash: string, scram: ScramCredentials): Promise<boolean> {
    const record = this.records.get(key);
    if (!record) return false;
    record.passwordHash = passwordHash;
    record.scram = { ...scram };
    return true;
  }

  async drop(key: string): Promise<boolean> {
    return this.records.delete(key);
  }

  async list(): Promise<AccountRecord[]> {
    return [...this.records.values()].map(copy).sort((a, b) => (a.name < b.name ? -1 : 1));
  }
}

function copy(record: AccountRecord): AccountRecord {
  return { ...record, scram: { ...record.scram } };
}
