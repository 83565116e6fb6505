// The rooms' listeners beside the plain one: IRC over TLS (and STS), and what they add to a ServerConfig.
import type { Command } from "commander";
import type { ServerConfig } from "../models/index.js";
import { parsePort, parseSeconds } from "./parse.js";
import { parseReadableFile } from "./rooms-options.js";

export const DEFAULT_TLS_PORT = 6697;

export interface ListenerFlags {
  tlsCert?: string;
  tlsKey?: string;
  tlsPort?: number;
  plain?: boolean;
  stsDuration?: number;
}

/** The attribute names of these options (`tlsCert`, ...): like the rooms' own, they apply to the rooms only. */
export const LISTENER_OPTION_NAMES = ["tlsCert", "tlsKey", "tlsPort", "plain", "stsDuration"];

export function addListenerOptions(command: Command): Command {
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
  return null;
}

/** Adds the listeners the flags ask for to a rooms server's config. */
export function applyListenerFlags(config: ServerConfig, flags: ListenerFlags): void {
  if (flags.tlsCert === undefined || flags.tlsKey === undefined) return;
  // Port 0 asks for any free port: the other listeners then take any free port too, unless given one.
  const port = flags.tlsPort ?? (config.port === 0 ? 0 : DEFAULT_TLS_PORT);
  config.tls = { certFile: flags.tlsCert, keyFile: flags.tlsKey, port };
  config.plain = flags.plain !== false;
  if (flags.stsDuration !== undefined) {
    config.service.rooms.sts = { port, duration: Math.floor(flags.stsDuration) };
  }
}
