// The rooms' listeners beside the plain one: IRC over TLS (and STS), the web listener (WebSocket), and
// what they add to a ServerConfig.
import { type Command, InvalidArgumentError } from "commander";
import type { ServerConfig } from "../models/index.js";
import { PROXY_HEADERS, type ProxyHeader, parseProxyEntry } from "../web/forwarded.js";
import { normalOrigin } from "../web/listener.js";
import { parsePort, parseSeconds } from "./parse.js";
import { parseReadableFile } from "./rooms-options.js";

export const DEFAULT_TLS_PORT = 6697;
export const DEFAULT_WEB_PORT = 8080;

export interface ListenerFlags {
  tlsCert?: string;
  tlsKey?: string;
  tlsPort?: number;
  plain?: boolean;
  stsDuration?: number;
  webPort?: number;
  web?: boolean;
  webOrigin?: string[];
  webTrustProxy?: string[];
  webProxyHeader?: ProxyHeader;
}

function collectOrigin(text: string, previous: string[] = []): string[] {
  if (text !== "*" && !/^https?:\/\/[^/]+\/?$/.test(text))
    throw new InvalidArgumentError("expected an origin such as https://chat.example.org, or *");
  return [...previous, text === "*" ? text : normalOrigin(text)];
}

/** `10.0.0.0/8,127.0.0.1`: trusted proxies, added to those of the option given before. */
function collectTrustedProxies(text: string, previous: string[] = []): string[] {
  const entries = text.split(",").map((entry) => entry.trim());
  const parsed = entries.map(parseProxyEntry);
  const bad = entries.find((_, i) => parsed[i] === null);
  if (bad !== undefined)
    throw new InvalidArgumentError(
      `${JSON.stringify(bad)} is not an IP address or CIDR block (expected a list such as 10.0.0.0/8,::1)`,
    );
  return [...previous, ...(parsed as string[])];
}

function parseProxyHeader(text: string): ProxyHeader {
  const header = text.toLowerCase();
  if (!(PROXY_HEADERS as readonly string[]).includes(header))
    throw new InvalidArgumentError("expected X-Forwarded-For or Forwarded");
  return header as ProxyHeader;
}

/** The attribute names of these options (`tlsCert`, ...): like the rooms' own, they apply to the rooms only. */
export const LISTENER_OPTION_NAMES = [
  "tlsCert",
  "tlsKey",
  "tlsPort",
  "plain",
  "stsDuration",
  "webPort",
  "web",
  "webOrigin",
  "webTrustProxy",
  "webProxyHeader",
];

/** `webByDefault`: the web listener runs unless `--no-web` (serve), or only when `--web-port` asks (lab). */
export function addListenerOptions(command: Command, webByDefault: boolean): Command {
  return command
    .optionsGroup("Listener options (rooms):")
    .option(
      "--tls-cert <file>",
      "rooms: serve IRC over TLS too, with this PEM certificate (and --tls-key)",
      parseReadableFile,
    )
    .option("--tls-key <file>", "rooms: the PEM private key of --tls-cert", parseReadableFile)
    .option(
      "--tls-port <port>",
      `rooms: port of the TLS listener (default: ${DEFAULT_TLS_PORT}; 0 when --port is 0)`,
      parsePort,
    )
    .option("--no-plain", "rooms: with TLS, no plain-text listener")
    .option(
      "--sts-duration <seconds>",
      "rooms: with TLS, offer IRCv3 STS: plain-text clients are sent to TLS, which they keep to for this long (default: not offered)",
      parseSeconds,
    )
    .option(
      "--web-port <port>",
      webByDefault
        ? `rooms: port of the web listener: WebSocket, /metrics, /healthz (default: ${DEFAULT_WEB_PORT}; 0 when --port is 0)`
        : "rooms: serve the web listener (WebSocket, /metrics, /healthz) on this port (default: none)",
      parsePort,
    )
    .option("--no-web", "rooms: no web listener")
    .option(
      "--web-origin <origin>",
      "rooms: a site whose pages may open a WebSocket, https://host[:port], or * for any (repeatable; default: this listener's own pages)",
      collectOrigin,
    )
    .option(
      "--web-trust-proxy <list>",
      "rooms: reverse proxies in front of the web listener, addresses or CIDR blocks (10.0.0.0/8,::1; repeatable): their --web-proxy-header says who the client is (default: none)",
      collectTrustedProxies,
    )
    .option(
      "--web-proxy-header <name>",
      "rooms: where the trusted proxies put the client's address: X-Forwarded-For or Forwarded (default: X-Forwarded-For)",
      parseProxyHeader,
    );
}

/** What is wrong with the combination given, or null. */
export function listenerProblem(flags: ListenerFlags): string | null {
  const tls = flags.tlsCert !== undefined || flags.tlsKey !== undefined;
  if (tls && flags.tlsCert === undefined) return "--tls-key needs --tls-cert";
  if (tls && flags.tlsKey === undefined) return "--tls-cert needs --tls-key";
  if (!tls && flags.plain === false)
    return "--no-plain needs TLS (--tls-cert and --tls-key): nothing would listen";
  if (!tls && flags.tlsPort !== undefined) return "--tls-port needs --tls-cert and --tls-key";
  if (!tls && flags.stsDuration !== undefined) return "--sts-duration needs --tls-cert and --tls-key";
  if (flags.web === false && flags.webPort !== undefined)
    return "--no-web and --web-port contradict each other";
  if (flags.web === false && flags.webTrustProxy !== undefined)
    return "--web-trust-proxy needs the web listener (it is turned off by --no-web)";
  if (flags.webProxyHeader !== undefined && flags.webTrustProxy === undefined)
    return "--web-proxy-header needs --web-trust-proxy: no proxy's header is read otherwise";
  return null;
}

/** Adds the listeners the flags ask for to a rooms server's config. */
export function applyListenerFlags(config: ServerConfig, flags: ListenerFlags, webByDefault: boolean): void {
  const tls =
    flags.tlsCert !== undefined && flags.tlsKey !== undefined
      ? { certFile: flags.tlsCert, keyFile: flags.tlsKey }
      : null;
  // Port 0 asks for any free port: the other listeners then take any free port too, unless given one.
  const any = config.port === 0;
  const webWanted = flags.web !== false && (webByDefault || flags.webPort !== undefined);
  if (webWanted) {
    const port = flags.webPort ?? (any ? 0 : DEFAULT_WEB_PORT);
    config.web = {
      port,
      origins: flags.webOrigin ?? null,
      tls,
      trustProxy: flags.webTrustProxy ?? [],
      proxyHeader: flags.webProxyHeader ?? "x-forwarded-for",
    };
  }
  if (!tls) return;
  const port = flags.tlsPort ?? (any ? 0 : DEFAULT_TLS_PORT);
  config.tls = { ...tls, port };
  config.plain = flags.plain !== false;
  if (flags.stsDuration !== undefined) {
    config.service.rooms.sts = { port, duration: Math.floor(flags.stsDuration) };
  }
}
