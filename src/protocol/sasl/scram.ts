// SCRAM-SHA-256 (RFC 5802, RFC 7677), the server's side as a state machine: the client's first message, the
// server's challenge, the client's proof checked against the stored key, the server's signature. The
// server keeps only the salted StoredKey and ServerKey, never the password. No channel binding (no -PLUS).
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from "node:crypto";

export const SCRAM_MECHANISM = "SCRAM-SHA-256";
/** RFC 7677 asks for at least 4096. */
export const SCRAM_ITERATIONS = 4096;
const KEY_BYTES = 32;
/** More iterations than this in a stored credential is refused rather than spent. */
const MAX_ITERATIONS = 1_000_000;

/** What the server keeps of a password for SCRAM (base64 fields). */
export interface ScramCredentials {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}

const hmac = (key: Buffer, text: string) => createHmac("sha256", key).update(text).digest();
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest();

/** Passwords compared as SASLprep would mostly have them: compatibility-normalised. */
export function normalisePassword(password: string): string {
  return password.normalize("NFKC");
}

/** The keys from a salted password (RFC 5802 section 3). */
export function scramKeys(salted: Buffer): { storedKey: Buffer; serverKey: Buffer } {
  return { storedKey: sha256(hmac(salted, "Client Key")), serverKey: hmac(salted, "Server Key") };
}

/** StoredKey and ServerKey for a password: PBKDF2 off the event loop. */
export function makeScramCredentials(
  password: string,
  salt: Buffer = randomBytes(16),
  iterations = SCRAM_ITERATIONS,
): Promise<ScramCredentials> {
  return new Promise((resolve, reject) => {
    pbkdf2(normalisePassword(password), salt, iterations, KEY_BYTES, "sha256", (err, salted) => {
      if (err) return reject(err);
      const { storedKey, serverKey } = scramKeys(salted);
      resolve({
        salt: salt.toString("base64"),
        iterations,
        storedKey: storedKey.toString("base64"),
        serverKey: serverKey.toString("base64"),
      });
    });
  });
}

/** `name=value` attributes of a SCRAM message, in order; null when one is malformed. */
function attributes(text: string): Array<[string, string]> | null {
  const out: Array<[string, string]> = [];
  for (const part of text.split(",")) {
    if (part.length < 2 || part[1] !== "=" || !/^[A-Za-z]$/.test(part[0] as string)) return null;
    out.push([part[0] as string, part.slice(2)]);
  }
  return out;
}

/** saslname: `=2C` is ',' and `=3D` is '='; any other '=' is an error. */
function decodeName(text: string): string | null {
  if (/=(?!2C|3D)/.test(text)) return null;
  return text.replaceAll("=2C", ",").replaceAll("=3D", "=");
}

// printable = %x21-2B / %x2D-7E (no ','), the nonce's characters.
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;

export type ScramStep =
  | { ok: true; message: string }
  /** `error` is the server-error-value when the client should hear one (`e=`), else null. */
  | { ok: false; reason: string; error: string | null };

type State = "start" | "challenged" | "done";

/** One SCRAM-SHA-256 exchange, server side. */
export class ScramServer {
  private state: State = "start";
  private gs2Header = "";
  private clientFirstBare = "";
  private serverFirst = "";
  private nonce = "";
  private credentials: ScramCredentials | null = null;
  /** The account the client named, once its first message is read. */
  user = "";

  constructor(
    /** The server's part of the nonce (fixed only in tests). */
    private readonly serverNonce: string = randomBytes(18).toString("base64"),
  ) {}

  /** The client's first message: who it is. Then ask for its credentials and call `challenge`. */
  clientFirst(
    text: string,
  ): { ok: true; user: string } | { ok: false; reason: string; error: string | null } {
    if (this.state !== "start") return fail("out of order", "other-error");
    // gs2-header: cbind flag, then an optional authzid.
    const m = /^(n|y|p=[A-Za-z0-9.-]+),(a=[^,]*)?,(.*)$/s.exec(text);
    if (!m) return fail("bad client-first-message", "other-error");
    const [, flag, authz, bare] = m as unknown as [string, string, string | undefined, string];
    if (flag.startsWith("p=")) return fail("channel binding asked for", "channel-binding-not-supported");
    const attrs = attributes(bare);
    if (!attrs || attrs.length < 2) return fail("bad client-first-message", "other-error");
    const [[n, name], [r, nonce]] = attrs as [[string, string], [string, string]];
    if (n === "m") return fail("mandatory extension", "extensions-not-supported");
    if (n !== "n" || r !== "r" || !NONCE.test(nonce)) return fail("bad client-first-message", "other-error");
    const user = decodeName(name);
    if (user === null || user === "") return fail("bad username", "invalid-username-encoding");
    if (authz !== undefined) {
      const authzid = decodeName(authz.slice(2));
      // Acting as another account is not offered.
      if (authzid !== "" && authzid !== user) return fail("authzid differs", "other-error");
    }
    this.gs2Header = text.slice(0, text.length - bare.length);
    this.clientFirstBare = bare;
    this.nonce = nonce + this.serverNonce;
    this.user = user;
    return { ok: true, user };
  }

  /**
   * The server's first message. With no credentials (no such account) the challenge looks the same, from
   * a salt derived from the name, and the exchange then fails: nobody learns which accounts exist.
   */
  challenge(credentials: ScramCredentials | null): string {
    this.credentials = credentials;
    const salt =
      credentials?.salt ?? sha256(Buffer.from(`tcpchat-no-account:${this.user}`)).toString("base64");
    const iterations = credentials?.iterations ?? SCRAM_ITERATIONS;
    this.serverFirst = `r=${this.nonce},s=${salt},i=${iterations}`;
    this.state = "challenged";
    return this.serverFirst;
  }

  /** The client's final message with its proof: the server's signature when the proof holds. */
  clientFinal(text: string): ScramStep {
    if (this.state !== "challenged") return fail("out of order", "other-error");
    this.state = "done";
    const proofAt = text.lastIndexOf(",p=");
    if (proofAt === -1) return fail("no proof", "other-error");
    const withoutProof = text.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    if (!attrs || attrs.length < 2) return fail("bad client-final-message", "other-error");
    const [[c, binding], [r, nonce]] = attrs as [[string, string], [string, string]];
    if (c !== "c" || r !== "r") return fail("bad client-final-message", "other-error");
    if (binding !== Buffer.from(this.gs2Header).toString("base64"))
      return fail("channel binding mismatch", "channel-bindings-dont-match");
    if (nonce !== this.nonce) return fail("nonce mismatch", "other-error");
    const proof = Buffer.from(text.slice(proofAt + 3), "base64");
    const credentials = this.credentials;
    if (!credentials || proof.length !== KEY_BYTES) return fail("invalid proof", "invalid-proof");
    const storedKey = Buffer.from(credentials.storedKey, "base64");
    const serverKey = Buffer.from(credentials.serverKey, "base64");
    if (storedKey.length !== KEY_BYTES || serverKey.length !== KEY_BYTES)
      return fail("bad stored credentials", "other-error");
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const signature = hmac(storedKey, authMessage);
    const clientKey = Buffer.alloc(KEY_BYTES);
    for (let i = 0; i < KEY_BYTES; i++) clientKey[i] = (proof[i] as number) ^ (signature[i] as number);
    if (!timingSafeEqual(sha256(clientKey), storedKey)) return fail("invalid proof", "invalid-proof");
    return { ok: true, message: `v=${hmac(serverKey, authMessage).toString("base64")}` };
  }
}

function fail(reason: string, error: string | null): { ok: false; reason: string; error: string | null } {
  return { ok: false, reason, error };
}

/** Whether stored credentials can be used (iterations within bounds, keys the right size). */
export function usableCredentials(credentials: ScramCredentials): boolean {
  return (
    Number.isSafeInteger(credentials.iterations) &&
    credentials.iterations >= 1 &&
    credentials.iterations <= MAX_ITERATIONS &&
    Buffer.from(credentials.storedKey, "base64").length === KEY_BYTES &&
    Buffer.from(credentials.serverKey, "base64").length === KEY_BYTES
  );
}
