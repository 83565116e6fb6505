// `tcpchat cert --host NAME [--out DIR]`: a self-signed certificate and its key for local use, for
// `--tls-cert` and `--tls-key`. Node has no X.509 builder: @peculiar/x509 builds it over node:crypto.
import { createHash, KeyObject, webcrypto } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { EXIT } from "./exit.js";

/** How long the certificate is valid. */
const VALID_DAYS = 365;

interface CertFlags {
  host: string;
  out: string;
  force?: boolean;
}

function parseHostName(text: string): string {
  if (
    isIP(text) ||
    /^(?=.{1,253}$)[A-Za-z0-9*]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(
      text,
    )
  )
    return text;
  throw new InvalidArgumentError("expected a host name or an IP address");
}

export function certCommand(): Command {
  const command = new Command("cert")
    .description(
      "write a self-signed TLS certificate and key for local use: <host>.pem and <host>-key.pem, for --tls-cert and --tls-key",
    )
    .requiredOption("--host <name>", "the name (or IP address) clients connect to", parseHostName)
    .option("--out <dir>", "the folder to write them in", ".")
    .option("--force", "replace files already there")
    .addHelpText(
      "after",
      `\nThe certificate is valid ${VALID_DAYS} days, for <host> (and, for localhost, 127.0.0.1 and ::1); ` +
        "clients must be told to trust it.\n" +
        `\nExit codes: ${EXIT.ok} written, ${EXIT.failure} not written (the files exist, the folder cannot be written), ${EXIT.usage} bad arguments.`,
    );
  return command.action(async (flags: CertFlags) => {
    const certPath = join(flags.out, `${flags.host}.pem`);
    const keyPath = join(flags.out, `${flags.host}-key.pem`);
    const there = [certPath, keyPath].filter((path) => existsSync(path));
    if (there.length > 0 && !flags.force) {
      process.stderr.write(`tcpchat: ${there.join(" and ")} already there (--force replaces them)\n`);
      process.exit(EXIT.failure);
    }
    const { cert, key } = await selfSigned(flags.host);
    try {
      mkdirSync(flags.out, { recursive: true });
      writeFileSync(keyPath, key, { mode: 0o600 });
      writeFileSync(certPath, cert);
    } catch (err) {
      process.stderr.write(`tcpchat: cannot write in ${flags.out}: ${(err as Error).message}\n`);
      process.exit(EXIT.failure);
    }
    process.stdout.write(
      [
        `wrote ${certPath} and ${keyPath}, self-signed for ${flags.host}, valid ${VALID_DAYS} days`,
        `SHA-256 fingerprint: ${fingerprint(cert)}`,
        `use: tcpchat serve --service rooms --tls-cert ${certPath} --tls-key ${keyPath}`,
        "",
      ].join("\n"),
    );
  });
}

/** A P-256 key and a certificate for `host` signed with it, both PEM. */
export async function selfSigned(host: string, days = VALID_DAYS): Promise<{ cert: string; key: string }> {
  // The library's dependency injection needs the Reflect metadata API, which Node lacks.
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const names: Array<{ type: "dns" | "ip"; value: string }> = [
    { type: isIP(host) ? "ip" : "dns", value: host },
  ];
  if (host === "localhost") names.push({ type: "ip", value: "127.0.0.1" }, { type: "ip", value: "::1" });
  const now = Date.now();
  const serial = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)));
  serial[0] = (serial[0] as number) & 0x7f; // a positive serial number (RFC 5280)
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString("hex"),
    name: [{ CN: [host] }],
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + days * 86_400_000),
    signingAlgorithm: algorithm,
    keys: keys as never,
    extensions: [
      new x509.SubjectAlternativeNameExtension(names),
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.serverAuth,
        x509.ExtendedKeyUsage.clientAuth,
      ]),
    ],
  });
  const key = KeyObject.from((keys as webcrypto.CryptoKeyPair).privateKey).export({
    type: "pkcs8",
    format: "pem",
  });
  return { cert: cert.toString("pem"), key: String(key) };
}

/** The certificate's SHA-256 fingerprint as the server shows client certificates' (lower-case hex). */
function fingerprint(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  return createHash("sha256").update(der).digest("hex");
}
