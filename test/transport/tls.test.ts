// IRC over TLS as a user runs it: `tcpchat cert` makes the pair, `tcpchat serve` listens in plain text and
// over TLS; real TLS clients (node:tls, irc-framework), a failed handshake, plain text on the TLS port, STS,
// the client certificate's fingerprint in WHOIS, /metrics of clients over TLS, and the certificate read again
// on SIGHUP (by every listener, and every worker under cluster) while everyone stays connected.
import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { get as httpsGet } from "node:https";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { connect as connectTls, type TLSSocket } from "node:tls";
import irc, { type Client } from "irc-framework";
import { WebSocket } from "ws";
import { selfSigned } from "../../src/cli/cert.js";
import { type CliRun, cliSuite } from "../support/cli.js";
import { Irc } from "../support/irc.js";
import { LineClient } from "../support/line-client.js";
import { CLI_TEST_TIMEOUT_MS, DEFAULT_WAIT_MS, SUITE_TIMEOUT_MS } from "../support/timing.js";
import { bounded } from "../support/wait.js";

const fingerprintOf = (pem: string | Buffer) =>
  createHash("sha256").update(new X509Certificate(pem).raw).digest("hex");

describe("IRC over TLS", { timeout: SUITE_TIMEOUT_MS }, () => {
  const commands = cliSuite();
  const dir = mkdtempSync(join(tmpdir(), "tcpchat-tls-"));
  const certPath = join(dir, "localhost.pem");
  const keyPath = join(dir, "localhost-key.pem");
  const open: Array<{ close(): void }> = [];
  const keep = <T extends { close(): void }>(client: T): T => {
    open.push(client);
    return client;
  };
  let server: CliRun;
  let plainPort = 0;
  let tlsPort = 0;
  let webPort = 0;
  const trusted = () => ({ ca: readFileSync(certPath), servername: "localhost" });
  /** GET over HTTPS from the web listener, checking its certificate: the body, and the certificate seen. */
  const fetchTls = (path: string): Promise<{ body: string; fingerprint: string }> =>
    bounded(
      new Promise((resolve, reject) => {
        const req = httpsGet(
          { host: "127.0.0.1", port: webPort, path, agent: false, ...trusted() },
          (res) => {
            const cert = (res.socket as TLSSocket).getPeerCertificate();
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => {
              body += chunk;
            });
            res.on("end", () =>
              resolve({ body, fingerprint: cert.fingerprint256.replaceAll(":", "").toLowerCase() }),
            );
          },
        );
        req.on("error", reject);
      }),
      `GET ${path} over HTTPS`,
    );
  /** A metric's value on /metrics. */
  const metric = async (name: string): Promise<number> => {
    const { body } = await fetchTls("/metrics");
    const line = body.split("\n").find((l) => l.startsWith(`${name} `));
    assert.ok(line, `${name} in ${body}`);
    return Number(line.slice(name.length + 1));
  };
  /** A WebSocket over HTTPS, open. */
  const wss = async (): Promise<WebSocket> => {
    const ws = new WebSocket(`wss://localhost:${webPort}/`, ["text.ircv3.net"], trusted());
    keep({ close: () => ws.terminate() });
    await bounded(once(ws, "open"), "the wss handshake");
    return ws;
  };

  after(() => {
    for (const client of open) client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("tcpchat cert writes a self-signed pair for the host, the key readable by its owner only", {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    const run = commands.run(["cert", "--host", "localhost", "--out", dir]);
    assert.equal(await run.exitCode(), 0, run.stderr);
    const cert = new X509Certificate(readFileSync(certPath));
    assert.match(cert.subjectAltName ?? "", /DNS:localhost/);
    assert.match(cert.subjectAltName ?? "", /IP Address:127\.0\.0\.1/);
    assert.equal(statSync(keyPath).mode & 0o777, 0o600);
    assert.ok(cert.checkPrivateKey((await import("node:crypto")).createPrivateKey(readFileSync(keyPath))));
    assert.equal(
      run.stdout,
      `wrote ${certPath} and ${keyPath}, self-signed for localhost, valid 365 days\n` +
        `SHA-256 fingerprint: ${fingerprintOf(readFileSync(certPath))}\n` +
        `use: tcpchat serve --service rooms --tls-cert ${certPath} --tls-key ${keyPath}\n`,
    );
    // It does not write over a pair already there.
    const again = commands.run(["cert", "--host", "localhost", "--out", dir]);
    assert.equal(await again.exitCode(), 1);
    assert.match(again.stderr, /already there \(--force replaces them\)/);
  });

  describe("a server with both listeners", () => {
    before(async () => {
      server = commands.run([
        "serve",
        "--service",
        "rooms",
        "--port",
        "0",
        "--server-name",
        "irc.test",
        "--tls-cert",
        certPath,
        "--tls-key",
        keyPath,
        "--sts-duration",
        "3600",
        "--oper",
        "admin:pw",
        "--log-format",
        "json",
        "--log-level",
        "debug",
      ]);
      const m = await server.waitFor(
        /^listening on 127\.0\.0\.1:(\d+)\ntls listening on 127\.0\.0\.1:(\d+)\nweb listening on https:\/\/127\.0\.0\.1:(\d+)\/\n/m,
      );
      plainPort = Number(m[1]);
      tlsPort = Number(m[2]);
      webPort = Number(m[3]);
    });

    it("prints one line per listener; the web listener speaks HTTPS, and WebSocket over it", async () => {
      assert.equal(
        server.stdout,
        `listening on 127.0.0.1:${plainPort}\ntls listening on 127.0.0.1:${tlsPort}\n` +
          `web listening on https://127.0.0.1:${webPort}/\n`,
      );
      const ws = new WebSocket(`wss://localhost:${webPort}/`, ["text.ircv3.net"], trusted());
      keep({ close: () => ws.terminate() });
      await bounded(once(ws, "open"), "the wss handshake");
      ws.send("PING :secure");
      const [pong] = (await bounded(once(ws, "message"), "the PONG")) as [Buffer];
      assert.match(String(pong), /PONG \S+ :secure$/);
    });

    it("/metrics counts clients over TLS by what they speak: IRC, seed, and WebSocket over HTTPS", async () => {
      const names = ["irc", "seed", "websocket"].map(
        (p) => `tcpchat_connections{protocol="${p}",transport="tls"}`,
      );
      const before = await Promise.all(names.map(metric));
      const ircClient = keep(
        await Irc.registerOn(await LineClient.connectTls(tlsPort, trusted()), "counted"),
      );
      const seed = await LineClient.connectTls(tlsPort, trusted());
      keep({ close: () => seed.destroy() });
      seed.write("HELO counted\n");
      await seed.until(/^StudentID:/);
      const web = await wss();
      web.send("PING :counted");
      await bounded(once(web, "message"), "the PONG");
      assert.deepEqual(
        (await Promise.all(names.map(metric))).map((n, i) => n - (before[i] as number)),
        [1, 1, 1],
      );
      ircClient.raw.destroy();
      seed.destroy();
      web.terminate();
      // Closed, they are counted no more (looked at again until the server has seen the closes).
      const deadline = Date.now() + DEFAULT_WAIT_MS;
      let now = await Promise.all(names.map(metric));
      while (now.some((n, i) => n !== before[i]) && Date.now() < deadline) {
        await delay(20);
        now = await Promise.all(names.map(metric));
      }
      assert.deepEqual(now, before);
    });

    it("a node:tls client that checks the certificate talks with a plain one in one room", async () => {
      const raw = await LineClient.connectTls(tlsPort, trusted());
      assert.equal(raw.socket.authorized, true, String(raw.socket.authorizationError));
      const secure = keep(await Irc.registerOn(raw, "sec"));
      const plain = keep(await Irc.register(plainPort, "pla"));
      await secure.join("#both");
      await plain.join("#both");
      secure.send("PRIVMSG #both :over tls");
      await plain.expect(/^:sec!sec@\S+ PRIVMSG #both :over tls\r?$/);
      plain.send("PRIVMSG #both :in plain text");
      await secure.expect(/^:pla!pla@\S+ PRIVMSG #both :in plain text\r?$/);
    });

    it("irc-framework connects with TLS", async () => {
      const client: Client = new irc.Client();
      keep({ close: () => client.connection.end() });
      const registered = once(client, "registered");
      client.connect({
        host: "127.0.0.1",
        port: tlsPort,
        nick: "frame",
        tls: true,
        rejectUnauthorized: false,
        auto_reconnect: false,
      });
      await bounded(registered, "irc-framework's registration over TLS");
      const watcher = keep(await Irc.register(plainPort, "watch"));
      await watcher.join("#lib");
      const joined = once(client, "join");
      client.join("#lib");
      await bounded(joined, "irc-framework's join");
      client.say("#lib", "hello from irc-framework");
      await watcher.expect(/^:frame!\S+ PRIVMSG #lib :hello from irc-framework\r?$/);
    });

    it("STS: the plain listener names the TLS port, the TLS one the duration; only with CAP LS 302", async () => {
      const plain = keep(await Irc.open(plainPort));
      plain.send("CAP LS 302");
      // CAP LS 302 may take several lines, all but the last marked `*`.
      assert.match(
        (await plain.raw.until(/ CAP \* LS :/)).join(" "),
        new RegExp(` :.*\\bsts=port=${tlsPort}\\b`),
      );
      plain.send("CAP LS");
      assert.doesNotMatch(await plain.expect(/ CAP \* LS /), /sts/);
      // A policy is not a capability to ask for.
      plain.send("CAP REQ sts");
      assert.match(await plain.expect(/ CAP \* (ACK|NAK) /), / NAK :sts$/);
      const secure = await LineClient.connectTls(tlsPort, trusted());
      keep({ close: () => secure.destroy() });
      secure.send("CAP LS 302\r");
      const ls = (await secure.until(/ CAP \* LS :/)).join(" ");
      assert.match(ls, /\bsts=duration=3600\b/);
      assert.doesNotMatch(ls, /sts=port/);
    });

    it("WHOIS shows a client certificate's fingerprint to its owner, not to others", async () => {
      const mine = await selfSigned("carol");
      const raw = await LineClient.connectTls(tlsPort, { ...trusted(), cert: mine.cert, key: mine.key });
      const carol = keep(await Irc.registerOn(raw, "carol"));
      carol.send("WHOIS carol");
      assert.equal(
        await carol.numeric("276"),
        `carol carol :has client certificate fingerprint ${fingerprintOf(mine.cert)}`,
      );
      const dave = keep(await Irc.register(plainPort, "dave"));
      dave.send("WHOIS carol");
      const lines = await dave.raw.until(/ 318 dave carol /);
      assert.equal(lines.filter((line) => / 276 /.test(line)).length, 0, lines.join("\n"));
      // Without a certificate there is no 276 either.
      dave.send("WHOIS dave");
      const own = await dave.raw.until(/ 318 dave dave /);
      assert.equal(own.filter((line) => / 276 /.test(line)).length, 0, own.join("\n"));
    });

    it("a failed handshake and plain text on the TLS port are dropped; the server serves on", async () => {
      // Plain IRC sent to the TLS port: no IRC reply, the connection is closed.
      const confused = await LineClient.connect(tlsPort);
      keep({ close: () => confused.destroy() });
      confused.write("NICK plain\r\nUSER plain 0 * :plain\r\n");
      const said = await confused.linesUntilClose(undefined, { reset: true });
      assert.equal(said.filter((line) => /NICK|:irc\.test/.test(line)).length, 0, said.join("\n"));
      // A client that only speaks TLS 1.1 cannot agree on a protocol.
      const old = connectTls({
        port: tlsPort,
        host: "127.0.0.1",
        maxVersion: "TLSv1.1",
        minVersion: "TLSv1",
        rejectUnauthorized: false,
      });
      const [err] = (await bounded(once(old, "error"), "the old client's failure")) as [
        NodeJS.ErrnoException,
      ];
      assert.match(String(err.code), /ERR_SSL|ECONNRESET/);
      old.destroy();
      // Garbage that looks like the start of a handshake, then a half-close.
      const garbage = connect({ port: tlsPort, host: "127.0.0.1" });
      garbage.on("error", () => {});
      garbage.resume(); // read the alert, so that the close is seen
      garbage.end(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5, 0xff, 0xff]));
      await bounded(once(garbage, "close"), "the garbage connection's close");
      await server.waitFor(/TLS handshake failed/, "stderr");
      // Everyone else is fine: a new TLS client registers.
      keep(await Irc.registerOn(await LineClient.connectTls(tlsPort, trusted()), "after"));
    });

    it("SIGHUP reads the certificate again: new clients get the new one, connected ones stay", async () => {
      const before = keep(await Irc.registerOn(await LineClient.connectTls(tlsPort, trusted()), "stays"));
      const webBefore = await wss();
      const oldPrint = fingerprintOf(readFileSync(certPath));
      const renewed = await selfSigned("localhost");
      writeFileSync(certPath, renewed.cert);
      writeFileSync(keyPath, renewed.key);
      server.kill("SIGHUP");
      await server.waitFor(/"msg":"SIGHUP: reloaded the TLS certificate [^"]*localhost\.pem"/, "stderr");
      const fresh = await LineClient.connectTls(tlsPort, trusted());
      keep({ close: () => fresh.destroy() });
      const seen = fresh.socket.getPeerCertificate().fingerprint256.replaceAll(":", "").toLowerCase();
      assert.equal(seen, fingerprintOf(renewed.cert));
      assert.notEqual(seen, oldPrint);
      // The web listener (HTTPS, wss) too.
      assert.equal((await fetchTls("/healthz")).fingerprint, fingerprintOf(renewed.cert));
      // The clients from before are still connected and served.
      assert.equal((await before.drain()).length, 0);
      webBefore.send("PING :still here");
      const [pong] = (await bounded(once(webBefore, "message"), "the PONG")) as [Buffer];
      assert.match(String(pong), /PONG \S+ :still here$/);

      // A bad key on the next reload leaves the running certificate in place.
      writeFileSync(keyPath, "not a key\n");
      server.kill("SIGHUP");
      await server.waitFor(
        /"msg":"SIGHUP: TLS certificate not reloaded \(the running one stays\): [^"]+"/,
        "stderr",
      );
      const still = await LineClient.connectTls(tlsPort, trusted());
      keep({ close: () => still.destroy() });
      assert.equal(
        still.socket.getPeerCertificate().fingerprint256.replaceAll(":", "").toLowerCase(),
        fingerprintOf(renewed.cert),
      );
      // REHASH, from an operator, reads it again the same way.
      writeFileSync(keyPath, renewed.key);
      const oper = keep(await Irc.register(plainPort, "oper"));
      oper.send("OPER admin pw");
      await oper.numeric("381");
      oper.send("REHASH");
      await oper.expect(/NOTICE oper :REHASH: reloaded the TLS certificate \S*localhost\.pem\r?$/);
    });
  });

  it("under cluster, SIGHUP gives every worker the new certificate; their clients stay; no STS unless asked", {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    const cert = join(dir, "cluster.pem");
    const key = join(dir, "cluster-key.pem");
    const first = await selfSigned("localhost");
    writeFileSync(cert, first.cert);
    writeFileSync(key, first.key, { mode: 0o600 });
    const run = commands.run([
      ...["serve", "--service", "rooms", "--model", "cluster", "--workers", "2", "--port", "0"],
      ...["--server-name", "irc.test", "--tls-cert", cert, "--tls-key", key, "--log-format", "json"],
    ]);
    const m = await run.waitFor(/^listening on 127\.0\.0\.1:(\d+)\ntls listening on 127\.0\.0\.1:(\d+)\n/m);
    const port = Number(m[2]);
    // Without --sts-duration no STS is offered, though TLS is on.
    const plain = keep(await Irc.open(Number(m[1])));
    plain.send("CAP LS 302");
    assert.doesNotMatch((await plain.raw.until(/ CAP \* LS :/)).join(" "), /sts/);
    /** The fingerprint of the certificate a new connection is shown. */
    const shown = async (): Promise<string> => {
      const socket = connectTls({
        port,
        host: "127.0.0.1",
        servername: "localhost",
        rejectUnauthorized: false,
      });
      try {
        await bounded(once(socket, "secureConnect"), "the TLS handshake");
        return socket.getPeerCertificate().fingerprint256.replaceAll(":", "").toLowerCase();
      } finally {
        socket.destroy();
      }
    };
    // Connections go to the workers in turn: a few reach both.
    const stays: Irc[] = [];
    for (let i = 0; i < 4; i++) {
      const client = keep(
        await Irc.registerOn(await LineClient.connectTls(port, { rejectUnauthorized: false }), `w${i}`),
      );
      stays.push(client);
    }
    assert.equal(await shown(), fingerprintOf(first.cert));

    const renewed = await selfSigned("localhost");
    writeFileSync(cert, renewed.cert);
    writeFileSync(key, renewed.key);
    run.kill("SIGHUP");
    await run.waitFor(/"msg":"SIGHUP: reloaded the TLS certificate [^"]*cluster\.pem"/, "stderr");
    // Each worker applies it as its message arrives: looked at until six connections in a row (both workers,
    // three times each) are shown the new one.
    const deadline = Date.now() + DEFAULT_WAIT_MS;
    let inARow = 0;
    while (inARow < 6) {
      assert.ok(Date.now() < deadline, "every worker shows the new certificate in time");
      inARow = (await shown()) === fingerprintOf(renewed.cert) ? inARow + 1 : 0;
    }
    for (const client of stays) {
      client.send(`PING :${client.nick}`);
      await client.expect(new RegExp(`PONG irc\\.test :${client.nick}\r?$`));
    }
    run.kill("SIGTERM");
    assert.equal(await run.exitCode(), 0, run.stderr);
  });

  it("--no-plain listens over TLS only; TLS options alone or half given are usage errors", {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    const only = commands.run([
      "serve",
      "--service",
      "rooms",
      "--port",
      "0",
      "--server-name",
      "irc.test",
      "--tls-cert",
      certPath,
      "--tls-key",
      keyPath,
      "--no-plain",
    ]);
    const m = await only.waitFor(/^tls listening on 127\.0\.0\.1:(\d+)\n/m);
    assert.doesNotMatch(only.stdout, /^listening on/m);
    keep(await Irc.registerOn(await LineClient.connectTls(Number(m[1]), trusted()), "solo"));
    only.kill("SIGTERM");
    assert.equal(await only.exitCode(), 0);
    for (const [args, message] of [
      [["--tls-cert", certPath], "--tls-cert needs --tls-key"],
      [["--tls-key", keyPath], "--tls-key needs --tls-cert"],
      [["--no-plain"], "--no-plain needs TLS"],
      [["--sts-duration", "60"], "--sts-duration needs --tls-cert and --tls-key"],
    ] as const) {
      const run = commands.run(["serve", "--service", "rooms", "--port", "0", ...args]);
      assert.equal(await run.exitCode(), 64, args.join(" "));
      assert.match(run.stderr, new RegExp(`error: ${message}`));
    }
  });
});
