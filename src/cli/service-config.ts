// From parsed flags (and a preset's values) to a ServerConfig, with each service's own defaults.
import type { ServerConfig } from "../models/index.js";
import { DEFAULT_ROOMS_PORT } from "../rooms/config.js";
import type { ServiceName } from "../services/index.js";
import { type RoomsFlags, roomsConfig } from "./rooms-options.js";
import { processConsole } from "./run-server.js";
import {
  type GivenServerFlags,
  resolveServerFlags,
  type ServerFlags,
  serverConfig,
} from "./server-options.js";

/** IRC lines are 512 bytes, but message tags may add 8191 more before the framer calls a line too long. */
export const ROOMS_MAX_LINE = 8191 + 512;

export function serviceServerConfig(
  service: ServiceName,
  given: GivenServerFlags & RoomsFlags,
  preset: Partial<ServerFlags>,
): ServerConfig {
  if (service !== "rooms") {
    const console = service === "operator" ? processConsole() : null;
    return serverConfig(service, resolveServerFlags(given, preset), console);
  }
  const flags = resolveServerFlags(given, { port: DEFAULT_ROOMS_PORT, maxLine: ROOMS_MAX_LINE, ...preset });
  // The console reads stdin when a person is there to type, or when asked for.
  const consoleWanted = given.console === true || process.stdin.isTTY === true;
  return serverConfig(
    service,
    flags,
    consoleWanted ? processConsole() : null,
    roomsConfig(given, consoleWanted),
  );
}
