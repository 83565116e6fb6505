// From parsed flags (and a preset's values) to a ServerConfig, with each service's own defaults.
import type { ServerConfig } from "../models/index.js";
import { type ServiceName, serviceDefaults } from "../services/index.js";
import { applyListenerFlags, type ListenerFlags } from "./listener-options.js";
import { type RoomsFlags, roomsConfig } from "./rooms-options.js";
import { processConsole } from "./run-server.js";
import {
  type GivenServerFlags,
  resolveServerFlags,
  type ServerFlags,
  serverConfig,
} from "./server-options.js";

/** What a service changes in the built-in defaults: the port and the line length its protocol needs. */
function serviceFlags(service: ServiceName): Partial<ServerFlags> {
  const { port, maxLineBytes } = serviceDefaults(service);
  return { port, maxLine: maxLineBytes };
}

/** The flags a service (and a preset) runs with when the user gives none. */
export function defaultFlags(service: ServiceName, preset: Partial<ServerFlags> = {}): ServerFlags {
  return resolveServerFlags({}, { ...serviceFlags(service), ...preset });
}

export function serviceServerConfig(
  service: ServiceName,
  given: GivenServerFlags & RoomsFlags & ListenerFlags,
  preset: Partial<ServerFlags>,
  /** The rooms' web listener runs unless turned off (`serve`), rather than only when asked for (`lab`). */
  webByDefault = false,
  storeDefault?: string,
): ServerConfig {
  const flags = resolveServerFlags(given, { ...serviceFlags(service), ...preset });
  if (service !== "rooms") {
    const console = service === "operator" ? processConsole() : null;
    return serverConfig(service, flags, console);
  }
  // The console reads stdin when a person is there to type, or when asked for.
  const consoleWanted = given.console === true || process.stdin.isTTY === true;
  const config = serverConfig(
    service,
    flags,
    consoleWanted ? processConsole() : null,
    roomsConfig(given, consoleWanted, storeDefault),
  );
  applyListenerFlags(config, given, webByDefault);
  return config;
}
