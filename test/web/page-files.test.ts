// The chat page's files over HTTP, without a browser: content types, caching, ETags, gzip, HEAD, and a
// server whose page was never built; the page's screenshots in the README and docs.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import pino from "pino";
import { WebListener } from "../../src/web/listener.js";
import { servePage } from "../../src/web/page.js";
import { bounded } from "../support/wait.js";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<Reply> {
  return bounded(
    new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path, method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    }),
    `${method} ${path}`,
  );
}

async function listen(dir: string): Promise<{ port: number; close: () => void }> {
  const web = new WebListener(
    { port: 0, origins: null, tls: null },
    { websocket: (ws) => ws.terminate() },
    8192,
    pino({ level: "silent" }),
  );
  servePage(web, dir);
  const port = await web.listen("127.0.0.1", 16);
  return { port, close: () => web.close() };
}

describe("the chat page's files", () => {
  const dir = mkdtempSync(join(tmpdir(), "tcpchat-page-"));
  const script = `console.log(${JSON.stringify("chat ".repeat(200))});\n`;
  let port: number;
  let close: () => void;

  before(async () => {
    writeFileSync(join(dir, "index.html"), '<!doctype html><script src="/app-ABC.js"></script>\n');
    writeFileSync(join(dir, "app-ABC.js"), script);
    writeFileSync(join(dir, "style-DEF.css"), "body { margin: 0 }\n");
    writeFileSync(join(dir, "notes.txt"), "not a page file\n");
    ({ port, close } = await listen(dir));
  });

  after(() => {
    close?.();
    rmSync(dir, { recursive: true, force: true });
  });

  test("/ is index.html, asked after every time, with a policy that keeps the page to itself", async () => {
    const reply = await get(port, "/");
    assert.equal(reply.status, 200);
    assert.equal(reply.headers["content-type"], "text/html; charset=utf-8");
    assert.equal(reply.headers["cache-control"], "no-cache");
    assert.equal(reply.headers["x-content-type-options"], "nosniff");
    assert.match(String(reply.headers["content-security-policy"]), /default-src 'self'.*connect-src 'self'/);
    assert.match(reply.body.toString(), /app-ABC\.js/);
    const same = await get(port, "/index.html");
    assert.equal(same.headers.etag, reply.headers.etag);
  });

  test("the hashed files are kept for a year, with their types", async () => {
    const js = await get(port, "/app-ABC.js");
    assert.equal(js.headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal(js.headers["cache-control"], "public, max-age=31536000, immutable");
    assert.equal(js.body.toString(), script);
    const css = await get(port, "/style-DEF.css");
    assert.equal(css.headers["content-type"], "text/css; charset=utf-8");
  });

  test("an unchanged file is 304, gzip when asked for, nothing for HEAD, and other files are not served", async () => {
    const first = await get(port, "/app-ABC.js");
    const etag = String(first.headers.etag);
    const again = await get(port, "/app-ABC.js", { "If-None-Match": `W/"other", ${etag}` });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const stale = await get(port, "/app-ABC.js", { "If-None-Match": '"other"' });
    assert.equal(stale.status, 200);

    const zipped = await get(port, "/app-ABC.js", { "Accept-Encoding": "br, gzip;q=0.8" });
    assert.equal(zipped.headers["content-encoding"], "gzip");
    assert.equal(zipped.headers.vary, "Accept-Encoding");
    assert.ok(zipped.body.length < script.length);
    assert.equal(gunzipSync(zipped.body).toString(), script);
    const refused = await get(port, "/app-ABC.js", { "Accept-Encoding": "gzip;q=0" });
    assert.equal(refused.headers["content-encoding"], undefined);

    const head = await get(port, "/app-ABC.js", {}, "HEAD");
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers["content-length"]), script.length);
    assert.equal(head.body.length, 0);

    assert.equal((await get(port, "/notes.txt")).status, 404);
    assert.equal((await get(port, "/../package.json")).status, 404);
    assert.equal((await get(port, "/app-ABC.js", {}, "POST")).status, 405);
  });

  test("a page never built: / says how to build it", async () => {
    const empty = mkdtempSync(join(tmpdir(), "tcpchat-nopage-"));
    const bare = await listen(join(empty, "missing"));
    try {
      const reply = await get(bare.port, "/");
      assert.equal(reply.status, 503);
      assert.match(reply.body.toString(), /npm run build/);
    } finally {
      bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("the chat page's screenshots", () => {
  test("the README and docs/web-client.md show a desktop and a phone screenshot that are there", () => {
    const root = new URL("../../", import.meta.url).pathname;
    for (const doc of ["README.md", "docs/web-client.md"]) {
      const text = readFileSync(join(root, doc), "utf8");
      const shown = [...text.matchAll(/(?:src="|\]\()([^")]+\.png)/g)].map((m) => m[1] as string);
      assert.deepEqual(
        shown.map((path) => path.replace(/^.*\//, "")).sort(),
        ["web-client-desktop.png", "web-client-phone.png"],
        doc,
      );
      for (const path of shown) {
        const png = readFileSync(join(root, dirname(doc), path));
        assert.equal(png.subarray(1, 4).toString(), "PNG", path);
        // The IHDR's width and height: a phone's is narrow and tall, a desktop's wide.
        const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
        if (path.includes("phone")) assert.ok(width < height && width <= 800, `${path}: ${width}x${height}`);
        else assert.ok(width > height && width >= 1000, `${path}: ${width}x${height}`);
      }
    }
  });
});
