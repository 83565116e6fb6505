// `tcpchat account` as a child process, over SQLite and PostgreSQL: add (password from a pipe or typed on a
// terminal without echo), list, passwd and del on the store itself, each refusal (exit 1) and usage error
// (exit 64) with its one line, the store taken from a configuration file, and a server running on the store
// that sees an account added, changed and deleted while it runs.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { saslConnect } from "../support/accounts.js";
import { cliSuite } from "../support/cli.js";
import type { Irc } from "../support/irc.js";
import { StoredServer } from "../support/stored-server.js";
import { storeBackends, type TestStore } from "../support/stores.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

const ISO = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
/** No store named by the environment: the command's own options and defaults apply. */
const NO_ENV_STORE = { TCPCHAT_STORE: "" };

const backends = (await storeBackends()).filter((b) => b.name !== "memory");

for (const backend of backends) {
  describe(`tcpchat account over ${backend.name}`, { timeout: SUITE_TIMEOUT_MS, skip: backend.skip }, () => {
    const cli = cliSuite();
    const stores: TestStore[] = [];
    const clients: Irc[] = [];
    after(async () => {
      for (const c of clients) c.close();
      for (const store of stores) await store.remove();
    });
    const made = async (label: string) => {
      const store = await backend.create(label);
      stores.push(store);
      return store;
    };
    /** `tcpchat account <args>` on `store`, `input` on stdin; its exit code, stdout and stderr. */
    const account = async (store: TestStore, args: string[], input = "") => {
      const run = cli.run(
        ["account", ...args, "--store", store.config.store, "--data-dir", store.config.dataDir],
        { input, env: NO_ENV_STORE },
      );
      const code = await run.exitCode();
      return { code, stdout: run.stdout, stderr: run.stderr };
    };

    it("adds, lists, changes and deletes accounts; refusals exit 1 and bad arguments 64, each with one line", async () => {
      const store = await made("account-cli");
      assert.deepEqual(
        await account(store, ["add", "alice", "--email", "alice@example.org"], "alice-password\n"),
        {
          code: 0,
          stdout: "added account alice\n",
          stderr: "",
        },
      );
      // A pipe gives its first line; the rest is not read.
      assert.equal((await account(store, ["add", "Bob"], "bob-password\nnot this\n")).code, 0);
      const listed = await account(store, ["list"]);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, new RegExp(`^Bob - ${ISO}\nalice alice@example\\.org ${ISO}\n$`));

      assert.deepEqual(await account(store, ["add", "BOB"], "whatever-password\n"), {
        code: 1,
        stdout: "",
        stderr: "tcpchat: BOB is registered already.\n",
      });
      assert.deepEqual(await account(store, ["passwd", "nobody"], "nobody-password\n"), {
        code: 1,
        stdout: "",
        stderr: "tcpchat: nobody is not a registered account.\n",
      });
      assert.deepEqual(await account(store, ["del", "nobody"]), {
        code: 1,
        stdout: "",
        stderr: "tcpchat: nobody is not a registered account.\n",
      });

      assert.deepEqual(await account(store, ["passwd", "bob"], "bob-second-password\n"), {
        code: 0,
        stdout: "changed the password of bob\n",
        stderr: "",
      });
      assert.deepEqual(await account(store, ["del", "ALICE"]), {
        code: 0,
        stdout: "deleted account ALICE\n",
        stderr: "",
      });
      const left = await account(store, ["list"]);
      assert.match(left.stdout, new RegExp(`^Bob - ${ISO}\n$`));
    });

    it("a server running on the store sees an account added, changed and deleted meanwhile", async () => {
      const store = await made("account-cli-live");
      const server = new StoredServer(cli, store.config);
      const port = await server.start();
      const login = async (password: string) => {
        const { c, outcome } = await saslConnect(port, `erin${clients.length}`, "erin", password, "PLAIN");
        clients.push(c);
        return outcome;
      };
      assert.equal((await account(store, ["add", "erin"], "erin-password\n")).code, 0);
      assert.equal(await login("erin-password"), "903");
      assert.equal((await account(store, ["passwd", "erin"], "erin-second\n")).code, 0);
      assert.equal(await login("erin-password"), "904");
      assert.equal(await login("erin-second"), "903");
      assert.equal((await account(store, ["del", "erin"])).code, 0);
      assert.equal(await login("erin-second"), "904");
      await server.stop();
    });
  });
}

describe("tcpchat account's input and store", { timeout: SUITE_TIMEOUT_MS }, () => {
  const cli = cliSuite();
  const root = mkdtempSync(join(tmpdir(), "tcpchat-account-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  /** `tcpchat account <args>` on a SQLite store in the suite's folder, `input` on stdin. */
  const inFolder = async (args: string[], input = "") => {
    const run = cli.run(["account", ...args, "--data-dir", join(root, "usage")], {
      input,
      env: NO_ENV_STORE,
    });
    const code = await run.exitCode();
    return { code, stdout: run.stdout, stderr: run.stderr };
  };

  it("refuses a weak or missing password with 1, bad arguments and options with 64, each with one line", async () => {
    assert.deepEqual(await inFolder(["add", "carol"], "short\n"), {
      code: 1,
      stdout: "",
      stderr: "tcpchat: That password is too short: use at least 6 characters.\n",
    });
    assert.deepEqual(await inFolder(["add", "carol"], ""), {
      code: 1,
      stdout: "",
      stderr: "tcpchat: no password given\n",
    });
    for (const [args, message] of [
      [
        ["add", "9lives"],
        "error: 9lives cannot be an account name: it must be a valid nickname, and not a service's.",
      ],
      [
        ["add", "ChanServ"],
        "error: ChanServ cannot be an account name: it must be a valid nickname, and not a service's.",
      ],
      [["add", "dave", "--email", "not-an-email"], "error: That is not an email address."],
      [["add"], "error: missing required argument 'name'"],
      // No password on the command line: a second argument is refused.
      [
        ["add", "dave", "dave-password"],
        "error: too many arguments for 'add'. Expected 1 argument but got 2.",
      ],
      [["frob"], "error: unknown command 'frob'"],
    ] as Array<[string[], string]>) {
      const refused = await inFolder(args, "dave-password\n");
      assert.equal(refused.code, 64, `${args.join(" ")}: ${refused.stderr}`);
      assert.equal(refused.stderr.split("\n")[0], message);
      assert.equal(refused.stdout, "");
    }
    const badStore = cli.run(["account", "list", "--store", "mysql://db"], { env: NO_ENV_STORE });
    assert.equal(await badStore.exitCode(), 64);
    assert.match(badStore.stderr, /--store <where>' argument 'mysql:\/\/db' is invalid/);
  });

  it("comes from the server's configuration file, the data folder relative to it", async () => {
    const file = join(root, "tcpchat.toml");
    writeFileSync(file, 'service = "rooms"\nport = 6667\nstore = "sqlite"\ndata-dir = "state"\n');
    const add = cli.run(["account", "add", "frank", "--config", file], {
      input: "frank-password\n",
      env: NO_ENV_STORE,
    });
    assert.equal(await add.exitCode(), 0, add.stderr);
    const list = cli.run(["account", "list", "--data-dir", join(root, "state")], { env: NO_ENV_STORE });
    assert.equal(await list.exitCode(), 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^frank - ${ISO}\n$`));
    writeFileSync(file, "no-such-key = 1\n");
    const bad = cli.run(["account", "list", "--config", file], { env: NO_ENV_STORE });
    assert.equal(await bad.exitCode(), 78);
    assert.match(bad.stderr, /tcpchat\.toml:1: unknown key 'no-such-key'/);
  });

  it("asks for the password twice without echo on a terminal", async () => {
    const run = cli.onTerminal(
      ["account", "add", "grace", "--data-dir", join(root, "terminal")],
      NO_ENV_STORE,
    );
    await run.waitFor(/password: /);
    run.type("grace-password");
    await run.waitFor(/again: /);
    run.type("grace-password");
    await run.waitFor(/added account grace/);
    assert.equal(await run.exitCode(), 0);
    assert.doesNotMatch(run.stdout, /grace-password/);
  });

  it("stops with one line when the store cannot be opened", async () => {
    const run = cli.run(["account", "list", "--store", "postgres://tcpchat:hidden@127.0.0.1:1/none"]);
    assert.equal(await run.exitCode(), 1);
    assert.match(
      run.stderr,
      /^tcpchat: cannot open the store postgres:\/\/tcpchat:\*\*\*@127\.0\.0\.1:1\/none: .*ECONNREFUSED.*\n$/,
    );
  });
});
