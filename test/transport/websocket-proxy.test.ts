// IRC over WebSocket behind a reverse proxy: real WebSockets carrying X-Forwarded-For or Forwarded, from a
// trusted proxy (127.0.0.1) and from a peer that is none (127.0.0.2). The address read is the user's
// everywhere: masks and WHOIS, the per-address limit, D-lines, the logs; a spoofed or broken header is not.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import type { WebListenerConfig } from "../../src/web/listener.js";
import { cliSuite } from "../support/cli.js";
import { Irc } from "../support/irc.js";
import { startRoomsServer } from "../support/rooms.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";
import { WsClient, webPort } from "../support/websocket.js";

const OPERS = [{ name: "boss", password: "secret" }];
/** Another host, as far as the server can tell: not a trusted proxy. */
const STRANGER = "127.0.0.2";

/** A rooms server trusting 127.0.0.1 and 10.0.0.0/8 as proxies, one connection per (non-loopback) address. */
function proxiedServer(web: Partial<WebListenerConfig>): Promise<RunningServer> {
  return startRoomsServer(
    "evented",
    { opers: OPERS, maxClientsPerIp: 1 },
    { web: { port: 0, origins: null, tls: null, trustProxy: ["127.0.0.1", "10.0.0.0/8"], ...web } },
  );
}

function suite(web: Partial<WebListenerConfig>) {
  let server: RunningServer;
  let op: Irc;
  const open: Array<{ close(): void }> = [];
  const keep = <T extends { close(): void }>(client: T): T => {
    open.push(client);
    return client;
  };
  before(async () => {
    server = await proxiedServer(web);
    op = keep(await Irc.register(server.port, "op"));
    op.send("OPER boss secret");
    await op.numeric("381");
  });
  after(async () => {
    for (const client of open) client.close();
    await server.shutdown();
  });
  return {
    op: () => op,
    /** A WebSocket with these headers (from `localAddress`), registered as `nick`. */
    async through(nick: string, headers: Record<string, string>, localAddress?: string): Promise<WsClient> {
      const client = keep(await WsClient.connect(webPort(server), undefined, headers, localAddress));
      client.send(`NICK ${nick}`);
      client.send(`USER ${nick} 0 * :${nick}`);
      await client.until(/^:irc\.test (376|422) /);
      return client;
    },
    /** A WebSocket with these headers that says NICK and USER: what it hears until it is closed. */
    async refused(headers: Record<string, string>, localAddress?: string): Promise<string[]> {
      const client = keep(await WsClient.connect(webPort(server), undefined, headers, localAddress));
      client.send("NICK nope");
      client.send("USER nope 0 * :nope");
      await client.closeCode();
      return client.messages.map((m) => m.text);
    },
    /** The host an operator's WHOIS shows for `nick`. */
    async hostOf(nick: string): Promise<string> {
      op.send(`WHOIS ${nick}`);
      const line = await op.expect(new RegExp(`^:irc\\.test 311 op ${nick} `));
      return line.split(" ")[5] as string;
    },
  };
}

describe("WebSocket behind a proxy: X-Forwarded-For", { timeout: SUITE_TIMEOUT_MS }, () => {
  const s = suite({ proxyHeader: "x-forwarded-for" });

  it("a trusted proxy's client is the user: its address in masks, WHOIS and the per-address limit", async () => {
    const fwd = await s.through("fwd", { "X-Forwarded-For": "198.51.100.1, 203.0.113.9" });
    assert.equal(await s.hostOf("fwd"), "203.0.113.9");
    await s.op().join("#proxied");
    fwd.send("JOIN #proxied");
    await fwd.until(/ 366 fwd #proxied /);
    fwd.send("PRIVMSG #proxied :hello");
    await s.op().expect(/^:fwd!fwd@203\.0\.113\.9 PRIVMSG #proxied :hello\r?$/);
    // One connection per address: a second from 203.0.113.9 is refused, in its own name; another is not.
    assert.deepEqual(await s.refused({ "X-Forwarded-For": "203.0.113.9" }), [
      "ERROR :Too many connections from your IP address",
    ]);
    await s.through("other", { "X-Forwarded-For": "203.0.113.10" });
    assert.equal(await s.hostOf("other"), "203.0.113.10");
  });

  it("read from the end past trusted hops; IPv6 written canonically", async () => {
    await s.through("hop1", { "X-Forwarded-For": "203.0.113.20, 10.1.2.3" });
    assert.equal(await s.hostOf("hop1"), "203.0.113.20");
    await s.through("hop2", { "X-Forwarded-For": "10.9.9.9, 192.0.2.7, 10.0.0.5" });
    assert.equal(await s.hostOf("hop2"), "192.0.2.7");
    await s.through("hop3", { "X-Forwarded-For": "10.0.0.1, 10.0.0.2" });
    assert.equal(await s.hostOf("hop3"), "10.0.0.1");
    await s.through("six", { "X-Forwarded-For": "2001:DB8:0:0::1" });
    assert.equal(await s.hostOf("six"), "2001:db8::1");
  });

  it("an untrusted peer's header is ignored: it is its own address, and a D-line on it holds", async () => {
    await s.through("spoof", { "X-Forwarded-For": "203.0.113.99", Forwarded: "for=203.0.113.98" }, STRANGER);
    assert.equal(await s.hostOf("spoof"), STRANGER);
    s.op().send(`DLINE ${STRANGER} :no spoofing`);
    await s.op().expect(/NOTICE op :Added permanent D-line for 127\.0\.0\.2/);
    assert.deepEqual(await s.refused({ "X-Forwarded-For": "198.51.100.77" }, STRANGER), [
      ":irc.test 465 * :You are banned from this server- D-Lined: no spoofing",
      `ERROR :Closing Link: ${STRANGER} (D-Lined: no spoofing)`,
    ]);
    s.op().send(`UNDLINE ${STRANGER}`);
    await s.op().expect(/NOTICE op :Removed D-line/);
  });

  it("a D-line on the forwarded address closes its user and refuses it again through the proxy", async () => {
    const banned = await s.through("banned", { "X-Forwarded-For": "198.18.0.5" });
    s.op().send("DLINE 198.18.0.0/24 :proxied");
    await s.op().expect(/NOTICE op :Added permanent D-line for 198\.18\.0\.0\/24/);
    await banned.until(/^ERROR :D-Lined: proxied$/);
    assert.deepEqual(await s.refused({ "X-Forwarded-For": "198.18.0.50" }), [
      ":irc.test 465 * :You are banned from this server- D-Lined: proxied",
      "ERROR :Closing Link: 198.18.0.50 (D-Lined: proxied)",
    ]);
    // The proxy itself is not banned: another client through it is let in.
    await s.through("free", { "X-Forwarded-For": "198.19.0.5" });
  });

  it("a header that cannot be read is ignored: the user's address is the proxy's", async () => {
    const bad = ["nonsense", "203.0.113.40, ", "999.1.1.1", "[1.2.3.4]", "garbage, 10.0.0.2", "unknown"];
    for (const [i, value] of bad.entries()) {
      await s.through(`bad${i}`, { "X-Forwarded-For": value });
      assert.equal(await s.hostOf(`bad${i}`), "127.0.0.1", value);
    }
  });
});

describe("WebSocket behind a proxy: Forwarded", { timeout: SUITE_TIMEOUT_MS }, () => {
  const s = suite({ proxyHeader: "forwarded" });

  it("for= of RFC 7239, past trusted hops; X-Forwarded-For is not read", async () => {
    await s.through("v6", { Forwarded: 'for="[2001:db8:cafe::17]:4711";proto=https' });
    assert.equal(await s.hostOf("v6"), "2001:db8:cafe::17");
    await s.through("chain", { Forwarded: "for=192.0.2.60;proto=http, For=10.0.0.7" });
    assert.equal(await s.hostOf("chain"), "192.0.2.60");
    await s.through("wrong", { "X-Forwarded-For": "192.0.2.61" });
    assert.equal(await s.hostOf("wrong"), "127.0.0.1");
    await s.through("unknown", { Forwarded: "for=unknown" });
    assert.equal(await s.hostOf("unknown"), "127.0.0.1");
    await s.through("broken", { Forwarded: 'for="192.0.2.62' });
    assert.equal(await s.hostOf("broken"), "127.0.0.1");
    await s.through("spoof", { Forwarded: "for=192.0.2.63" }, STRANGER);
    assert.equal(await s.hostOf("spoof"), STRANGER);
  });
});

describe("the proxy options from the command line and the configuration file", {
  timeout: SUITE_TIMEOUT_MS,
}, () => {
  const commands = cliSuite();
  const dir = mkdtempSync(join(tmpdir(), "tcpchat-proxy-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const base = ["serve", "--service", "rooms", "--port", "0", "--server-name", "irc.test"];

  it("web-trust-proxy and web-proxy-header in the file; the logs name the client, not the proxy", async () => {
    const config = join(dir, "proxy.toml");
    writeFileSync(
      config,
      [
        "[listen]",
        'web-trust-proxy = ["10.0.0.0/8", "127.0.0.1"]',
        'web-proxy-header = "Forwarded"',
        "",
      ].join("\n"),
    );
    const run = commands.run([
      ...base,
      "--config",
      config,
      "--max-clients-per-ip",
      "1",
      "--log-format",
      "json",
      "--log-level",
      "debug",
    ]);
    const m = await run.waitFor(/^web listening on http:\/\/127\.0\.0\.1:(\d+)\/$/m);
    const port = Number(m[1]);
    const open: WsClient[] = [];
    try {
      const headers = { Forwarded: "for=203.0.113.9" };
      const first = await WsClient.connect(port, undefined, headers);
      open.push(first);
      first.send("NICK logged");
      first.send("USER logged 0 * :logged");
      await first.until(/ 001 logged /);
      const second = await WsClient.connect(port, undefined, headers);
      open.push(second);
      await second.until(/^ERROR :Too many connections/);
      const logs = await run.waitFor(/^.*"too many connections from 203\.0\.113\.9".*$/m, "stderr");
      assert.match(logs[0], /"ip":"203\.0\.113\.9"/);
      const through = await run.waitFor(/^.*"websocket through a trusted proxy".*$/m, "stderr");
      assert.match(through[0], /"client":"203\.0\.113\.9:0","proxy":"127\.0\.0\.1:\d+"/);
    } finally {
      for (const client of open) client.close();
      run.kill("SIGTERM");
    }
    assert.equal(await run.exitCode(), 0, run.stderr);
  });

  it("bad values and contradictions are usage errors", async () => {
    for (const [args, message] of [
      [
        ["--web-trust-proxy", "10.0.0.0/8,proxy.example"],
        '"proxy.example" is not an IP address or CIDR block',
      ],
      [["--web-trust-proxy", "10.0.0.0/33"], '"10.0.0.0/33" is not an IP address or CIDR block'],
      [
        ["--web-trust-proxy", "127.0.0.1", "--web-proxy-header", "X-Real-IP"],
        "expected X-Forwarded-For or Forwarded",
      ],
      [["--web-proxy-header", "Forwarded"], "--web-proxy-header needs --web-trust-proxy"],
      [["--no-web", "--web-trust-proxy", "127.0.0.1"], "--web-trust-proxy needs the web listener"],
    ] as const) {
      const run = commands.run([...base, ...args]);
      assert.equal(await run.exitCode(), 64, args.join(" "));
      assert.match(run.stderr, new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), args.join(" "));
    }
  });
});
