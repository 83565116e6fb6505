// TLS for the listeners: the certificate and key read from files (again on reload), and what a TLS
// connection tells about its client's certificate.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Socket } from "node:net";
import { createSecureContext, type SecureContextOptions, TLSSocket } from "node:tls";

/** Where the certificate and key are; both PEM. Plain data: posted to cluster workers as it is. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** The IRC listener over TLS. */
export interface TlsListenerConfig extends TlsFiles {
  port: number;
}

/** A certificate or key that cannot be used, said in one line. */
export class TlsFilesError extends Error {
  readonly code = "TLS_FILES";
}

/**
 * The files' contents as a listener's secure context options, checked by building a context from them:
 * a bad file is found here, once, rather than on every handshake.
 */
export function readTlsFiles(files: TlsFiles): SecureContextOptions {
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why =
        e.code === "ENOENT" ? "no such file" : e.code === "EACCES" ? "permission denied" : e.message;
      throw new TlsFilesError(`cannot read the TLS ${what} ${path}: ${why}`);
    }
  };
  const options = { cert: read(files.certFile, "certificate"), key: read(files.keyFile, "key") };
  try {
    createSecureContext(options);
  } catch (err) {
    throw new TlsFilesError(
      `cannot use ${files.certFile} and ${files.keyFile}: ${(err as Error).message.replace(/^error:\w+:/, "")}`,
    );
  }
  return options;
}

/**
 * The SHA-256 fingerprint of the client's certificate, lower-case hex with no separators (as IRC servers
 * show it and as `openssl x509 -fingerprint -sha256` gives it, less the colons); null without one.
 */
export function clientCertFingerprint(socket: Socket): string | null {
  if (!(socket instanceof TLSSocket)) return null;
  const cert = socket.getPeerCertificate();
  if (!cert?.raw) return null;
  return createHash("sha256").update(cert.raw).digest("hex");
}

/** How a client reached the server, for STS and the metrics. */
export type Transport = "tcp" | "tls";

export function transportOf(socket: Socket): Transport {
  return socket instanceof TLSSocket ? "tls" : "tcp";
}
