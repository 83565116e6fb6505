#!/usr/bin/env node
// Builds the chat page (web/) into dist/page/: one script and one stylesheet, minified, named by their
// content's hash so the server can let browsers keep them, and index.html naming them.
//
// Usage: node scripts/build-page.mjs [outdir]   (default dist/page)
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Builds the page into `outdir`; returns the names of the files written. */
export async function buildPage(target = join(root, "dist", "page")) {
  // Built beside and then put in place, so a server starting meanwhile reads a whole page or none.
  const outdir = `${target}.tmp-${process.pid}`;
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: "web/src/main.tsx", style: "web/style.css" },
    bundle: true,
    minify: true,
    format: "esm",
    target: ["es2022", "chrome109", "firefox115", "safari16"],
    jsx: "automatic",
    jsxImportSource: "preact",
    entryNames: "[name]-[hash]",
    outdir,
    metafile: true,
    legalComments: "none",
    logLevel: "warning",
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const script = outputs.find((name) => name.startsWith("app-") && name.endsWith(".js"));
  const style = outputs.find((name) => name.startsWith("style-") && name.endsWith(".css"));
  if (!script || !style) throw new Error(`page build: missing outputs in ${outputs.join(", ")}`);
  const html = readFileSync(join(root, "web", "index.html"), "utf8")
    .replace('href="/app.css"', `href="/${style}"`)
    .replace('src="/app.js"', `src="/${script}"`);
  writeFileSync(join(outdir, "index.html"), html);
  rmSync(target, { recursive: true, force: true });
  renameSync(outdir, target);
  return ["index.html", script, style];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = process.argv[2] ?? join(root, "dist", "page");
  const files = await buildPage(target);
  // What a browser downloads, gzipped as the server sends it.
  const sizes = files.map((name) => gzipSync(readFileSync(join(target, name)), { level: 9 }).length);
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  const each = files.map((name, i) => `${name} ${kb(sizes[i])}`).join(", ");
  console.log(`page built: ${each}; ${kb(sizes.reduce((a, b) => a + b, 0))} gzipped in all`);
}
