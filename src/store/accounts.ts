// Accounts in the store: one row per folded name with both forms of its password (scrypt, SCRAM's keys), and
// the TLS client certificates that log in to it. Every read goes to the database: with nodes sharing
// PostgreSQL (or `tcpchat account` beside a running server) a password changed elsewhere holds at once.
import type { Kysely, Selectable } from "kysely";
import type { ScramCredentials } from "../protocol/sasl/scram.js";
import {
  type AccountRecord,
  type AccountStore,
  byName,
  type CertificateAdded,
  type CertificateRecord,
} from "../rooms/accounts/store.js";
import type { AccountsTable, Database } from "./schema.js";

export class SqlAccountStore implements AccountStore {
  constructor(private readonly db: Kysely<Database>) {}

  async find(key: string): Promise<AccountRecord | null> {
    const row = await this.db.selectFrom("accounts").selectAll().where("key", "=", key).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async create(key: string, record: AccountRecord): Promise<boolean> {
    const inserted = await this.db
      .insertInto("accounts")
      .values({
        key,
        name: record.name,
        email: record.email,
        password_hash: record.passwordHash,
        ...scramColumns(record.scram),
        created_at: record.createdAt,
      })
      .onConflict((oc) => oc.column("key").doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async setCredentials(key: string, passwordHash: string, scram: ScramCredentials): Promise<boolean> {
    const updated = await this.db
      .updateTable("accounts")
      .set({ password_hash: passwordHash, ...scramColumns(scram) })
      .where("key", "=", key)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) > 0;
  }

  async drop(key: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("account_certificates").where("account", "=", key).execute();
      const deleted = await trx.deleteFrom("accounts").where("key", "=", key).executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0;
    });
  }

  async list(): Promise<AccountRecord[]> {
    const rows = await this.db.selectFrom("accounts").selectAll().execute();
    return rows.map(toRecord).sort(byName);
  }

  async keys(): Promise<string[]> {
    const rows = await this.db.selectFrom("accounts").select("key").execute();
    return rows.map((row) => row.key);
  }

  async addCertificate(key: string, certificate: CertificateRecord): Promise<CertificateAdded> {
    return this.db.transaction().execute(async (trx) => {
      const account = await trx
        .selectFrom("accounts")
        .select("key")
        .where("key", "=", key)
        .executeTakeFirst();
      if (!account) return "no-account";
      const inserted = await trx
        .insertInto("account_certificates")
        .values({ fingerprint: certificate.fingerprint, account: key, added_at: certificate.addedAt })
        .onConflict((oc) => oc.column("fingerprint").doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return "added";
      const owner = await trx
        .selectFrom("account_certificates")
        .select("account")
        .where("fingerprint", "=", certificate.fingerprint)
        .executeTakeFirst();
      return owner?.account === key ? "exists" : "taken";
    });
  }

  async deleteCertificate(key: string, fingerprint: string): Promise<boolean> {
    const deleted = await this.db
      .deleteFrom("account_certificates")
      .where("account", "=", key)
      .where("fingerprint", "=", fingerprint)
      .executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }

  async certificates(key: string): Promise<CertificateRecord[]> {
    const rows = await this.db
      .selectFrom("account_certificates")
      .select(["fingerprint", "added_at"])
      .where("account", "=", key)
      .orderBy("added_at")
      .orderBy("fingerprint")
      .execute();
    return rows.map((row) => ({ fingerprint: row.fingerprint, addedAt: Number(row.added_at) }));
  }

  async findByCertificate(fingerprint: string): Promise<AccountRecord | null> {
    const row = await this.db
      .selectFrom("account_certificates")
      .innerJoin("accounts", "accounts.key", "account_certificates.account")
      .selectAll("accounts")
      .where("account_certificates.fingerprint", "=", fingerprint)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }
}

function scramColumns(scram: ScramCredentials) {
  return {
    scram_salt: scram.salt,
    scram_iterations: scram.iterations,
    scram_stored_key: scram.storedKey,
    scram_server_key: scram.serverKey,
  };
}

function toRecord(row: Selectable<AccountsTable>): AccountRecord {
  return {
    name: row.name,
    email: row.email,
    passwordHash: row.password_hash,
    scram: {
      salt: row.scram_salt,
      iterations: Number(row.scram_iterations),
      storedKey: row.scram_stored_key,
      serverKey: row.scram_server_key,
    },
    createdAt: Number(row.created_at),
  };
}
