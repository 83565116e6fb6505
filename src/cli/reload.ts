// SIGHUP (and the IRC REHASH, the console's /rehash) re-read the configuration file and the MOTD file, and
// apply what can change while clients stay connected: operators, the connection password, the MOTD, the
// per-address and per-user limits, flood control (for connections made after), KILL_SERVICE and the
// StudentID. Anything else that changed is logged as taking a restart, and keeps its running value.
import { isDeepStrictEqual } from "node:util";
import type { Command } from "commander";
import type { ModelName, RunningServer, ServerConfig } from "../models/index.js";
import type { RoomsConfig } from "../rooms/config.js";
import { setRehashHandler } from "../rooms/rehash.js";
import type { ServiceName } from "../services/index.js";
import { ConfigFileError, readConfigFile } from "./config-file.js";
import { commandLineOptions } from "./given-options.js";
import type { ServerFlags } from "./server-options.js";
import { serviceServerConfig } from "./service-config.js";

/** Rooms settings applied in place, by the option that sets them. */
const LIVE_ROOMS: ReadonlyArray<[keyof RoomsConfig, string]> = [
  ["opers", "oper"],
  ["password", "password"],
  ["motd", "motd-file"],
  ["maxClientsPerIp", "max-clients-per-ip"],
  ["limitLoopback", "limit-loopback"],
  ["maxClients", "max-clients"],
  ["connectRate", "connect-rate"],
  ["registrationTimeoutMs", "registration-timeout"],
  ["flood", "flood-limit, flood-burst, flood-rate"],
  ["allowKill", "allow-kill"],
  ["studentId", "student-id"],
  ["historyReplay", "history-replay"],
  ["seedHistory", "seed-history"],
];
const LIVE_LIMITS: ReadonlyArray<["maxRoomsPerUser" | "maxMembersPerRoom", string]> = [
  ["maxRoomsPerUser", "max-rooms-per-user"],
  ["maxMembersPerRoom", "max-members-per-room"],
];
/** Ports that follow `port` when it is 0 (any free port): a change of `port` says it for them. */
const PORT_FOLLOWERS = ["tls-port", "web-port"];
/** Settings read once at start, by the option that sets them. */
const AT_START: ReadonlyArray<[(c: ServerConfig) => unknown, string]> = [
  [(c) => c.host, "host"],
  [(c) => c.port, "port"],
  [(c) => c.backlog, "backlog"],
  [(c) => c.workers, "workers"],
  [(c) => c.busy, "busy"],
  [(c) => c.maxThreads, "max-threads"],
  [(c) => c.showThread, "show-thread"],
  [(c) => c.limits.maxLineBytes, "max-line"],
  [(c) => c.limits.maxSendQueueBytes, "max-send-queue"],
  [(c) => c.limits.idleTimeoutMs, "idle-timeout"],
  [(c) => c.limits.messageGapMs, "message-gap"],
  [(c) => c.service.greeting, "greeting"],
  [(c) => c.service.greetThen, "then"],
  [(c) => c.logOptions, "log-level, log-format"],
  [(c) => c.service.rooms.serverName, "server-name"],
  [(c) => c.service.rooms.network, "network"],
  [(c) => c.service.rooms.pingIntervalMs, "ping-interval"],
  [(c) => c.service.rooms.bus, "bus"],
  [(c) => c.service.rooms.busPrefix, "bus-prefix"],
  [(c) => c.tls?.port, "tls-port"],
  [(c) => c.tls !== null && c.tls !== undefined, "tls-cert, tls-key"],
  [(c) => c.plain, "plain"],
  [(c) => c.service.rooms.sts?.duration, "sts-duration"],
  [(c) => c.web?.port, "web-port"],
  [(c) => c.web !== null && c.web !== undefined, "web"],
  [(c) => c.web?.origins, "web-origin"],
  [(c) => c.web?.trustProxy, "web-trust-proxy"],
  [(c) => c.web?.proxyHeader, "web-proxy-header"],
  [(c) => c.service.rooms.store, "store"],
  [(c) => c.service.rooms.dataDir, "data-dir"],
  [(c) => c.service.rooms.historyDays, "history-days"],
  [(c) => c.service.rooms.historyPerRoom, "history-per-room"],
  [(c) => c.service.rooms.nickGraceMs, "nick-grace"],
];

export interface ReloadTarget {
  command: Command;
  model: ModelName;
  service: ServiceName;
  preset: Partial<ServerFlags>;
  /** The store when none is named (serve's differs from the presets'). */
  storeDefault?: string;
  /** The configuration the server runs with: changed in place. */
  running: ServerConfig;
  /** The rooms' web listener runs unless turned off (`serve`). */
  webByDefault?: boolean;
  /** The server, once it listens: its TLS certificate is read again. */
  server?: RunningServer | null;
}

/** Installs the SIGHUP handler (and, for the rooms, the REHASH handler); set `server` once it runs. */
export function reloadOnHangup(target: ReloadTarget): ReloadTarget {
  const reload = reloader(target);
  process.on("SIGHUP", () => void reload("SIGHUP"));
  if (target.service === "rooms") {
    const given = commandLineOptions(target.command);
    const source = typeof given.config === "string" ? given.config : "the MOTD file";
    setRehashHandler({ source, rehash: reload });
  }
  return target;
}

export function reloader(target: ReloadTarget) {
  const { command, model, service, preset, storeDefault, running } = target;
  const given = commandLineOptions(command);
  const path = typeof given.config === "string" ? given.config : null;
  const log = running.log;
  return async (why: string): Promise<string[]> => {
    let fresh: ServerConfig;
    try {
      const file = path ? readConfigFile(path, command.options) : {};
      fresh = serviceServerConfig(service, { ...file, ...given }, preset, target.webByDefault, storeDefault);
    } catch (err) {
      const problems = err instanceof ConfigFileError ? err.message.split("\n") : [(err as Error).message];
      for (const problem of problems) log.error("%s: %s", why, problem);
      log.warn("%s: kept the running configuration", why);
      return [...problems, "kept the running configuration"];
    }
    const applied: string[] = [];
    const restart: string[] = [];
    for (const [read, option] of AT_START) {
      if (isDeepStrictEqual(read(running), read(fresh))) continue;
      if (PORT_FOLLOWERS.includes(option) && restart.includes("port")) continue;
      restart.push(option);
    }
    if (service === "rooms") {
      const rooms = running.service.rooms as unknown as Record<string, unknown>;
      const next = fresh.service.rooms as unknown as Record<string, unknown>;
      // Under cluster each worker holds its own copy: nothing can change in place.
      const live = model !== "cluster";
      for (const [key, option] of LIVE_ROOMS) {
        if (isDeepStrictEqual(rooms[key], next[key])) continue;
        if (live) {
          rooms[key] = next[key];
          applied.push(option);
        } else restart.push(option);
      }
      for (const [key, option] of LIVE_LIMITS) {
        if (running.service.rooms.limits[key] === fresh.service.rooms.limits[key]) continue;
        if (live) {
          running.service.rooms.limits[key] = fresh.service.rooms.limits[key];
          applied.push(option);
        } else restart.push(option);
      }
    }
    const what = path ?? "the command line's files";
    const lines = [
      `re-read ${what}: ${applied.length > 0 ? `changed ${applied.join(", ")}` : "nothing to change"}`,
    ];
    log.info("%s: %s", why, lines[0]);
    // The certificate is read again even when its file names are the same: a renewed one replaces it.
    if (running.tls && fresh.tls && target.server) {
      try {
        await target.server.reloadCertificates(fresh.tls);
        const line = `reloaded the TLS certificate ${fresh.tls.certFile}`;
        log.info("%s: %s", why, line);
        lines.push(line);
      } catch (err) {
        const line = `TLS certificate not reloaded (the running one stays): ${(err as Error).message}`;
        log.error("%s: %s", why, line);
        lines.push(line);
      }
    }
    for (const option of restart) {
      const line = `${option} changed: takes a restart (the running value stays)`;
      log.warn("%s: %s", why, line);
      lines.push(line);
    }
    return lines;
  };
}
