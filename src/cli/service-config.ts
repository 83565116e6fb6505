// From parsed flags (and a preset's values) to a ServerConfig, with each service's own defaults.
import type { ServerConfig } from "../models/index.js";
import { type ServiceName, serviceDefaults } from "../services/index.js";
import { type RoomsFlags, roomsConfig } from "./rooms-options.js";
import { processConsole } from "./run-server.js";
import {
  type GivenServerFlags,
  resolveServerFlags,
  type ServerFlags,
  serverConfig,
} from "./server-options.js";

export function serviceServerConfig(
  service: ServiceName,
  given: GivenServerFlags & RoomsFlags,
  preset: Partial<ServerFlags>,
): ServerConfig {
  if (service !== "rooms") {
    const console = service === "operator" ? processConsole() : null;
    return serverConfig(service, resolveServerFlags(given, preset), console);
  }
  // The service states its port and the line length its protocol needs.
  const { port, maxLineBytes } = serviceDefaults(service);
  const flags = resolveServerFlags(given, { port, maxLine: maxLineBytes, ...preset });
  // The console reads stdin when a person is there to type, or when asked for.
  const consoleWanted = given.console === true || process.stdin.isTTY === true;
  return serverConfig(
    service,
    flags,
    consoleWanted ? processConsole() : null,
    roomsConfig(given, consoleWanted),
  );
}
