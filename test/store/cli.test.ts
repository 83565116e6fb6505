// --store and --data-dir from the command line and the configuration file: serve keeps its state in SQLite
// by default, in a folder it makes; the lab presets keep nothing; a store that cannot be had stops the start
// with one line.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { cliSuite } from "../support/cli.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

const ROOMS = ["serve", "--service", "rooms", "--port", "0", "--log-format", "json"];
/** No store named by the environment: the command's own default applies. */
const NO_ENV_STORE = { TCPCHAT_STORE: "" };

describe("tcpchat serve --store", { timeout: SUITE_TIMEOUT_MS }, () => {
  const cli = cliSuite();
  const root = mkdtempSync(join(tmpdir(), "tcpchat-store-cli-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  it("keeps its state in SQLite by default, in the --data-dir it makes", async () => {
    const dataDir = join(root, "a", "data");
    const run = cli.run([...ROOMS, "--data-dir", dataDir], { env: NO_ENV_STORE });
    await run.listening();
    assert.equal(existsSync(join(dataDir, "tcpchat.sqlite")), true);
    await run.waitFor(/"store":"[^"]*\/a\/data\/tcpchat\.sqlite"/, "stderr");
    run.kill("SIGTERM");
    assert.equal(await run.exitCode(), 0);
  });

  it("reads store and data-dir from the file, the folder relative to the file", async () => {
    writeFileSync(join(root, "tcpchat.toml"), 'store = "sqlite"\ndata-dir = "conf/state"\n');
    const run = cli.run([...ROOMS, "--config", join(root, "tcpchat.toml")], {
      env: { TCPCHAT_STORE: "memory" },
    });
    await run.listening();
    assert.equal(existsSync(join(root, "conf", "state", "tcpchat.sqlite")), true);
    run.kill("SIGTERM");
    assert.equal(await run.exitCode(), 0);
  });

  it("takes TCPCHAT_STORE when neither the command line nor the file names a store", async () => {
    const run = cli.run([...ROOMS, "--data-dir", join(root, "unused")], { env: { TCPCHAT_STORE: "memory" } });
    await run.listening();
    await run.waitFor(/"store":"memory"/, "stderr");
    assert.equal(existsSync(join(root, "unused")), false);
    run.kill("SIGTERM");
    assert.equal(await run.exitCode(), 0);
  });

  it("keeps nothing under a lab preset unless asked", async () => {
    const run = cli.run(["lab", "004-rooms", "--port", "0", "--log-format", "json"], { env: NO_ENV_STORE });
    await run.listening();
    await run.waitFor(/"store":"memory"/, "stderr");
    run.kill("SIGTERM");
    assert.equal(await run.exitCode(), 0);
  });

  it("refuses a store it does not know as a usage error", async () => {
    const run = cli.run([...ROOMS, "--store", "mysql://db"]);
    assert.equal(await run.exitCode(), 64);
    assert.match(
      run.stderr,
      /--store <where>' argument 'mysql:\/\/db' is invalid\. expected sqlite, memory or postgres:/,
    );
  });

  it("stops with one line when the store cannot be opened", async () => {
    const run = cli.run([...ROOMS, "--store", "postgres://tcpchat:hidden@127.0.0.1:1/none"]);
    assert.equal(await run.exitCode(), 1);
    assert.match(
      run.stderr,
      /^tcpchat: cannot open the store postgres:\/\/tcpchat:\*\*\*@127\.0\.0\.1:1\/none: .*ECONNREFUSED/m,
    );
    assert.doesNotMatch(run.stderr, /hidden/);
    assert.equal(run.stdout, "");
  });

  it("stops with one line when the data folder cannot be made", async () => {
    writeFileSync(join(root, "a-file"), "");
    const run = cli.run([...ROOMS, "--data-dir", join(root, "a-file", "data")], { env: NO_ENV_STORE });
    assert.equal(await run.exitCode(), 1);
    assert.match(run.stderr, /^tcpchat: cannot create the data folder .*a-file\/data: .*ENOTDIR/m);
  });
});
