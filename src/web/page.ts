// The chat page's files as `npm run build` leaves them in dist/page/ (scripts/build-page.mjs): read once
// when the server starts and served from memory, each with its content type, an ETag, gzip for browsers
// that take it, and caching to match its name: index.html is asked after every time, while the script and
// stylesheet are named by their content's hash and kept for a year.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/** dist/page/ of this package, from src/web/ (tests) as from dist/web/ (the built server). */
export const PAGE_DIR = fileURLToPath(new URL("../../dist/page/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** The page may load its own files and open a WebSocket to where it came from, nothing else. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";

const REVALIDATE = "no-cache";
const IMMUTABLE = "public, max-age=31536000, immutable";

export interface PageFile {
  body: Buffer;
  /** The body gzipped, when that makes it smaller. */
  gzip: Buffer | null;
  type: string;
  etag: string;
  cacheControl: string;
}

/** The part of the web listener the page needs. */
export interface Routes {
  route(path: string, handler: (req: IncomingMessage, res: ServerResponse) => void): void;
}

/** The built files of `dir` by URL path (`/` is index.html); null when the page has not been built. */
export function loadPage(dir = PAGE_DIR): Map<string, PageFile> | null {
  try {
    return readPage(dir);
  } catch {
    // Absent, or replaced by a build while being read: the server runs without its page.
    return null;
  }
}

function readPage(dir: string): Map<string, PageFile> | null {
  const names = readdirSync(dir);
  if (!names.includes("index.html")) return null;
  const files = new Map<string, PageFile>();
  for (const name of names) {
    const type = TYPES[extname(name)];
    if (type === undefined) continue;
    const body = readFileSync(join(dir, name));
    const gzip = gzipSync(body, { level: 9 });
    const file: PageFile = {
      body,
      gzip: gzip.length < body.length ? gzip : null,
      type,
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
      // The build names every file but index.html by its content.
      cacheControl: name === "index.html" ? REVALIDATE : IMMUTABLE,
    };
    files.set(`/${name}`, file);
    if (name === "index.html") files.set("/", file);
  }
  return files;
}

/** Routes the page's files on the web listener; says so at `/` when the page has not been built. */
export function servePage(routes: Routes, dir = PAGE_DIR): boolean {
  const files = loadPage(dir);
  if (files === null) {
    routes.route("/", (req, res) => notBuilt(req, res));
    return false;
  }
  for (const [path, file] of files) routes.route(path, (req, res) => sendFile(req, res, file));
  return true;
}

export function sendFile(req: IncomingMessage, res: ServerResponse, file: PageFile): void {
  const headers: Record<string, string | number> = {
    "Content-Type": file.type,
    "Cache-Control": file.cacheControl,
    ETag: file.etag,
    Vary: "Accept-Encoding",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
  };
  if (file.type.startsWith("text/html")) headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY;
  if (etagMatches(req.headers["if-none-match"], file.etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const gzip = file.gzip !== null && acceptsGzip(req.headers["accept-encoding"]);
  const body = gzip ? (file.gzip as Buffer) : file.body;
  if (gzip) headers["Content-Encoding"] = "gzip";
  headers["Content-Length"] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

function notBuilt(req: IncomingMessage, res: ServerResponse): void {
  const text = "The chat page is not built: run `npm run build` and start the server again.\n";
  res.writeHead(503, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : text);
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.trim() === "*" || header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/** `gzip` listed without `q=0`. */
function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(",").some((part) => {
    const [coding = "", ...params] = part.trim().toLowerCase().split(";");
    if (coding.trim() !== "gzip" && coding.trim() !== "*") return false;
    return !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });
}
