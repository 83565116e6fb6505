// Reading a reverse proxy's header: X-Forwarded-For and Forwarded (RFC 7239), from the end backwards past
// trusted hops, an untrusted peer's header ignored, and broken headers ignored in favour of the peer.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  canonicalAddress,
  forwardedHops,
  parseProxyEntry,
  TrustedProxies,
  xForwardedForHops,
} from "../../src/web/forwarded.js";

const PROXY = { address: "127.0.0.1", port: 50_000 };
const proxies = new TrustedProxies(["127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"]);

function xff(value: string, peer = PROXY): string {
  const client = proxies.clientOf(peer, { "x-forwarded-for": value }, "x-forwarded-for");
  return `${client.address}:${client.port}`;
}

function fwd(value: string, peer = PROXY): string {
  const client = proxies.clientOf(peer, { forwarded: value }, "forwarded");
  return `${client.address}:${client.port}`;
}

describe("trusted proxies", () => {
  it("entries: addresses and CIDR blocks written canonically; anything else refused", () => {
    assert.equal(parseProxyEntry("10.0.0.0/8"), "10.0.0.0/8");
    assert.equal(parseProxyEntry("127.0.0.1"), "127.0.0.1");
    assert.equal(parseProxyEntry("2001:DB8:0:0::1"), "2001:db8::1");
    assert.equal(parseProxyEntry("FD00::/008"), "fd00::/8");
    assert.equal(parseProxyEntry("::ffff:10.1.2.3"), "10.1.2.3");
    for (const bad of [
      "",
      "localhost",
      "10.0.0.0/33",
      "::/129",
      "10.0.0.0/",
      "10.0.0.0/x",
      "1.2.3",
      "256.1.1.1",
    ])
      assert.equal(parseProxyEntry(bad), null, bad);
    assert.throws(() => new TrustedProxies(["nonsense"]));
  });

  it("addresses are compared canonically, IPv4-mapped ones as IPv4", () => {
    assert.equal(canonicalAddress("::FFFF:127.0.0.1"), "127.0.0.1");
    assert.equal(canonicalAddress("2001:0db8:0000::0001"), "2001:db8::1");
    assert.equal(canonicalAddress("fe80::1%eth0"), null);
    assert.ok(proxies.trusts("::ffff:127.0.0.1"));
    assert.ok(proxies.trusts("10.200.3.4"));
    assert.ok(proxies.trusts("fd12::9"));
    assert.ok(!proxies.trusts("11.0.0.1"));
    assert.ok(!proxies.trusts("?"));
    assert.ok(!new TrustedProxies([]).trusts("127.0.0.1"), "none trusted by default");
  });

  it("X-Forwarded-For: from the end backwards past trusted hops, to the first that is none", () => {
    assert.equal(xff("203.0.113.9"), "203.0.113.9:0");
    assert.equal(xff("198.51.100.1, 203.0.113.9"), "203.0.113.9:0", "what the client wrote is not read");
    assert.equal(xff("203.0.113.20, 10.1.2.3"), "203.0.113.20:0");
    assert.equal(xff("10.9.9.9,192.0.2.7 ,10.0.0.5"), "192.0.2.7:0");
    assert.equal(xff("10.0.0.1, 10.0.0.2"), "10.0.0.1:0", "all trusted: the first");
    assert.equal(xff("2001:DB8::1"), "2001:db8::1:0");
    assert.equal(xff("[2001:db8::2]:4711"), "2001:db8::2:4711");
    assert.equal(xff("203.0.113.9:5000"), "203.0.113.9:5000");
    assert.equal(xff("::ffff:192.0.2.33"), "192.0.2.33:0");
    assert.equal(xff("nonsense, 203.0.113.30"), "203.0.113.30:0", "garbage left of the client is never read");
    assert.equal(
      proxies.clientOf(PROXY, { "x-forwarded-for": "203.0.113.1, 10.0.0.3" }, "forwarded").address,
      "127.0.0.1",
      "the other header is not read",
    );
  });

  it("X-Forwarded-For that cannot be read where it matters: the proxy is the address", () => {
    for (const bad of [
      "nonsense",
      "",
      "   ",
      "203.0.113.9, ",
      "203.0.113.9,,",
      "999.1.1.1",
      "[1.2.3.4]",
      "fe80::1%eth0",
      "203.0.113.9:99999",
      "203.0.113.9:",
      "garbage, 10.0.0.2",
      "unknown",
      `${"1.".repeat(4000)}1`,
    ])
      assert.equal(xff(bad), "127.0.0.1:50000", JSON.stringify(bad));
    assert.equal(
      proxies.clientOf(PROXY, {}, "x-forwarded-for"),
      PROXY,
      "no header: the proxy itself (a health check, say)",
    );
  });

  it("an untrusted peer's header is ignored", () => {
    const stranger = { address: "127.0.0.2", port: 40_000 };
    assert.equal(xff("203.0.113.9", stranger), "127.0.0.2:40000");
    assert.equal(xff("10.0.0.1", stranger), "127.0.0.2:40000");
    assert.equal(fwd("for=203.0.113.9", stranger), "127.0.0.2:40000");
    const none = new TrustedProxies([]);
    assert.equal(none.clientOf(PROXY, { "x-forwarded-for": "203.0.113.9" }, "x-forwarded-for"), PROXY);
  });

  it("Forwarded: each element's for=, quoted or not, with ports; names in any case", () => {
    assert.equal(fwd('for="[2001:db8:cafe::17]:4711";proto=https'), "2001:db8:cafe::17:4711");
    assert.equal(fwd("for=192.0.2.60;proto=http;by=203.0.113.43"), "192.0.2.60:0");
    assert.equal(fwd('for=192.0.2.60, for="10.0.0.7:80"'), "192.0.2.60:0");
    assert.equal(fwd("For=192.0.2.61"), "192.0.2.61:0");
    assert.equal(fwd('for="192.0.2.62:_hidden"'), "192.0.2.62:0");
    assert.equal(fwd('for="\\192.0.2.63"'), "192.0.2.63:0", "a quoted-pair is the character itself");
    assert.equal(fwd("for=198.51.100.1;proto=https , for=203.0.113.9"), "203.0.113.9:0");
    assert.deepEqual(forwardedHops('for=192.0.2.1;by="x,y", for=unknown'), [
      { address: "192.0.2.1", port: 0 },
      null,
    ]);
    assert.deepEqual(xForwardedForHops("192.0.2.1, x"), [{ address: "192.0.2.1", port: 0 }, null]);
  });

  it("Forwarded that cannot be read where it matters: the proxy is the address", () => {
    for (const bad of [
      "for=unknown",
      "for=_hidden",
      "by=10.0.0.1",
      'for="192.0.2.1',
      "for=192.0.2.1;for=192.0.2.2",
      "for",
      "for=192.0.2.1 junk",
      "for=[2001:db8::1]",
      "for=192.0.2.1;",
      'for="\\',
      "=192.0.2.1",
      "for=192.0.2.1,",
      "for=198.51.100.1, for=unknown",
    ])
      assert.equal(fwd(bad), "127.0.0.1:50000", JSON.stringify(bad));
  });
});
