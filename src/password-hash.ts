// Operator passwords stored as scrypt hashes, in the PHC string format, which names its own parameters:
//   $scrypt$ln=15,r=8,p=1$<salt>$<hash>   (base64 without padding; N = 2^ln)
// so the cost can be raised later without breaking the hashes already written down.
import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";

const PREFIX = "$scrypt$";
/** N = 2^15, r = 8: 32 MiB and some tens of milliseconds per check, off the event loop. */
const DEFAULT_COST = { ln: 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** A hash asking for more than this is refused rather than allowed to take the memory. */
const MAX_MEMORY = 256 * 1024 * 1024;

interface ParsedHash {
  ln: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

export function isPasswordHash(text: string): boolean {
  return text.startsWith(PREFIX);
}

/** The parts of a hash, or what is wrong with it. */
export function parsePasswordHash(text: string): ParsedHash | string {
  const m = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(text);
  if (!m) return "expected $scrypt$ln=<n>,r=<n>,p=<n>$<salt>$<hash> (tcpchat passwd makes one)";
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (ln < 1 || r < 1 || p < 1 || 128 * r * 2 ** ln > MAX_MEMORY) return "scrypt parameters out of range";
  const salt = Buffer.from(m[4] as string, "base64");
  const hash = Buffer.from(m[5] as string, "base64");
  if (salt.length < 8 || hash.length < 16) return "salt or hash too short";
  return { ln, r, p, salt, hash };
}

function derive(password: string, salt: Buffer, length: number, cost: { ln: number; r: number; p: number }) {
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(
      password.normalize("NFC"),
      salt,
      length,
      { N: 2 ** cost.ln, r: cost.r, p: cost.p, maxmem: MAX_MEMORY + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

const b64 = (buffer: Buffer) => buffer.toString("base64").replace(/=+$/, "");

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, HASH_BYTES, DEFAULT_COST);
  const { ln, r, p } = DEFAULT_COST;
  return `${PREFIX}ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(hash)}`;
}

/**
 * Whether `given` matches `stored`: a hash made by hashPassword, or else the password itself (compared
 * in constant time either way).
 */
export async function verifyPassword(given: string, stored: string): Promise<boolean> {
  if (!isPasswordHash(stored)) return sameSecret(given, stored);
  const parsed = parsePasswordHash(stored);
  if (typeof parsed === "string") return false;
  const derived = await derive(given, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(derived, parsed.hash);
}

/** Constant time whatever the lengths: both sides hashed to the same size first. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
