// Accounts: registering, logging in, changing a password, dropping; the rules, whatever the store. Names
// fold as nicknames do (an account is a nickname someone owns). Passwords are kept twice, never in clear:
// as an scrypt hash (PLAIN, NickServ IDENTIFY) and as SCRAM-SHA-256's salted keys. Registered names are
// also held in memory, so that a nick's owner is known at once (nick enforcement, the seed protocol).
import { hashPassword, verifyPassword } from "../../password-hash.js";
import { makeScramCredentials, normalisePassword, type ScramCredentials } from "../../protocol/sasl/scram.js";
import { fold } from "../core/casemap.js";
import type { Clock } from "../core/clock.js";
import type { AccountRecord, AccountStore } from "./store.js";
import { DEFAULT_THROTTLE, LoginThrottle, type ThrottleLimits } from "./throttle.js";

export type { AccountRecord, AccountStore };

/** Shorter passwords are refused as weak. */
export const MIN_PASSWORD_LENGTH = 6;
/** Passwords must fit a PRIVMSG to NickServ (the account-registration spec's advice). */
export const MAX_PASSWORD_BYTES = 300;
const MAX_EMAIL_LENGTH = 254;

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

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: AccountError };

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
  private readonly names = new Set<string>();
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
    this.names.clear();
    for (const record of await this.store.list()) this.names.add(fold(record.name));
  }

  /** An account registered or dropped elsewhere (another node sharing the store). */
  learn(name: string, registered: boolean): void {
    if (registered) this.names.add(fold(name));
    else this.names.delete(fold(name));
  }

  /** Whether `name` is an account's (and so a nickname someone owns). */
  isRegistered(name: string): boolean {
    return this.names.has(fold(name));
  }

  find(name: string): Promise<AccountRecord | null> {
    return this.store.find(fold(name));
  }

  /** What is wrong with a new account's name, email or password; null when nothing. */
  check(name: string, email: string | null, password: string): AccountError | null {
    if (!this.options.isValidName(name) || this.reserved.has(fold(name))) return AccountError.BadName;
    if (email !== null && !validEmail(email)) return AccountError.BadEmail;
    return checkPassword(password);
  }

  async register(name: string, email: string | null, password: string): Promise<Outcome<AccountRecord>> {
    const problem = this.check(name, email, password);
    if (problem) return { ok: false, error: problem };
    const key = fold(name);
    if (this.names.has(key)) return { ok: false, error: AccountError.Exists };
    const [passwordHash, scram] = await credentials(password);
    const record: AccountRecord = { name, email, passwordHash, scram, createdAt: this.options.clock.now() };
    if (!(await this.store.create(key, record))) {
      this.names.add(key);
      return { ok: false, error: AccountError.Exists };
    }
    this.names.add(key);
    this.options.announce?.(name, true);
    return { ok: true, value: record };
  }

  /** Log in with a password (PLAIN, NickServ IDENTIFY): the account's name as registered. */
  async login(name: string, password: string, address: string): Promise<Outcome<string>> {
    const key = fold(name);
    if (this.throttle.wait(key, address) > 0) return { ok: false, error: AccountError.Throttled };
    const record = await this.store.find(key);
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
    this.names.delete(key);
    if (dropped) this.options.announce?.(name, false);
    return dropped ? { ok: true, value: null } : { ok: false, error: AccountError.NoAccount };
  }

  list(): Promise<AccountRecord[]> {
    return this.store.list();
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

function validEmail(email: string): boolean {
  return email.length <= MAX_EMAIL_LENGTH && /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(email);
}

/** Both forms of a password: scrypt for PLAIN, SCRAM's keys for SCRAM. */
function credentials(password: string): Promise<[string, ScramCredentials]> {
  const normal = normalisePassword(password);
  return Promise.all([hashPassword(normal), makeScramCredentials(normal)]);
}
