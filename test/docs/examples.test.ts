// Every runnable example of the README and docs/ runs as written and prints what the text says.
//
// Examples use the real ports (6667, 10000, ...), so each block runs in a network namespace of its own
// (`unshare -rn`), with loopback up and nothing else: no clash with other tests or with servers on the
// machine. `tcpchat` on PATH runs the sources.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ROOT } from "../support/cli.js";
import { runnableBlocks } from "./blocks.js";

const TSX = import.meta.resolve("tsx");
const RUNNER = fileURLToPath(new URL("./run-block.ts", import.meta.url));
const FILES = ["README.md", ...readdirSync(join(ROOT, "docs")).map((f) => join("docs", f))].filter((f) =>
  f.endsWith(".md"),
);

function namespaceSkipReason(): string | false {
  const probe = spawnSync("unshare", ["-rn", "sh", "-c", "ip link set lo up"], { encoding: "utf8" });
  if (probe.error) return `needs unshare (util-linux): ${probe.error.message}`;
  if (probe.status !== 0)
    return `needs unprivileged network namespaces and ip (iproute2): ${probe.stderr.trim()}`;
  return false;
}

describe("README and docs examples", { timeout: 300_000 }, () => {
  const bin = mkdtempSync(join(tmpdir(), "tcpchat-docs-"));
  const shim = join(bin, "tcpchat");
  writeFileSync(
    shim,
    `#!/bin/sh\nexec "${process.execPath}" --import "${TSX}" "${join(ROOT, "src/cli.ts")}" "$@"\n`,
  );
  chmodSync(shim, 0o755);
  after(() => rmSync(bin, { recursive: true, force: true }));
  const skip = namespaceSkipReason();

  const blocks = FILES.flatMap((file) =>
    runnableBlocks(join(ROOT, file)).map((block) => ({ ...block, file })),
  );
  it("finds the runnable examples", () => {
    assert.ok(blocks.length >= 5, `${blocks.length} runnable blocks`);
    assert.ok(
      blocks.some((b) => b.file === "README.md"),
      "the README has runnable examples",
    );
  });

  for (const block of blocks) {
    it(`${block.file}:${block.line}`, { skip }, async () => {
      const child = spawn(
        "unshare",
        [
          "-rn",
          "sh",
          "-c",
          'ip link set lo up && exec "$@"',
          "sh",
          process.execPath,
          "--import",
          TSX,
          RUNNER,
        ],
        {
          cwd: ROOT,
          stdio: ["pipe", "pipe", "pipe"],
          env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: "1", REDIS_URL: "" },
        },
      );
      let output = "";
      child.stdout.setEncoding("utf8").on("data", (text: string) => {
        output += text;
      });
      child.stderr.setEncoding("utf8").on("data", (text: string) => {
        output += text;
      });
      child.stdin.end(JSON.stringify(block));
      const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
      assert.equal(code, 0, `${block.file}:${block.line}: ${output}`);
    });
  }
});
