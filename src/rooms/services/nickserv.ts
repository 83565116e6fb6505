// NickServ: accounts for clients without SASL or draft/account-registration (`/msg NickServ IDENTIFY pass`
// in irssi), and the guard of registered nicknames: whoever uses one without being logged in to it is
// told to identify, and renamed to a guest nick when the grace period runs out.

import { AccountError, type Accounts, CertificateError, MAX_CERTIFICATES } from "../accounts/accounts.js";
import { fold } from "../core/casemap.js";
import type { Clock, Timer } from "../core/clock.js";
import type { RoomRegistry } from "../core/registry.js";
import type { User } from "../core/user.js";
import { Service, type ServiceCommands } from "./service-user.js";

export interface NickServOptions {
  accounts: Accounts;
  clock: Clock;
  /** How long someone may keep a registered nick without identifying. */
  graceMs: number;
  /** The user's address, for the failed-login throttle. */
  addressOf: (user: User) => string;
  /** The fingerprint of the user's TLS client certificate (CERT ADD without one named), or null. */
  certificateOf: (user: User) => string | null;
  onError: (err: unknown) => void;
}

const HELP: Record<string, string[]> = {
  REGISTER: ["REGISTER <password> [email]: register your current nick as an account, and log in to it."],
  IDENTIFY: ["IDENTIFY [account] <password>: log in to an account (your current nick's unless named)."],
  INFO: ["INFO [account]: when an account was registered, and whether anyone is logged in to it."],
  "SET PASSWORD": ["SET PASSWORD <new password>: change the password of the account you are logged in to."],
  DROP: ["DROP <password>: delete the account you are logged in to; its nick is free again."],
  LOGOUT: ["LOGOUT: log out of your account."],
  CERT: [
    "CERT ADD [fingerprint] | CERT DEL <fingerprint> | CERT LIST: the TLS client certificates that log in to your account with SASL EXTERNAL (ADD alone adds this connection's).",
  ],
};

const CERT_SYNTAX = "Syntax: CERT ADD [fingerprint] | CERT DEL <fingerprint> | CERT LIST";

export function describeCertificateError(error: CertificateError, fingerprint: string): string {
  switch (error) {
    case CertificateError.BadFingerprint:
      return "That is not a certificate fingerprint: 64 hexadecimal digits of SHA-256 (colons allowed).";
    case CertificateError.Exists:
      return `${fingerprint} is already one of your certificates.`;
    case CertificateError.Taken:
      return "That certificate logs in to another account.";
    case CertificateError.TooMany:
      return `An account has at most ${MAX_CERTIFICATES} certificates: remove one first (CERT DEL).`;
    case CertificateError.NotFound:
      return `${fingerprint} is not one of your certificates.`;
    case CertificateError.NoAccount:
      return "You are not logged in.";
  }
}

export function describeError(error: AccountError, account: string): string {
  switch (error) {
    case AccountError.BadName:
      return `${account} cannot be an account name: it must be a valid nickname, and not a service's.`;
    case AccountError.Exists:
      return `${account} is registered already.`;
    case AccountError.WeakPassword:
      return "That password is too short: use at least 6 characters.";
    case AccountError.UnacceptablePassword:
      return "That password cannot be used: at most 300 bytes, no NUL, CR or LF.";
    case AccountError.BadEmail:
      return "That is not an email address.";
    case AccountError.NoAccount:
      return `${account} is not a registered account.`;
    case AccountError.WrongPassword:
      return `Invalid password for ${account}.`;
    case AccountError.Throttled:
      return `Too many failed logins to ${account} or from your address: wait a minute and try again.`;
  }
}

export class NickServ extends Service {
  private readonly grace = new Map<User, Timer>();
  protected readonly commands: ServiceCommands = {
    HELP: (from, words) => this.help(from, words),
    REGISTER: (from, words) => this.register(from, words),
    IDENTIFY: (from, words) => this.identify(from, words),
    LOGIN: (from, words) => this.identify(from, words),
    INFO: (from, words) => this.info(from, words),
    SET: (from, words) => this.set(from, words),
    DROP: (from, words) => this.drop(from, words),
    LOGOUT: (from) => this.logout(from),
    CERT: (from, words) => this.cert(from, words),
  };

  constructor(
    registry: RoomRegistry,
    private readonly options: NickServOptions,
  ) {
    super(registry, "NickServ", 0, options.clock.now());
  }

  get accounts(): Accounts {
    return this.options.accounts;
  }

  protected failed(err: unknown): void {
    this.options.onError(err);
  }

  // ---- nick enforcement

  /**
   * `user` now goes by its nick (it registered, or changed nick, or logged out): if that nick is an
   * account it is not logged in to, it is told to identify and given the grace period.
   */
  check(user: User): void {
    this.clear(user);
    if (!this.accounts.isRegistered(user.nick) || this.owns(user, user.nick)) return;
    const nick = user.nick;
    this.reply(
      user,
      `This nickname is registered. Please identify via /msg NickServ IDENTIFY <password> within ${Math.ceil(this.options.graceMs / 1000)} seconds, or choose another nick.`,
    );
    this.grace.set(
      user,
      this.options.clock.after(this.options.graceMs, () => {
        this.grace.delete(user);
        if (!this.registry.isRegistered(user) || fold(user.nick) !== fold(nick) || this.owns(user, nick))
          return;
        this.rename(user);
      }),
    );
  }

  /** The user is gone, or identified: no more waiting on it. */
  clear(user: User): void {
    this.grace.get(user)?.cancel();
    this.grace.delete(user);
  }

  private owns(user: User, nick: string): boolean {
    return user.account !== null && fold(user.account) === fold(nick);
  }

  /** Guest<n>, the first free one from the user's id. */
  private rename(user: User): void {
    const old = user.nick;
    for (let n = user.id % 100_000; ; n++) {
      const guest = `Guest${n}`;
      if (this.registry.findUser(guest)) continue;
      if (this.registry.rename(user, guest) !== null) return;
      this.reply(user, `You did not identify for ${old} in time: you are now ${guest}.`);
      return;
    }
  }

  // ---- commands

  private help(from: User, words: string[]): void {
    const topic = words.join(" ").toUpperCase();
    if (topic !== "") {
      const lines = HELP[topic] ?? HELP[topic.split(" ")[0] as string];
      this.reply(from, lines ? (lines[0] as string) : `No help for ${topic}.`);
      return;
    }
    this.reply(from, "NickServ keeps accounts: a registered nick is its owner's. Commands:");
    for (const lines of Object.values(HELP)) this.reply(from, lines[0] as string);
    this.reply(
      from,
      "IRC clients may also log in with SASL (PLAIN, SCRAM-SHA-256, EXTERNAL) and register with REGISTER.",
    );
  }

  // REGISTER <password> [email]
  private async register(from: User, words: string[]): Promise<void> {
    const [password, email] = words;
    if (password === undefined || words.length > 2) {
      this.reply(from, "Syntax: REGISTER <password> [email]");
      return;
    }
    if (from.account !== null) {
      this.reply(from, `You are already logged in as ${from.account}.`);
      return;
    }
    const name = from.nick;
    const result = await this.accounts.register(name, email ?? null, password);
    if (!result.ok) {
      this.reply(from, describeError(result.error, name));
      return;
    }
    if (!this.registry.isRegistered(from)) return;
    this.registry.setAccount(from, result.value.name);
    this.clear(from);
    this.reply(from, `Account ${result.value.name} registered; you are now logged in.`);
  }

  // IDENTIFY [account] <password>
  private async identify(from: User, words: string[]): Promise<void> {
    if (words.length < 1 || words.length > 2) {
      this.reply(from, "Syntax: IDENTIFY [account] <password>");
      return;
    }
    const [account, password] =
      words.length === 2 ? (words as [string, string]) : [from.nick, words[0] as string];
    if (from.account !== null && fold(from.account) === fold(account)) {
      this.reply(from, `You are already logged in as ${from.account}.`);
      return;
    }
    const result = await this.accounts.login(account, password, this.options.addressOf(from));
    if (!result.ok) {
      const error = result.error === AccountError.NoAccount ? AccountError.WrongPassword : result.error;
      this.reply(from, describeError(error, account));
      return;
    }
    if (!this.registry.isRegistered(from)) return;
    this.registry.setAccount(from, result.value);
    this.clear(from);
    this.reply(from, `You are now identified as ${result.value}.`);
  }

  // INFO [account]
  private async info(from: User, words: string[]): Promise<void> {
    const name = words[0] ?? from.account ?? from.nick;
    const record = await this.accounts.find(name);
    if (!record) {
      this.reply(from, describeError(AccountError.NoAccount, name));
      return;
    }
    const online = [...this.registry.users.values()]
      .filter((user) => user.account !== null && fold(user.account) === fold(record.name))
      .map((user) => user.nick);
    this.reply(from, `Account ${record.name}, registered ${new Date(record.createdAt).toUTCString()}.`);
    if (this.owns(from, record.name) && record.email !== null) this.reply(from, `Email: ${record.email}`);
    this.reply(
      from,
      online.length > 0 ? `Logged in now: ${online.join(" ")}` : "Nobody is logged in to it now.",
    );
  }

  // SET PASSWORD <new password>
  private async set(from: User, words: string[]): Promise<void> {
    const [what, password] = words;
    if (what?.toUpperCase() !== "PASSWORD" || password === undefined || words.length !== 2) {
      this.reply(from, "Syntax: SET PASSWORD <new password>");
      return;
    }
    if (from.account === null) {
      this.reply(from, "You are not logged in.");
      return;
    }
    const result = await this.accounts.setPassword(from.account, password);
    this.reply(from, result.ok ? "Password changed." : describeError(result.error, from.account));
  }

  // DROP <password>
  private async drop(from: User, words: string[]): Promise<void> {
    if (words.length !== 1) {
      this.reply(from, "Syntax: DROP <password>");
      return;
    }
    const account = from.account;
    if (account === null) {
      this.reply(from, "You are not logged in.");
      return;
    }
    const login = await this.accounts.login(account, words[0] as string, this.options.addressOf(from));
    if (!login.ok) {
      this.reply(from, describeError(login.error, account));
      return;
    }
    await this.accounts.drop(account);
    // This node's users of the account are logged out; each node decides for its own users.
    for (const user of [...this.registry.users.values()])
      if (!user.frontend.remote && user.account !== null && fold(user.account) === fold(account))
        this.registry.setAccount(user, null);
    this.reply(from, `Account ${account} dropped.`);
  }

  // CERT ADD [fingerprint] | CERT DEL <fingerprint> | CERT LIST
  private async cert(from: User, words: string[]): Promise<void> {
    const [what, given, ...rest] = words;
    const sub = what?.toUpperCase();
    const fits =
      rest.length === 0 &&
      (sub === "ADD" || (sub === "DEL" && given !== undefined) || (sub === "LIST" && given === undefined));
    if (!fits) {
      this.reply(from, CERT_SYNTAX);
      return;
    }
    const account = from.account;
    if (account === null) {
      this.reply(from, "You are not logged in.");
      return;
    }
    if (sub === "LIST") {
      const certificates = await this.accounts.certificates(account);
      if (certificates.length === 0) {
        this.reply(from, `${account} has no certificates: CERT ADD adds this connection's.`);
        return;
      }
      this.reply(from, `Certificates that log in to ${account}:`);
      for (const { fingerprint, addedAt } of certificates)
        this.reply(from, `${fingerprint} (added ${new Date(addedAt).toUTCString()})`);
      return;
    }
    const fingerprint = given ?? this.options.certificateOf(from);
    if (fingerprint === null) {
      this.reply(from, "This connection has no client certificate: name a fingerprint, or connect with one.");
      return;
    }
    const result =
      sub === "ADD"
        ? await this.accounts.addCertificate(account, fingerprint)
        : await this.accounts.deleteCertificate(account, fingerprint);
    if (!result.ok) {
      this.reply(from, describeCertificateError(result.error, fingerprint));
      return;
    }
    this.reply(
      from,
      sub === "ADD"
        ? `${result.value} now logs in to ${account} (SASL EXTERNAL).`
        : `${result.value} no longer logs in to ${account}.`,
    );
  }

  private logout(from: User): void {
    if (from.account === null) {
      this.reply(from, "You are not logged in.");
      return;
    }
    this.registry.setAccount(from, null);
    this.reply(from, "You are now logged out.");
    this.check(from);
  }
}
