// The client's side of SASL for tests: PLAIN's message and a SCRAM-SHA-256 client (RFC 5802), written
// from the RFC apart from the server's code, so the two check each other.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

export function plain(account: string, password: string, authzid = ""): string {
  return Buffer.from(`${authzid}\0${account}\0${password}`).toString("base64");
}

export const b64 = (text: string): string => Buffer.from(text).toString("base64");
export const unb64 = (text: string): string => Buffer.from(text, "base64").toString();

export class ScramClient {
  readonly nonce = randomBytes(18).toString("base64");
  readonly first: string;
  private serverSignature = "";

  constructor(
    readonly user: string,
    private readonly password: string,
  ) {
    this.first = `n,,n=${user.replaceAll("=", "=3D").replaceAll(",", "=2C")},r=${this.nonce}`;
  }

  /** The client-final message for the server's first message. */
  final(serverFirst: string): string {
    const fields = Object.fromEntries(serverFirst.split(",").map((part) => [part[0], part.slice(2)]));
    const salted = pbkdf2Sync(
      this.password.normalize("NFKC"),
      Buffer.from(fields.s as string, "base64"),
      Number(fields.i),
      32,
      "sha256",
    );
    const clientKey = createHmac("sha256", salted).update("Client Key").digest();
    const storedKey = createHash("sha256").update(clientKey).digest();
    const withoutProof = `c=biws,r=${fields.r}`;
    const authMessage = `${this.first.slice(3)},${serverFirst},${withoutProof}`;
    const signature = createHmac("sha256", storedKey).update(authMessage).digest();
    const proof = Buffer.from(clientKey.map((byte, i) => byte ^ (signature[i] as number)));
    const serverKey = createHmac("sha256", salted).update("Server Key").digest();
    this.serverSignature = createHmac("sha256", serverKey).update(authMessage).digest("base64");
    return `${withoutProof},p=${proof.toString("base64")}`;
  }

  /** The server's final message the client expects. */
  get expectedFinal(): string {
    return `v=${this.serverSignature}`;
  }
}
