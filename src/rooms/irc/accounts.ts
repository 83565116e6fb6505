// Accounts over IRC: SASL (AUTHENTICATE, PLAIN, SCRAM-SHA-256 and EXTERNAL) and draft/account-registration
// (REGISTER, VERIFY). Logged-in state is the core's (`setAccount`): every node knows who is who.

import {
  ERR_NICKLOCKED,
  ERR_SASLABORTED,
  ERR_SASLALREADY,
  ERR_SASLFAIL,
  ERR_SASLTOOLONG,
  RPL_LOGGEDIN,
  RPL_SASLMECHS,
  RPL_SASLSUCCESS,
} from "../../protocol/irc/numerics.js";
import { parsePlain, ResponseReader, responseChunks } from "../../protocol/sasl/authenticate.js";
import { SCRAM_MECHANISM, ScramServer } from "../../protocol/sasl/scram.js";
import { AccountError } from "../accounts/accounts.js";
import { fold } from "../core/casemap.js";
import { Cap } from "./caps.js";
import type { IrcClient } from "./client.js";
import type { CommandTable } from "./commands.js";
import { withText } from "./replies.js";

/** EXTERNAL: the TLS client certificate, added to an account with NickServ CERT ADD, is the credential. */
export const SASL_MECHANISMS = ["PLAIN", SCRAM_MECHANISM, "EXTERNAL"] as const;

/** One SASL exchange of a client, from `AUTHENTICATE <mechanism>` to its end. */
export class SaslExchange {
  readonly reader = new ResponseReader();
  /** SCRAM's state; null for PLAIN and EXTERNAL. */
  readonly scram: ScramServer | null;
  /** Waiting on the store or a hash: input other than an abort fails the exchange. */
  busy = false;
  /** SCRAM: the proof held, the server's signature sent, the client's empty answer awaited. */
  verified: string | null = null;

  constructor(readonly mechanism: (typeof SASL_MECHANISMS)[number]) {
    this.scram = mechanism === SCRAM_MECHANISM ? new ScramServer() : null;
  }
}

// AUTHENTICATE <mechanism> | AUTHENTICATE <base64 chunk> | AUTHENTICATE + | AUTHENTICATE *
function authenticate(client: IrcClient, params: string[]): void {
  const param = params[0] as string;
  if (!client.has(Cap.Sasl)) {
    client.numeric(ERR_SASLFAIL, "SASL authentication failed");
    return;
  }
  if (client.saslDone || client.user.account !== null) {
    client.numeric(ERR_SASLALREADY, "You have already authenticated using SASL");
    return;
  }
  const exchange = client.sasl;
  if (!exchange) {
    if (param === "*") {
      client.numeric(ERR_SASLABORTED, "SASL authentication aborted");
      return;
    }
    const mechanism = SASL_MECHANISMS.find((name) => name === param.toUpperCase());
    if (!mechanism) {
      client.numeric(RPL_SASLMECHS, SASL_MECHANISMS.join(","), "are available SASL mechanisms");
      client.numeric(ERR_SASLFAIL, "SASL authentication failed");
      return;
    }
    client.sasl = new SaslExchange(mechanism);
    client.send("AUTHENTICATE +");
    return;
  }
  if (exchange.busy) {
    if (param === "*") abort(client);
    else fail(client);
    return;
  }
  const chunk = exchange.reader.take(param);
  switch (chunk.kind) {
    case "more":
      return;
    case "abort":
      abort(client);
      return;
    case "too-long":
      client.sasl = null;
      client.numeric(ERR_SASLTOOLONG, "SASL message too long");
      return;
    case "invalid":
      fail(client);
      return;
    case "done":
      step(client, exchange, chunk.data).catch((err: unknown) => {
        client.frontend.context.log.error({ err }, "SASL: %s", (err as Error).message);
        if (client.sasl === exchange) fail(client);
      });
      return;
  }
}

/** The exchange is over, told as 906. */
export function abort(client: IrcClient): void {
  client.sasl = null;
  client.numeric(ERR_SASLABORTED, "SASL authentication aborted");
}

function fail(client: IrcClient): void {
  client.sasl = null;
  client.numeric(ERR_SASLFAIL, "SASL authentication failed");
}

/** Whether `exchange` is still the client's (not aborted, not closed) after waiting. */
function current(client: IrcClient, exchange: SaslExchange): boolean {
  return !client.closing && client.sasl === exchange;
}

async function step(client: IrcClient, exchange: SaslExchange, data: Buffer): Promise<void> {
  const { accounts } = client.frontend.context;
  const address = client.user.hostname;
  if (exchange.mechanism === "EXTERNAL") {
    // The client's one message: empty, or the account it means (which must be the certificate's).
    const authzid = utf8(data);
    const fingerprint = client.conn.certFingerprint?.() ?? null;
    if (authzid === null || fingerprint === null) {
      fail(client);
      return;
    }
    exchange.busy = true;
    const result = await accounts.loginByCertificate(fingerprint);
    if (!current(client, exchange)) return;
    if (result.ok && (authzid === "" || fold(authzid) === fold(result.value))) succeed(client, result.value);
    else fail(client);
    return;
  }
  if (!exchange.scram) {
    const plain = parsePlain(data);
    // Logging in as one account on behalf of another is not offered.
    if (!plain || (plain.authzid !== "" && fold(plain.authzid) !== fold(plain.authcid))) {
      fail(client);
      return;
    }
    exchange.busy = true;
    const result = await accounts.login(plain.authcid, plain.password, address);
    if (!current(client, exchange)) return;
    if (result.ok) succeed(client, result.value);
    else if (result.error === AccountError.Throttled) locked(client);
    else fail(client);
    return;
  }
  const scram = exchange.scram;
  if (exchange.verified !== null) {
    // The client's answer to the server's signature: empty, and then it is done.
    if (data.length === 0) succeed(client, exchange.verified);
    else fail(client);
    return;
  }
  const text = utf8(data);
  if (text === null) {
    fail(client);
    return;
  }
  if (scram.user === "") {
    const first = scram.clientFirst(text);
    if (!first.ok) {
      fail(client);
      return;
    }
    if (!accounts.mayTry(first.user, address)) {
      locked(client);
      return;
    }
    exchange.busy = true;
    const record = await accounts.find(first.user);
    if (!current(client, exchange)) return;
    exchange.busy = false;
    if (record) scram.user = record.name;
    for (const chunk of responseChunks(scram.challenge(record?.scram ?? null)))
      client.send(`AUTHENTICATE ${chunk}`);
    return;
  }
  const final = scram.clientFinal(text);
  accounts.noteLogin(scram.user, address, final.ok);
  if (!final.ok) {
    fail(client);
    return;
  }
  exchange.verified = scram.user;
  for (const chunk of responseChunks(final.message)) client.send(`AUTHENTICATE ${chunk}`);
}

function succeed(client: IrcClient, account: string): void {
  client.sasl = null;
  client.saslDone = true;
  logIn(client, account);
  client.numeric(RPL_SASLSUCCESS, "SASL authentication successful");
}

/** Too many failed logins: the account is locked for now (902, as sasl-3.1 has it). */
function locked(client: IrcClient): void {
  client.sasl = null;
  client.numeric(ERR_NICKLOCKED, "You must use a nick assigned to you");
}

/** Logged in: every node learns it once the client is registered; before, it goes with the connect. */
export function logIn(client: IrcClient, account: string): void {
  const { user } = client;
  if (client.registered) {
    // The core tells the user (900) with everyone else (account-notify).
    client.registry.setAccount(user, account);
    client.frontend.context.nickserv.clear(user);
    return;
  }
  user.account = account;
  client.numeric(RPL_LOGGEDIN, user.mask, account, `You are now logged in as ${account}`);
}

function utf8(data: Buffer): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    return null;
  }
}

// ---- draft/account-registration

const REGISTER_FAILURES: Record<AccountError, string> = {
  "bad-name": "BAD_ACCOUNT_NAME",
  exists: "ACCOUNT_EXISTS",
  "weak-password": "WEAK_PASSWORD",
  "unacceptable-password": "UNACCEPTABLE_PASSWORD",
  "bad-email": "INVALID_EMAIL",
  "no-account": "BAD_ACCOUNT_NAME",
  "wrong-password": "UNACCEPTABLE_PASSWORD",
  throttled: "TEMPORARILY_UNAVAILABLE",
};

/** `FAIL <command> <code> [<subject>] :<text>` (standard replies). */
function failReply(
  client: IrcClient,
  command: string,
  code: string,
  subject: string | null,
  text: string,
): void {
  const head = `:${client.frontend.serverName} FAIL ${command} ${code}`;
  client.send(withText(subject === null ? head : `${head} ${subject}`, text));
}

// REGISTER <account> {<email> | *} <password>
function register(client: IrcClient, params: string[]): void {
  const [wanted, email, password] = params as [string, string, string];
  const { registry, frontend } = client;
  if (!client.nickGiven && !client.registered) {
    failReply(client, "REGISTER", "NEED_NICK", "*", "You must choose a nickname before registering");
    return;
  }
  if (!client.registered && client.config.password !== null) {
    failReply(client, "REGISTER", "COMPLETE_CONNECTION_REQUIRED", null, "Register after connecting");
    return;
  }
  const nick = client.user.nick;
  const account = wanted === "*" ? nick : wanted;
  // Echoed in a middle parameter: only a name that could be a nick is repeated back.
  const subject = registry.isValidNick(account) ? account : "*";
  if (client.user.account !== null) {
    failReply(
      client,
      "REGISTER",
      "ALREADY_AUTHENTICATED",
      subject,
      "You are already logged in to an account",
    );
    return;
  }
  if (fold(account) !== fold(nick)) {
    failReply(
      client,
      "REGISTER",
      "ACCOUNT_NAME_MUST_BE_NICK",
      subject,
      "Your account name must be your nickname",
    );
    return;
  }
  if (client.registering) {
    failReply(client, "REGISTER", "TEMPORARILY_UNAVAILABLE", subject, "A registration is already under way");
    return;
  }
  client.registering = true;
  frontend.context.accounts
    .register(account, email === "*" ? null : email, password)
    .then((result) => {
      client.registering = false;
      if (client.closing) return;
      if (!result.ok) {
        failReply(client, "REGISTER", REGISTER_FAILURES[result.error], subject, registerText(result.error));
        return;
      }
      // A nick changed while the hash was made: the account is registered, but not logged in to.
      const name = result.value.name;
      client.send(withText(`:${frontend.serverName} REGISTER SUCCESS ${name}`, "Account registered"));
      if (fold(client.user.nick) === fold(name) && client.user.account === null) logIn(client, name);
    })
    .catch((err: unknown) => {
      client.registering = false;
      frontend.context.log.error({ err }, "REGISTER: %s", (err as Error).message);
      if (!client.closing)
        failReply(client, "REGISTER", "TEMPORARILY_UNAVAILABLE", subject, "Registration is unavailable now");
    });
}

function registerText(error: AccountError): string {
  switch (error) {
    case "bad-name":
    case "no-account":
      return "That name cannot be an account: it must be a valid nickname, and not a service's";
    case "exists":
      return "That account name is registered already";
    case "weak-password":
      return "Passwords must be at least 6 characters long";
    case "unacceptable-password":
    case "wrong-password":
      return "Passwords are at most 300 bytes, without NUL, CR or LF";
    case "bad-email":
      return "That is not an email address";
    case "throttled":
      return "Too many attempts: try again later";
  }
}

// VERIFY <account> <code>
// Registrations here need no verification: there is never a code to check.
function verify(client: IrcClient, params: string[]): void {
  const account = params[0] as string;
  const subject = client.registry.isValidNick(account) ? account : "*";
  if (client.user.account !== null) {
    failReply(client, "VERIFY", "ALREADY_AUTHENTICATED", subject, "You are already logged in to an account");
    return;
  }
  failReply(client, "VERIFY", "INVALID_CODE", subject, "No registration is waiting for a code");
}

export const accountCommands: CommandTable = {
  AUTHENTICATE: { handler: authenticate, beforeRegistration: true, minParams: 1 },
  REGISTER: { handler: register, beforeRegistration: true, minParams: 3 },
  VERIFY: { handler: verify, beforeRegistration: true, minParams: 2 },
};
