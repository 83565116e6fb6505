// The rooms' listeners beside the plain one: IRC over TLS (and STS), the web listener (WebSocket), and
// what they add to a ServerConfig.
import { type Command, InvalidArgumentError } from "commander";
import type { ServerConfig } from "../models/index.js";
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
}

function collectOrigin(text: string, previous: string[] = []): string[] {
  if (text !== "*" && !/^https?:\/\/[^/]+\/?$/.test(text))
    throw new InvalidArgumentError("expected an origin such as https://chat.example.org, or *");
  return [...previous, text === "*" ? text : normalOrigin(text)];
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
    config.web = { port, origins: flags.webOrigin ?? null, tls };
  }
  if (!tls) return;
  const port = flags.tlsPort ?? (any ? 0 : DEFAULT_TLS_PORT);
  config.tls = { ...tls, port };
  config.plain = flags.plain !== false;
  if (flags.stsDuration !== undefined) {
    config.service.rooms.sts = { port, duration: Math.floor(flags.stsDuration) };
  }
}
