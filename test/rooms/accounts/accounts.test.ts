// Accounts without sockets: registering, logging in, the throttle and its bounds, on a manual clock.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AccountError, Accounts } from "../../../src/rooms/accounts/accounts.js";
import { MemoryAccountStore } from "../../../src/rooms/accounts/store.js";
import { LoginThrottle } from "../../../src/rooms/accounts/throttle.js";
import { ManualClock } from "../../../src/rooms/core/clock.js";

function accounts(clock = new ManualClock()) {
  return new Accounts(new MemoryAccountStore(), {
    clock,
    isValidName: (name) => /^[A-Za-z][A-Za-z0-9_]{0,29}$/.test(name),
    reserved: ["NickServ"],
  });
}

describe("accounts", { timeout: 60_000 }, () => {
  it("registers once per folded name, keeps no password in clear, logs in with the right one only", async () => {
    const a = accounts();
    const made = await a.register("Alice", null, "correct horse");
    assert.ok(made.ok);
    assert.ok(!JSON.stringify(made.value).includes("correct horse"));
    assert.match(made.value.passwordHash, /^\$scrypt\$/);
    assert.ok(a.isRegistered("ALICE"));
    assert.deepEqual(await a.register("alice", null, "another one"), {
      ok: false,
      error: AccountError.Exists,
    });
    assert.deepEqual(await a.login("aLiCe", "correct horse", "10.0.0.1"), { ok: true, value: "Alice" });
    assert.deepEqual(await a.login("alice", "wrong horse", "10.0.0.1"), {
      ok: false,
      error: AccountError.WrongPassword,
    });
    assert.deepEqual(await a.login("nobody", "whatever", "10.0.0.1"), {
      ok: false,
      error: AccountError.NoAccount,
    });
  });

  it("refuses bad names, reserved names, weak and unacceptable passwords, bad emails", async () => {
    const a = accounts();
    assert.deepEqual(await a.register("9lives", null, "password1"), {
      ok: false,
      error: AccountError.BadName,
    });
    assert.deepEqual(await a.register("nickserv", null, "password1"), {
      ok: false,
      error: AccountError.BadName,
    });
    assert.deepEqual(await a.register("bob", null, "short"), { ok: false, error: AccountError.WeakPassword });
    assert.deepEqual(await a.register("bob", null, "x".repeat(301)), {
      ok: false,
      error: AccountError.UnacceptablePassword,
    });
    assert.deepEqual(await a.register("bob", "not-an-email", "password1"), {
      ok: false,
      error: AccountError.BadEmail,
    });
    assert.equal(a.isRegistered("bob"), false);
    assert.ok((await a.register("bob", "bob@example.org", "password1")).ok);
  });

  it("changes a password and drops an account", async () => {
    const a = accounts();
    await a.register("carol", null, "first password");
    assert.ok((await a.setPassword("carol", "second password")).ok);
    assert.equal((await a.login("carol", "first password", "h")).ok, false);
    assert.ok((await a.login("carol", "second password", "h")).ok);
    assert.ok((await a.drop("CAROL")).ok);
    assert.equal(a.isRegistered("carol"), false);
    assert.deepEqual(await a.drop("carol"), { ok: false, error: AccountError.NoAccount });
    assert.deepEqual(await a.setPassword("carol", "third password"), {
      ok: false,
      error: AccountError.NoAccount,
    });
  });

  it("throttles failed logins per account, even with the right password, until the window passes", async () => {
    const clock = new ManualClock();
    const a = accounts(clock);
    await a.register("dave", null, "dave's password");
    for (let i = 0; i < 5; i++) assert.equal((await a.login("dave", "wrong", `10.0.0.${i}`)).ok, false);
    assert.deepEqual(await a.login("dave", "dave's password", "10.0.0.99"), {
      ok: false,
      error: AccountError.Throttled,
    });
    clock.advance(60_000);
    assert.ok((await a.login("dave", "dave's password", "10.0.0.99")).ok);
  });

  it("throttles per address across accounts; a success clears the account's count only", () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock);
    for (let i = 0; i < 10; i++) throttle.failed(`user${i}`, "192.0.2.1");
    assert.ok(throttle.wait("fresh", "192.0.2.1") > 0);
    assert.equal(throttle.wait("fresh", "192.0.2.2"), 0);
    for (let i = 0; i < 4; i++) throttle.failed("erin", "192.0.2.3");
    throttle.succeeded("erin");
    throttle.failed("erin", "192.0.2.4");
    assert.equal(throttle.wait("erin", "192.0.2.5"), 0);
    clock.advance(30_000);
    assert.equal(throttle.wait("fresh", "192.0.2.1"), 30_000);
  });

  it("keeps its maps bounded whatever the names tried", () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock, {
      perAccount: 5,
      perAddress: 10,
      windowMs: 60_000,
      maxEntries: 100,
    });
    for (let i = 0; i < 1000; i++) throttle.failed(`name${i}`, `10.0.${i >> 8}.${i & 255}`);
    assert.deepEqual(throttle.sizes, { accounts: 100, addresses: 100 });
  });
});
