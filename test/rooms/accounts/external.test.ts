// SASL EXTERNAL and NickServ CERT over real TLS, with real client certificates, on a server keeping its
// accounts in SQLite and in PostgreSQL: CERT ADD (this connection's certificate or a fingerprint named), DEL
// and LIST with their refusals; EXTERNAL logs in the account that added the certificate (also after a
// restart), and fails with 904 for an unknown certificate, another account's authzid, or no certificate.
import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { selfSigned } from "../../../src/cli/cert.js";
import type { RunningServer } from "../../../src/models/index.js";
import { ask, saslRegister } from "../../support/accounts.js";
import { Irc } from "../../support/irc.js";
import { LineClient } from "../../support/line-client.js";
import { startRoomsServer } from "../../support/rooms.js";
import { storeBackends, type TestStore } from "../../support/stores.js";
import { SUITE_TIMEOUT_MS } from "../../support/timing.js";

type Pair = { cert: string; key: string };

const fingerprintOf = (pem: string) =>
  createHash("sha256").update(new X509Certificate(pem).raw).digest("hex");

/** `aabb…` as `AA:BB:…`, as `openssl x509 -fingerprint -sha256` writes it. */
const withColons = (hex: string) => (hex.toUpperCase().match(/../g) as string[]).join(":");

const backends = (await storeBackends()).filter((b) => b.name !== "memory");

for (const backend of backends) {
  describe(`SASL EXTERNAL and NickServ CERT over ${backend.name}`, {
    timeout: SUITE_TIMEOUT_MS,
    skip: backend.skip,
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), "tcpchat-external-"));
    const certFile = join(dir, "localhost.pem");
    const keyFile = join(dir, "localhost-key.pem");
    const open: Irc[] = [];
    let made: TestStore | null = null;
    let server: RunningServer | null = null;
    let tlsPort = 0;
    let plainPort = 0;
    let serverCert = "";
    let alice: Pair;
    let stranger: Pair;

    const start = async () => {
      assert.ok(made);
      server = await startRoomsServer(
        "evented",
        { store: made.config.store, dataDir: made.config.dataDir },
        { tls: { certFile, keyFile, port: 0 } },
      );
      plainPort = server.port;
      tlsPort = server.listeners.find((l) => l.kind === "tls")?.port ?? 0;
    };
    /** A TLS connection as `nick`, with the client certificate `pair` (none for null), nothing sent. */
    const tls = async (nick: string, pair: Pair | null): Promise<Irc> => {
      const raw = await LineClient.connectTls(tlsPort, {
        ca: serverCert,
        servername: "localhost",
        ...(pair ? { cert: pair.cert, key: pair.key } : {}),
      });
      const c = Irc.on(raw, nick);
      open.push(c);
      return c;
    };
    const external = async (nick: string, pair: Pair | null, authzid = "") => {
      const c = await tls(nick, pair);
      return { c, outcome: await saslRegister(c, authzid, "", "EXTERNAL") };
    };

    before(async () => {
      const pair = await selfSigned("localhost");
      serverCert = pair.cert;
      writeFileSync(certFile, pair.cert);
      writeFileSync(keyFile, pair.key);
      alice = await selfSigned("alice");
      stranger = await selfSigned("stranger");
      made = await backend.create("external");
      await start();
    });
    after(async () => {
      for (const c of open) c.close();
      await server?.shutdown();
      await made?.remove();
      rmSync(dir, { recursive: true, force: true });
    });

    it("CERT ADD takes this connection's certificate; EXTERNAL then logs in to its account, also after a restart", async () => {
      const fp = fingerprintOf(alice.cert);
      const c = await tls("alice", alice);
      c.send("CAP LS 302");
      assert.match((await c.raw.until(/ CAP \* LS :/)).join(" "), /\bsasl=PLAIN,SCRAM-SHA-256,EXTERNAL\b/);
      c.send("NICK alice");
      c.send("USER alice 0 * :alice");
      c.send("CAP END");
      await c.expect(/ (376|422) /);
      assert.equal(await ask(c, "CERT LIST"), "You are not logged in.");
      assert.match(await ask(c, "REGISTER alice-password"), /^Account alice registered/);
      assert.equal(await ask(c, "CERT LIST"), "alice has no certificates: CERT ADD adds this connection's.");
      assert.equal(await ask(c, "CERT ADD"), `${fp} now logs in to alice (SASL EXTERNAL).`);
      assert.equal(
        await ask(c, `CERT ADD ${withColons(fp)}`),
        `${withColons(fp)} is already one of your certificates.`,
      );
      assert.equal(await ask(c, "CERT LIST"), "Certificates that log in to alice:");
      assert.match(await c.expect(/NickServ/), new RegExp(`NOTICE alice :${fp} \\(added .+ GMT\\)$`));

      const first = await external("alice_", alice);
      assert.equal(first.outcome, "903");
      first.c.send("WHOIS alice_");
      assert.equal(await first.c.numeric("330"), "alice_ alice_ alice :is logged in as");
      // The authzid may name the certificate's account, in any case; no other.
      assert.equal((await external("alice_2", alice, "ALICE")).outcome, "903");
      assert.equal((await external("alice_3", alice, "bob")).outcome, "904");

      await server?.shutdown();
      await start();
      assert.equal((await external("alice_4", alice)).outcome, "903");
    });

    it("EXTERNAL fails with 904 for an unknown certificate or none; on a plain connection too", async () => {
      assert.equal((await external("who", stranger)).outcome, "904");
      assert.equal((await external("nocert", null)).outcome, "904");
      const plain = Irc.on(await LineClient.connect(plainPort), "plain");
      open.push(plain);
      assert.equal(await saslRegister(plain, "", "", "EXTERNAL"), "904");
    });

    it("CERT refuses bad input, another account's certificate, and what is not there; DEL ends EXTERNAL", async () => {
      const fp = fingerprintOf(alice.cert);
      const bob = await tls("bob", stranger);
      bob.send("NICK bob");
      bob.send("USER bob 0 * :bob");
      await bob.expect(/ (376|422) /);
      assert.match(await ask(bob, "REGISTER bob-password"), /^Account bob registered/);
      for (const bad of ["CERT", "CERT FLY", "CERT DEL", "CERT LIST more", `CERT ADD ${fp} more`])
        assert.equal(
          await ask(bob, bad),
          "Syntax: CERT ADD [fingerprint] | CERT DEL <fingerprint> | CERT LIST",
          bad,
        );
      for (const bad of ["nothex", "a".repeat(63), `${fp}00`, "g".repeat(64)])
        assert.equal(
          await ask(bob, `CERT ADD ${bad}`),
          "That is not a certificate fingerprint: 64 hexadecimal digits of SHA-256 (colons allowed).",
        );
      assert.equal(
        await ask(bob, `CERT ADD ${withColons(fp)}`),
        "That certificate logs in to another account.",
      );
      assert.equal(await ask(bob, `CERT DEL ${fp}`), `${fp} is not one of your certificates.`);
      // Ten at most.
      for (let i = 0; i < 10; i++)
        assert.match(await ask(bob, `CERT ADD ${String(i).repeat(64)}`), /now logs in to bob/);
      assert.equal(
        await ask(bob, "CERT ADD"),
        "An account has at most 10 certificates: remove one first (CERT DEL).",
      );
      // A plain connection has no certificate to add.
      const plain = Irc.on(await LineClient.connect(plainPort), "carol");
      open.push(plain);
      plain.send("NICK carol");
      plain.send("USER carol 0 * :carol");
      await plain.expect(/ (376|422) /);
      assert.match(await ask(plain, "REGISTER carol-password"), /^Account carol registered/);
      assert.equal(
        await ask(plain, "CERT ADD"),
        "This connection has no client certificate: name a fingerprint, or connect with one.",
      );

      const owner = await external("alice_5", alice);
      assert.equal(owner.outcome, "903");
      assert.equal(await ask(owner.c, `CERT DEL ${withColons(fp)}`), `${fp} no longer logs in to alice.`);
      assert.equal((await external("alice_6", alice)).outcome, "904");
    });
  });
}
