// Where accounts are kept. The service (accounts.ts) holds the rules; a store only keeps records, by
// folded name. The server keeps them in its store (src/store/accounts.ts) whatever `--store` says;
// `MemoryAccountStore` keeps nothing past the process (tests of the rules).
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

/** A TLS client certificate that logs in to an account (SASL EXTERNAL). */
export interface CertificateRecord {
  /** SHA-256 of the certificate, lower-case hex. */
  fingerprint: string;
  addedAt: number;
}

/** What adding a certificate came to: added, on this account already, another account's, no account. */
export type CertificateAdded = "added" | "exists" | "taken" | "no-account";

export interface AccountStore {
  find(key: string): Promise<AccountRecord | null>;
  /** False when an account of that folded name exists already. */
  create(key: string, record: AccountRecord): Promise<boolean>;
  /** New credentials; false when there is no such account. */
  setCredentials(key: string, passwordHash: string, scram: ScramCredentials): Promise<boolean>;
  /** The account and its certificates; false when there was no such account. */
  drop(key: string): Promise<boolean>;
  /** Every account, by name. */
  list(): Promise<AccountRecord[]>;
  /** The folded names of every account (cheaper than `list`). */
  keys(): Promise<string[]>;
  addCertificate(key: string, certificate: CertificateRecord): Promise<CertificateAdded>;
  /** False when the account had no such certificate. */
  deleteCertificate(key: string, fingerprint: string): Promise<boolean>;
  /** An account's certificates, oldest first. */
  certificates(key: string): Promise<CertificateRecord[]>;
  /** The account a certificate logs in to, or null. */
  findByCertificate(fingerprint: string): Promise<AccountRecord | null>;
}

export class MemoryAccountStore implements AccountStore {
  private readonly records = new Map<string, AccountRecord>();
  /** Folded account name by fingerprint, in the order added. */
  private readonly owners = new Map<string, { account: string; addedAt: number }>();

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
    for (const [fingerprint, owner] of this.owners)
      if (owner.account === key) this.owners.delete(fingerprint);
    return this.records.delete(key);
  }

  async list(): Promise<AccountRecord[]> {
    return [...this.records.values()].map(copy).sort(byName);
  }

  async keys(): Promise<string[]> {
    return [...this.records.keys()];
  }

  async addCertificate(key: string, certificate: CertificateRecord): Promise<CertificateAdded> {
    if (!this.records.has(key)) return "no-account";
    const owner = this.owners.get(certificate.fingerprint);
    if (owner) return owner.account === key ? "exists" : "taken";
    this.owners.set(certificate.fingerprint, { account: key, addedAt: certificate.addedAt });
    return "added";
  }

  async deleteCertificate(key: string, fingerprint: string): Promise<boolean> {
    if (this.owners.get(fingerprint)?.account !== key) return false;
    return this.owners.delete(fingerprint);
  }

  async certificates(key: string): Promise<CertificateRecord[]> {
    return [...this.owners]
      .filter(([, owner]) => owner.account === key)
      .map(([fingerprint, owner]) => ({ fingerprint, addedAt: owner.addedAt }));
  }

  async findByCertificate(fingerprint: string): Promise<AccountRecord | null> {
    const owner = this.owners.get(fingerprint);
    return owner ? this.find(owner.account) : null;
  }
}

/** Accounts in the order of their names (code units: the same whatever a database's collation). */
export function byName(a: AccountRecord, b: AccountRecord): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function copy(record: AccountRecord): AccountRecord {
  return { ...record, scram: { ...record.scram } };
}
