// Accounts: registering, logging in, changing a password, dropping, the certificates that log in; the rules,
// whatever the store. Names fold as nicknames do (an account is a nickname someone owns). Passwords are kept
// twice, never in clear: as an scrypt hash (PLAIN, NickServ IDENTIFY) and as SCRAM-SHA-256's salted keys.
// Records are read from the store each time (another node, or `tcpchat account`, may have changed them);
// registered names are also held in memory, so that a nick's owner is known at once (nick enforcement, the
// seed protocol), and read again now and then.
import { hashPassword, verifyPassword } from "../../password-hash.js";
import { makeScramCredentials, normalisePassword, type ScramCredentials } from "../../protocol/sasl/scram.js";
import { fold } from "../core/casemap.js";
import type { Clock } from "../core/clock.js";
import type { AccountRecord, AccountStore, CertificateRecord } from "./store.js";
import { DEFAULT_THROTTLE, LoginThrottle, type ThrottleLimits } from "./throttle.js";

export type { AccountRecord, AccountStore, CertificateRecord };

/** Shorter passwords are refused as weak. */
export const MIN_PASSWORD_LENGTH = 6;
/** Passwords must fit a PRIVMSG to NickServ (the account-registration spec's advice). */
export const MAX_PASSWORD_BYTES = 300;
const MAX_EMAIL_LENGTH = 254;
/** Client certificates one account may have (NickServ CERT ADD). */
export const MAX_CERTIFICATES = 10;

/** Why an account change was refused. */
export const AccountError = {
  BadName: "bad-name",
  Exists: "exists",
  WeakPassword: "weak-password",
  UnacceptablePassword: "unacceptable-password",
  BadEmail: "bad-email",
  NoAccount: "no-account",
  WrongPassword: "wrong-password",
  /** Too many failed logins lately, for the account or from the address. */
  Throttled: "throttled",
} as const;
export type AccountError = (typeof AccountError)[keyof typeof AccountError];

/** Why a certificate change was refused. */
export const CertificateError = {
  /** Not a SHA-256 fingerprint (64 hex digits, colons allowed). */
  BadFingerprint: "bad-fingerprint",
  /** On this account already. */
  Exists: "exists",
  /** Another account's. */
  Taken: "taken",
  TooMany: "too-many",
  /** Not on this account. */
  NotFound: "not-found",
  NoAccount: "no-account",
} as const;
export type CertificateError = (typeof CertificateError)[keyof typeof CertificateError];

export type Outcome<T, E = AccountError> = { ok: true; value: T } | { ok: false; error: E };

export interface AccountsOptions {
  clock: Clock;
  /** Whether a name may be an account's: the nickname rules. */
  isValidName: (name: string) => boolean;
  /** Names nobody may register (the service users'). */
  reserved?: readonly string[];
  throttle?: ThrottleLimits;
  /** An account was registered or dropped here: other nodes should learn its name. */
  announce?: (name: string, registered: boolean) => void;
}

export class Accounts {
  /** Folded names of every account. */
  private names = new Set<string>();
  /** Counts changes to `names`: a reading from the store started before one is stale. */
  private changes = 0;
  readonly throttle: LoginThrottle;
  private readonly reserved: Set<string>;
  /** A hash to check wrong names against, so that an unknown account costs the same time as a known one. */
  private decoy: Promise<string> | null = null;

  constructor(
    public store: AccountStore,
    private readonly options: AccountsOptions,
  ) {
    this.throttle = new LoginThrottle(options.clock, options.throttle ?? DEFAULT_THROTTLE);
    this.reserved = new Set((options.reserved ?? []).map(fold));
  }

  /** Keep accounts in `store` from now on (the server's, once it is open), and read their names. */
  async open(store: AccountStore): Promise<void> {
    this.store = store;
    await this.load();
  }

  /** Read the registered names from the store. */
  async load(): Promise<void> {
    this.names = new Set(await this.store.keys());
    this.changes += 1;
  }

  /**
   * Read the names again (accounts added or dropped with `tcpchat account` while the server runs); a
   * reading that a change overtook is left for the next one.
   */
  async refresh(): Promise<void> {
    const before = this.changes;
    const keys = await this.store.keys();
    if (this.changes === before) this.names = new Set(keys);
  }

  /** An account registered or dropped elsewhere (another node sharing the store). */
  learn(name: string, registered: boolean): void {
    this.changes += 1;
    if (registered) this.names.add(fold(name));
    else this.names.delete(fold(name));
  }

  /** Whether `name` is an account's (and so a nickname someone owns). */
  isRegistered(name: string): boolean {
    return this.names.has(fold(name));
  }

  async find(name: string): Promise<AccountRecord | null> {
    const record = await this.store.find(fold(name));
    this.noteFound(name, record);
    return record;
  }

  /** What the store said of `name` holds for nick enforcement too. */
  private noteFound(name: string, record: AccountRecord | null): void {
    if ((record !== null) !== this.names.has(fold(name))) this.learn(name, record !== null);
  }

  /** What is wrong with a new account's name, email or password; null when nothing. */
  check(name: string, email: string | null, password: string): AccountError | null {
    return this.checkName(name, email) ?? checkPassword(password);
  }

  /** What is wrong with a new account's name or email; null when nothing. */
  checkName(name: string, email: string | null): AccountError | null {
    if (!this.options.isValidName(name) || this.reserved.has(fold(name))) return AccountError.BadName;
    if (email !== null && !validEmail(email)) return AccountError.BadEmail;
    return null;
  }

  async register(name: string, email: string | null, password: string): Promise<Outcome<AccountRecord>> {
    const problem = this.check(name, email, password);
    if (problem) return { ok: false, error: problem };
    const key = fold(name);
    if (this.names.has(key)) return { ok: false, error: AccountError.Exists };
    const [passwordHash, scram] = await credentials(password);
    const record: AccountRecord = { name, email, passwordHash, scram, createdAt: this.options.clock.now() };
    if (!(await this.store.create(key, record))) {
      this.learn(name, true);
      return { ok: false, error: AccountError.Exists };
    }
    this.learn(name, true);
    this.options.announce?.(name, true);
    return { ok: true, value: record };
  }

  /** Log in with a password (PLAIN, NickServ IDENTIFY): the account's name as registered. */
  async login(name: string, password: string, address: string): Promise<Outcome<string>> {
    const key = fold(name);
    if (this.throttle.wait(key, address) > 0) return { ok: false, error: AccountError.Throttled };
    const record = await this.store.find(key);
    this.noteFound(name, record);
    const good = await verifyPassword(
      normalisePassword(password),
      record?.passwordHash ?? (await this.decoyHash()),
    );
    if (!record || !good) {
      this.throttle.failed(key, address);
      return { ok: false, error: record ? AccountError.WrongPassword : AccountError.NoAccount };
    }
    this.throttle.succeeded(key);
    return { ok: true, value: record.name };
  }

  /** SCRAM: whether an attempt for `name` from `address` may go ahead now. */
  mayTry(name: string, address: string): boolean {
    return this.throttle.wait(fold(name), address) === 0;
  }

  /** SCRAM: the outcome of an attempt checked elsewhere, counted like any login. */
  noteLogin(name: string, address: string, ok: boolean): void {
    if (ok) this.throttle.succeeded(fold(name));
    else this.throttle.failed(fold(name), address);
  }

  async setPassword(name: string, password: string): Promise<Outcome<null>> {
    const problem = checkPassword(password);
    if (problem) return { ok: false, error: problem };
    const [passwordHash, scram] = await credentials(password);
    if (!(await this.store.setCredentials(fold(name), passwordHash, scram)))
      return { ok: false, error: AccountError.NoAccount };
    return { ok: true, value: null };
  }

  async drop(name: string): Promise<Outcome<null>> {
    const key = fold(name);
    const dropped = await this.store.drop(key);
    this.learn(name, false);
    if (dropped) this.options.announce?.(name, false);
    return dropped ? { ok: true, value: null } : { ok: false, error: AccountError.NoAccount };
  }

  list(): Promise<AccountRecord[]> {
    return this.store.list();
  }

  // ---- client certificates (SASL EXTERNAL)

  /** Log in with a TLS client certificate: the account that added its fingerprint. */
  async loginByCertificate(fingerprint: string): Promise<Outcome<string>> {
    const record = await this.store.findByCertificate(fingerprint);
    return record ? { ok: true, value: record.name } : { ok: false, error: AccountError.NoAccount };
  }

  /** Let the certificate of `fingerprint` (any case, colons allowed) log in to `account`. */
  async addCertificate(account: string, fingerprint: string): Promise<Outcome<string, CertificateError>> {
    const normal = normaliseFingerprint(fingerprint);
    if (normal === null) return { ok: false, error: CertificateError.BadFingerprint };
    const key = fold(account);
    if ((await this.store.certificates(key)).length >= MAX_CERTIFICATES)
      return { ok: false, error: CertificateError.TooMany };
    const added = await this.store.addCertificate(key, {
      fingerprint: normal,
      addedAt: this.options.clock.now(),
    });
    switch (added) {
      case "added":
        return { ok: true, value: normal };
      case "exists":
        return { ok: false, error: CertificateError.Exists };
      case "taken":
        return { ok: false, error: CertificateError.Taken };
      case "no-account":
        return { ok: false, error: CertificateError.NoAccount };
    }
  }

  async deleteCertificate(account: string, fingerprint: string): Promise<Outcome<string, CertificateError>> {
    const normal = normaliseFingerprint(fingerprint);
    if (normal === null) return { ok: false, error: CertificateError.BadFingerprint };
    return (await this.store.deleteCertificate(fold(account), normal))
      ? { ok: true, value: normal }
      : { ok: false, error: CertificateError.NotFound };
  }

  certificates(account: string): Promise<CertificateRecord[]> {
    return this.store.certificates(fold(account));
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= hashPassword("no such account");
    return this.decoy;
  }
}

export function checkPassword(password: string): AccountError | null {
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES || /[\0\r\n]/.test(password))
    return AccountError.UnacceptablePassword;
  if ([...password].length < MIN_PASSWORD_LENGTH) return AccountError.WeakPassword;
  return null;
}

/** A SHA-256 fingerprint as the server shows them (lower-case hex), from any case, with or without colons. */
export function normaliseFingerprint(text: string): string | null {
  const hex = text.replaceAll(":", "").toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}

function validEmail(email: string): boolean {
  return email.length <= MAX_EMAIL_LENGTH && /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(email);
}

/** Both forms of a password: scrypt for PLAIN, SCRAM's keys for SCRAM. */
function credentials(password: string): Promise<[string, ScramCredentials]> {
  const normal = normalisePassword(password);
  return Promise.all([hashPassword(normal), makeScramCredentials(normal)]);
}
