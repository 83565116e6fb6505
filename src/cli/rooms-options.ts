// Options of the rooms server, and turning them into a RoomsConfig.
import { accessSync, constants, readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { isPasswordHash, parsePasswordHash } from "../password-hash.js";
import { defaultRoomsConfig, type OperCredential, type RoomsConfig } from "../rooms/config.js";
import { storeKind } from "../store/config.js";
import { LISTENER_OPTION_NAMES } from "./listener-options.js";
import { parseCount, parseSeconds, parseWhole } from "./parse.js";

export interface RoomsFlags {
  serverName?: string;
  network?: string;
  studentId?: string;
  allowKill?: boolean;
  password?: string;
  oper?: OperCredential[];
  motdFile?: string;
  maxClientsPerIp?: number;
  limitLoopback?: boolean;
  maxClients?: number;
  connectRate?: number;
  registrationTimeout?: number;
  maxRoomsPerUser?: number;
  maxMembersPerRoom?: number;
  floodLimit?: boolean;
  floodBurst?: number;
  floodRate?: number;
  pingInterval?: number;
  console?: boolean;
  bus?: string;
  busPrefix?: string;
  store?: string;
  dataDir?: string;
  historyDays?: number;
  historyPerRoom?: number;
  historyReplay?: number;
  seedHistory?: number;
  nickGrace?: number;
}

function collectOper(text: string, previous: OperCredential[] = []): OperCredential[] {
  const at = text.indexOf(":");
  if (at < 1 || at === text.length - 1) throw new InvalidArgumentError("expected name:password");
  const password = text.slice(at + 1);
  if (isPasswordHash(password)) {
    const parsed = parsePasswordHash(password);
    if (typeof parsed === "string") throw new InvalidArgumentError(`bad password hash: ${parsed}`);
  }
  return [...previous, { name: text.slice(0, at), password: text.slice(at + 1) }];
}

/** $TCPCHAT_STORE, when it names a store (an invalid one is refused as --store would be). */
export function envStore(): string | undefined {
  const value = process.env.TCPCHAT_STORE;
  if (!value) return undefined;
  if (storeKind(value) === null)
    throw new InvalidArgumentError(
      `TCPCHAT_STORE: expected sqlite, memory or a postgres:// URL, not ${JSON.stringify(value)}`,
    );
  return value;
}

function parseBusUrl(text: string): string {
  if (!/^rediss?:\/\/./.test(text)) throw new InvalidArgumentError("expected redis://host:port");
  return text;
}

export function parseStore(text: string): string {
  if (storeKind(text) === null)
    throw new InvalidArgumentError("expected sqlite, memory or postgres://user:pass@host:port/db");
  return text;
}

function parseRate(text: string): number {
  const rate = parseSeconds(text);
  if (rate <= 0) throw new InvalidArgumentError("expected a rate above 0");
  return rate;
}

/** A file the server will read: it must be readable now, not found missing after startup. */
export function parseReadableFile(path: string): string {
  try {
    accessSync(path, constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidArgumentError(
      code === "ENOENT" ? `no such file: ${path}` : `cannot read ${path} (${code ?? "error"})`,
    );
  }
  return path;
}

/** The attribute names of the rooms' options (`maxClientsPerIp`, ...): they apply to the rooms only. */
export function roomsOptionNames(): string[] {
  return [
    ...addRoomsOptions(new Command()).options.map((option) => option.attributeName()),
    ...LISTENER_OPTION_NAMES,
  ];
}

export function addRoomsOptions(command: Command): Command {
  const d = defaultRoomsConfig();
  return command
    .optionsGroup("Rooms options:")
    .option("--server-name <name>", "rooms: the server's name in IRC replies (default: the host name)")
    .option("--network <name>", `rooms: the IRC network name (default: ${d.network})`)
    .option(
      "--student-id <id>",
      `rooms: the StudentID in the seed protocol's HELO reply (default: ${d.studentId})`,
    )
    .option("--allow-kill", "rooms: let the seed protocol's KILL_SERVICE stop the server")
    .option("--password <password>", "rooms: the IRC connection password (PASS)")
    .option("--oper <name:password>", "rooms: IRC operator credentials for OPER (repeatable)", collectOper)
    .option("--motd-file <path>", "rooms: message of the day, from a text file", parseReadableFile)
    .option(
      "--max-clients-per-ip <n>",
      `rooms: connections at once from one address; loopback is exempt (default: ${d.maxClientsPerIp})`,
      parseCount,
    )
    .option("--limit-loopback", "rooms: apply --max-clients-per-ip and --connect-rate to loopback too")
    .option(
      "--connect-rate <n>",
      `rooms: connections one address may open in 10 s, loopback exempt; 0 for no limit (default: ${d.connectRate})`,
      parseWhole,
    )
    .option(
      "--max-clients <n>",
      `rooms: connections at once on this server, 0 for no cap (default: ${d.maxClients})`,
      parseWhole,
    )
    .option(
      "--registration-timeout <seconds>",
      `rooms: close a connection that has not registered within this long, 0 for never (default: ${d.registrationTimeoutMs / 1000})`,
      parseSeconds,
    )
    .option(
      "--max-rooms-per-user <n>",
      `rooms: rooms one user may be in (default: ${d.limits.maxRoomsPerUser})`,
      parseCount,
    )
    .option(
      "--max-members-per-room <n>",
      `rooms: members of one room at once (default: ${d.limits.maxMembersPerRoom})`,
      parseCount,
    )
    .option("--no-flood-limit", "rooms: no flood control (for loopback benchmarks)")
    .option(
      "--flood-burst <lines>",
      `rooms: lines a client may send at once (default: ${d.flood.burst})`,
      parseCount,
    )
    .option(
      "--flood-rate <lines>",
      `rooms: lines per second after the burst (default: ${d.flood.perSecond})`,
      parseRate,
    )
    .option(
      "--ping-interval <seconds>",
      `rooms: PING idle IRC clients after this long, drop them after as long again (default: ${d.pingIntervalMs / 1000})`,
      parseRate,
    )
    .option("--console", "rooms: operator commands on stdin even when it is not a terminal")
    .option(
      "--bus <url>",
      "rooms: share the rooms with other nodes through Redis, redis://host:port (default: $REDIS_URL; none)",
      parseBusUrl,
    )
    .option(`--bus-prefix <prefix>`, `rooms: prefix of the bus's Redis keys (default: ${d.busPrefix})`)
    .option(
      "--store <where>",
      "rooms: where history, accounts and registered channels are kept: sqlite (a file in --data-dir), memory (nothing kept) or postgres://user:pass@host:port/db for nodes sharing it (default: $TCPCHAT_STORE, else sqlite for serve, memory for lab)",
      parseStore,
    )
    .option(
      "--data-dir <path>",
      `rooms: the folder of the SQLite store, created at start (default: ${d.dataDir})`,
    )
    .option(
      "--history-days <days>",
      `rooms: history older than this is deleted, 0 for never (default: ${d.historyDays})`,
      parseWhole,
    )
    .option(
      "--history-per-room <n>",
      `rooms: messages a room's history keeps, the newest, 0 for no cap (default: ${d.historyPerRoom})`,
      parseWhole,
    )
    .option(
      "--history-replay <lines>",
      `rooms: lines of a room's history sent on join to IRC clients without draft/chathistory (default: ${d.historyReplay})`,
      parseWhole,
    )
    .option(
      "--seed-history <lines>",
      `rooms: lines of a room's history sent on join to seed-protocol clients, as CHAT blocks (default: ${d.seedHistory})`,
      parseWhole,
    )
    .option(
      "--nick-grace <seconds>",
      `rooms: how long a registered nick may be used without identifying, before a rename (default: ${d.nickGraceMs / 1000})`,
      parseRate,
    );
}

/**
 * `storeDefault`: the store when neither the command line, the file nor $TCPCHAT_STORE names one (serve
 * keeps its state; the lab presets and tests keep nothing).
 */
export function roomsConfig(flags: RoomsFlags, consoleWanted: boolean, storeDefault?: string): RoomsConfig {
  const config = defaultRoomsConfig();
  return {
    ...config,
    serverName: flags.serverName ?? config.serverName,
    network: flags.network ?? config.network,
    studentId: flags.studentId ?? config.studentId,
    allowKill: flags.allowKill ?? false,
    password: flags.password ?? null,
    opers: flags.oper ?? [],
    motd: flags.motdFile
      ? readFileSync(flags.motdFile, "utf8")
          .replace(/\r?\n$/, "")
          .split(/\r?\n/)
      : null,
    maxClientsPerIp: flags.maxClientsPerIp ?? config.maxClientsPerIp,
    limitLoopback: flags.limitLoopback ?? false,
    maxClients: flags.maxClients ?? config.maxClients,
    connectRate: flags.connectRate ?? config.connectRate,
    registrationTimeoutMs:
      flags.registrationTimeout !== undefined
        ? Math.round(flags.registrationTimeout * 1000)
        : config.registrationTimeoutMs,
    limits: {
      ...config.limits,
      maxRoomsPerUser: flags.maxRoomsPerUser ?? config.limits.maxRoomsPerUser,
      maxMembersPerRoom: flags.maxMembersPerRoom ?? config.limits.maxMembersPerRoom,
    },
    flood: {
      enabled: flags.floodLimit !== false,
      burst: flags.floodBurst ?? config.flood.burst,
      perSecond: flags.floodRate ?? config.flood.perSecond,
    },
    pingIntervalMs: flags.pingInterval !== undefined ? flags.pingInterval * 1000 : config.pingIntervalMs,
    console: consoleWanted,
    bus: flags.bus ?? (process.env.REDIS_URL || null),
    busPrefix: flags.busPrefix ?? config.busPrefix,
    store: flags.store ?? envStore() ?? storeDefault ?? config.store,
    dataDir: flags.dataDir ?? config.dataDir,
    historyDays: flags.historyDays ?? config.historyDays,
    historyPerRoom: flags.historyPerRoom ?? config.historyPerRoom,
    historyReplay: flags.historyReplay ?? config.historyReplay,
    seedHistory: flags.seedHistory ?? config.seedHistory,
    nickGraceMs: flags.nickGrace !== undefined ? flags.nickGrace * 1000 : config.nickGraceMs,
  };
}
