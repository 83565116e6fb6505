// Accounts in the store. The store's accounts (over SQLite, memory and PostgreSQL) and the in-memory one keep
// the same records by folded name, refuse a second account of a name, keep certificates one account's each
// and drop them with it. A real server over SQLite and PostgreSQL keeps accounts registered with NickServ
// and with draft/account-registration across an orderly restart and a kill -9, with their password changes
// and drops; nodes sharing PostgreSQL over the Redis bus log in to each other's accounts at once.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { type AccountRecord, type AccountStore, MemoryAccountStore } from "../../src/rooms/accounts/store.js";
import { SqlAccountStore } from "../../src/store/accounts.js";
import { openStore, type StoreConfig } from "../../src/store/index.js";
import { ask, type SaslMechanism, saslConnect } from "../support/accounts.js";
import { cliSuite } from "../support/cli.js";
import { Irc } from "../support/irc.js";
import { redisSkipReason } from "../support/redis.js";
import { sharedStoreNodes } from "../support/shared-store-nodes.js";
import { StoredServer } from "../support/stored-server.js";
import { storeBackends, type TestStore, withFreshStore } from "../support/stores.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

const SCRAM = { salt: "c2FsdA==", iterations: 4096, storedKey: "c3RvcmVk", serverKey: "c2VydmVy" };

function record(name: string, createdAt = 1): AccountRecord {
  return { name, email: null, passwordHash: `$scrypt$hash-of-${name}`, scram: SCRAM, createdAt };
}

const FP_A = "a".repeat(64);
const FP_B = "b".repeat(64);

/** The conformance of one account store: what every kind must do alike. */
async function conforms(accounts: AccountStore): Promise<void> {
  assert.equal(await accounts.create("alice", { ...record("Alice"), email: "alice@example.org" }), true);
  assert.equal(await accounts.create("alice", record("ALICE")), false);
  assert.equal(await accounts.create("bob", record("bob", 2)), true);
  assert.deepEqual(await accounts.find("alice"), {
    ...record("Alice"),
    email: "alice@example.org",
  });
  assert.equal(await accounts.find("Alice"), null);
  const scram = { ...SCRAM, iterations: 8192, storedKey: "bmV3" };
  assert.equal(await accounts.setCredentials("bob", "$scrypt$new", scram), true);
  assert.equal(await accounts.setCredentials("nobody", "$scrypt$new", scram), false);
  assert.deepEqual(await accounts.find("bob"), { ...record("bob", 2), passwordHash: "$scrypt$new", scram });
  assert.deepEqual(
    (await accounts.list()).map((a) => a.name),
    ["Alice", "bob"],
  );
  assert.deepEqual((await accounts.keys()).sort(), ["alice", "bob"]);

  assert.equal(await accounts.addCertificate("alice", { fingerprint: FP_A, addedAt: 10 }), "added");
  assert.equal(await accounts.addCertificate("alice", { fingerprint: FP_A, addedAt: 11 }), "exists");
  assert.equal(await accounts.addCertificate("bob", { fingerprint: FP_A, addedAt: 12 }), "taken");
  assert.equal(await accounts.addCertificate("nobody", { fingerprint: FP_B, addedAt: 13 }), "no-account");
  assert.equal(await accounts.addCertificate("alice", { fingerprint: FP_B, addedAt: 14 }), "added");
  assert.deepEqual(await accounts.certificates("alice"), [
    { fingerprint: FP_A, addedAt: 10 },
    { fingerprint: FP_B, addedAt: 14 },
  ]);
  assert.equal((await accounts.findByCertificate(FP_B))?.name, "Alice");
  assert.equal(await accounts.deleteCertificate("bob", FP_B), false);
  assert.equal(await accounts.deleteCertificate("alice", FP_B), true);
  assert.equal(await accounts.findByCertificate(FP_B), null);
  // Dropping an account takes its certificates with it: the fingerprint is free again.
  assert.equal(await accounts.drop("alice"), true);
  assert.equal(await accounts.drop("alice"), false);
  assert.equal(await accounts.find("alice"), null);
  assert.equal(await accounts.findByCertificate(FP_A), null);
  assert.deepEqual(await accounts.certificates("alice"), []);
  assert.equal(await accounts.addCertificate("bob", { fingerprint: FP_A, addedAt: 15 }), "added");
}

const allBackends = await storeBackends();
const backends = allBackends.filter((b) => b.name !== "memory");
const redisSkip = await redisSkipReason();

describe("account store in memory", () => {
  it("keeps records and certificates as the store's does", () => conforms(new MemoryAccountStore()));
});

for (const backend of allBackends) {
  describe(`account rows over ${backend.name}`, { skip: backend.skip }, () => {
    it("keep records by folded name and certificates one account's each, dropped with it", async () => {
      await withFreshStore(backend, "account-rows", async (store) => {
        await conforms(new SqlAccountStore(store.db));
      });
    });
  });
}

/** Every column of every account row, as text: no password may be found in it. */
async function accountRows(config: StoreConfig): Promise<string> {
  const store = await openStore(config);
  try {
    return JSON.stringify(await store.db.selectFrom("accounts").selectAll().orderBy("key").execute());
  } finally {
    await store.close();
  }
}

for (const backend of backends) {
  describe(`accounts over ${backend.name}`, { timeout: SUITE_TIMEOUT_MS, skip: backend.skip }, () => {
    const cli = cliSuite();
    const stores: TestStore[] = [];
    const clients: Irc[] = [];
    const keep = (c: Irc) => {
      clients.push(c);
      return c;
    };
    after(async () => {
      for (const client of clients) client.close();
      for (const store of stores) await store.remove();
    });
    /** The outcome of a SASL login as `account` (903 or a failure's numeric); the client is closed. */
    const sasl = async (port: number, account: string, password: string, mechanism: SaslMechanism) => {
      const { c, outcome } = await saslConnect(port, `${account}_`, account, password, mechanism);
      c.close();
      return outcome;
    };

    it("log in after an orderly restart and after kill -9, with their new passwords; dropped ones stay gone", async () => {
      const made = await backend.create("accounts");
      stores.push(made);
      const server = new StoredServer(cli, made.config);
      let port = await server.start();
      // NickServ, then draft/account-registration before connection registration.
      const alice = keep(await Irc.register(port, "alice"));
      assert.equal(
        await ask(alice, "REGISTER alice-password alice@example.org"),
        "Account alice registered; you are now logged in.",
      );
      const bob = keep(await Irc.open(port, "Bob"));
      bob.send("CAP LS 302");
      bob.send("NICK Bob");
      bob.send("USER bob 0 * :bob");
      bob.send("CAP REQ :draft/account-registration");
      bob.send("REGISTER * * :bob-password");
      assert.equal(await bob.expect(/ REGISTER /), ":irc.test REGISTER SUCCESS Bob :Account registered");
      for (const name of ["carol", "dave"]) {
        const c = keep(await Irc.register(port, name));
        assert.match(await ask(c, `REGISTER ${name}-password`), /registered; you are now logged in\.$/);
        c.close();
      }
      alice.close();
      bob.close();
      await server.stop();

      port = await server.start();
      assert.equal(await sasl(port, "alice", "alice-password", "PLAIN"), "903");
      assert.equal(await sasl(port, "bob", "bob-password", "SCRAM-SHA-256"), "903");
      assert.equal(await sasl(port, "alice", "wrong-password", "PLAIN"), "904");
      // The names are known at start: a registered nick is guarded from the first moment.
      const squatter = keep(await Irc.register(port, "carol"));
      assert.match(
        await squatter.expect(/NickServ/),
        /NOTICE carol :This nickname is registered\. Please identify/,
      );
      assert.equal(await ask(squatter, "IDENTIFY carol-password"), "You are now identified as carol.");
      assert.equal(await ask(squatter, "DROP carol-password"), "Account carol dropped.");
      const dave = keep(await Irc.register(port, "dave"));
      await dave.expect(/NickServ/);
      assert.equal(await ask(dave, "IDENTIFY dave-password"), "You are now identified as dave.");
      assert.equal(await ask(dave, "SET PASSWORD dave-second-password"), "Password changed.");
      assert.match(await ask(dave, "INFO alice"), /^Account alice, registered /);
      await server.killAfterWindow();

      port = await server.start();
      assert.equal(await sasl(port, "dave", "dave-password", "PLAIN"), "904");
      assert.equal(await sasl(port, "dave", "dave-second-password", "PLAIN"), "903");
      assert.equal(await sasl(port, "dave", "dave-second-password", "SCRAM-SHA-256"), "903");
      assert.equal(await sasl(port, "carol", "carol-password", "PLAIN"), "904");
      const anyone = keep(await Irc.register(port, "anyone"));
      assert.equal(await ask(anyone, "INFO carol"), "carol is not a registered account.");
      assert.equal(await ask(anyone, "IDENTIFY Bob bob-password"), "You are now identified as Bob.");
      anyone.send("WHOIS anyone");
      assert.equal(await anyone.numeric("330"), "anyone anyone Bob :is logged in as");
      await server.stop();

      const rows = await accountRows(made.config);
      assert.match(rows, /"name":"alice","email":"alice@example\.org","password_hash":"\$scrypt\$/);
      for (const password of ["alice-password", "bob-password", "dave-second-password"])
        assert.ok(!rows.includes(password), `${password} is not kept in clear`);
      assert.ok(!rows.includes('"carol"'), "carol was dropped");
    });
  });
}

const postgres = backends.find((b) => b.name === "postgres");
describe("accounts of nodes sharing PostgreSQL over the Redis bus", {
  timeout: SUITE_TIMEOUT_MS,
  skip: postgres?.skip || redisSkip,
}, () => {
  assert.ok(postgres);
  const shared = sharedStoreNodes(postgres, "accounts-nodes");
  const clients = shared.clients;

  it("an account registered, changed or dropped on one node is so on the other at once", async () => {
    const [a, b] = (await shared.start(2)) as [RunningServer, RunningServer];
    const alice = await Irc.register(a.port, "alice");
    clients.push(alice);
    assert.equal(
      await ask(alice, "REGISTER alice-password"),
      "Account alice registered; you are now logged in.",
    );
    // On B at once: read from the store, not from what B held.
    const onB = await saslConnect(b.port, "alice_b", "alice", "alice-password", "SCRAM-SHA-256");
    clients.push(onB.c);
    assert.equal(onB.outcome, "903");
    assert.equal(await ask(onB.c, "SET PASSWORD alice-changed"), "Password changed.");
    const old = await saslConnect(a.port, "alice_a", "alice", "alice-password", "PLAIN");
    clients.push(old.c);
    assert.equal(old.outcome, "904");
    const changed = await saslConnect(a.port, "alice_c", "alice", "alice-changed", "PLAIN");
    clients.push(changed.c);
    assert.equal(changed.outcome, "903");
    // Registered on A, known on B.
    const carol = await Irc.register(a.port, "carol");
    clients.push(carol);
    assert.match(await ask(carol, "REGISTER carol-password"), /^Account carol registered/);
    const someone = await Irc.register(b.port, "someone");
    clients.push(someone);
    assert.match(await ask(someone, "INFO carol"), /^Account carol, registered /);
    assert.equal(await ask(onB.c, "DROP alice-changed"), "Account alice dropped.");
    const dropped = await saslConnect(a.port, "alice_d", "alice", "alice-changed", "PLAIN");
    clients.push(dropped.c);
    assert.equal(dropped.outcome, "904");
  });
});
