// Who is at the other end of a WebSocket that came through reverse proxies. Each proxy adds the address it
// was reached from to a header (X-Forwarded-For, or RFC 7239's Forwarded); anything left of that was written
// by whoever sent the request, so it is believed only as far as proxies we trust wrote it: read from the end
// backwards, past trusted hops, to the first address that is not one (or the first hop, if all are). A peer
// that is no trusted proxy is its own address, whatever it sends; a header that cannot be read where it
// matters is ignored, and the peer (the proxy) is the address.
import type { IncomingHttpHeaders } from "node:http";
import { BlockList, isIP } from "node:net";
import type { Endpoint } from "../transport/line-connection.js";

export const PROXY_HEADERS = ["x-forwarded-for", "forwarded"] as const;
export type ProxyHeader = (typeof PROXY_HEADERS)[number];

/** An IP address as it is kept and compared: IPv6 in its one canonical form, IPv4-mapped as IPv4. */
export function canonicalAddress(text: string): string | null {
  const family = isIP(text);
  if (family === 4) return text;
  if (family !== 6) return null;
  let hostname: string;
  try {
    // The URL parser writes IPv6 in its one canonical form (lower case, the longest zero run as ::).
    hostname = new URL(`http://[${text}]`).hostname.slice(1, -1);
  } catch {
    return null; // a zone index (fe80::1%eth0) is no address a client can have
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(hostname);
  if (!mapped) return hostname;
  const high = Number.parseInt(mapped[1] as string, 16);
  const low = Number.parseInt(mapped[2] as string, 16);
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** A trusted proxy as given (`10.0.0.0/8`, `127.0.0.1`, `::1`), written canonically; null if it is none. */
export function parseProxyEntry(text: string): string | null {
  const slash = text.indexOf("/");
  const address = canonicalAddress(slash === -1 ? text : text.slice(0, slash));
  if (address === null) return null;
  if (slash === -1) return address;
  const prefix = text.slice(slash + 1);
  const full = isIP(address) === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > full) return null;
  return `${address}/${Number(prefix)}`;
}

/** The addresses (and blocks) of the proxies whose headers are believed. */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;

  /** `entries` as parseProxyEntry writes them; one that is not is an error of the caller's. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const canonical = parseProxyEntry(entry);
      if (canonical === null) throw new Error(`not an address or CIDR block: ${entry}`);
      const [address, prefix] = canonical.split("/") as [string, string | undefined];
      const family = isIP(address) === 4 ? "ipv4" : "ipv6";
      if (prefix === undefined) this.list.addAddress(address, family);
      else this.list.addSubnet(address, Number(prefix), family);
    }
    this.empty = entries.length === 0;
  }

  trusts(address: string): boolean {
    const canonical = canonicalAddress(address);
    if (canonical === null || this.empty) return false;
    return this.list.check(canonical, isIP(canonical) === 4 ? "ipv4" : "ipv6");
  }

  /**
   * The client's endpoint: the peer's, unless the peer is a trusted proxy whose `header` names someone
   * further (the port is the header's, when it gives one, else 0).
   */
  clientOf(peer: Endpoint, headers: IncomingHttpHeaders, header: ProxyHeader): Endpoint {
    if (!this.trusts(peer.address)) return peer;
    const value = headers[header];
    if (typeof value !== "string" || value.trim() === "") return peer;
    const hops = header === "forwarded" ? forwardedHops(value) : xForwardedForHops(value);
    if (hops === null) return peer;
    let client = peer;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i];
      if (!hop) return peer;
      client = hop;
      if (!this.trusts(hop.address)) break;
    }
    return client;
  }
}

/** `X-Forwarded-For: 203.0.113.9, 10.0.0.2`: the hops, nearest last; null where an entry is no address. */
export function xForwardedForHops(value: string): Array<Endpoint | null> {
  return value.split(",").map((entry) => endpointOf(entry.trim()));
}

/**
 * `Forwarded: for=203.0.113.9;proto=https, for="[2001:db8::1]:4711"` (RFC 7239): the `for` of each
 * element, nearest last; null where it is missing or no address (`unknown`, `_hidden`); null for all of it
 * when its syntax is broken.
 */
export function forwardedHops(value: string): Array<Endpoint | null> | null {
  const elements = splitForwarded(value);
  if (elements === null) return null;
  return elements.map((element) => {
    const forValue = element.get("for");
    return forValue === undefined ? null : endpointOf(forValue);
  });
}

// RFC 7230 token characters.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The elements of a Forwarded header, each its parameters by lower-cased name; null if malformed. */
function splitForwarded(value: string): Array<Map<string, string>> | null {
  const elements: Array<Map<string, string>> = [];
  let params = new Map<string, string>();
  let i = 0;
  const skipSpace = () => {
    while (value[i] === " " || value[i] === "\t") i++;
  };
  for (;;) {
    skipSpace();
    const eq = value.indexOf("=", i);
    if (eq === -1) return null;
    const name = value.slice(i, eq).trim().toLowerCase();
    if (!TOKEN.test(name) || params.has(name)) return null;
    i = eq + 1;
    let param: string;
    if (value[i] === '"') {
      param = "";
      i++;
      for (;;) {
        const c = value[i];
        if (c === undefined) return null;
        i++;
        if (c === '"') break;
        if (c === "\\") {
          const escaped = value[i];
          if (escaped === undefined) return null;
          param += escaped;
          i++;
        } else param += c;
      }
    } else {
      const start = i;
      while (i < value.length && !";, \t".includes(value[i] as string)) i++;
      param = value.slice(start, i);
      if (!TOKEN.test(param)) return null;
    }
    params.set(name, param);
    skipSpace();
    if (i >= value.length) break;
    const separator = value[i];
    i++;
    if (separator === ",") {
      elements.push(params);
      params = new Map();
    } else if (separator !== ";") return null;
  }
  elements.push(params);
  return elements;
}

/** `203.0.113.9`, `203.0.113.9:4711`, `2001:db8::1`, `[2001:db8::1]`, `[2001:db8::1]:4711`. */
function endpointOf(text: string): Endpoint | null {
  let host = text;
  let port = "";
  const bracketed = /^\[([^\]]*)\](?::([^:]+))?$/.exec(text);
  const withPort = /^([0-9.]+):([^:]+)$/.exec(text);
  if (bracketed) {
    host = bracketed[1] as string;
    port = bracketed[2] ?? "";
  } else if (withPort) {
    host = withPort[1] as string;
    port = withPort[2] as string;
  }
  const address = canonicalAddress(host);
  if (address === null) return null;
  if (bracketed && isIP(address) === 4 && !host.includes(":")) return null; // [1.2.3.4] is no form
  // RFC 7239 also allows an obfuscated port (`_abc`): a client's port that is not told.
  if (port === "" || /^_[A-Za-z0-9._-]+$/.test(port)) return { address, port: 0 };
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) return null;
  return { address, port: Number(port) };
}
