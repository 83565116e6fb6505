// The options every server command takes (`serve`, `lab`), and turning them into a ServerConfig.
import { type Command, Option } from "commander";
import { createLogger, LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from "../log.js";
import { defaultWorkers } from "../models/cluster.js";
import { BUSY_POLICIES, type BusyPolicy, type ModelName, type ServerConfig } from "../models/index.js";
import type { RoomsConfig } from "../rooms/config.js";
import { GREET_THEN, type GreetThen } from "../services/greet.js";
import { DEFAULT_SERVICE_CONFIG, type ServiceName } from "../services/index.js";
import type { ConsoleIO } from "../services/operator.js";
import { DEFAULT_CONNECTION_LIMITS } from "../transport/tcp-line-connection.js";
import { parseCount, parseMilliseconds, parsePort, parseSeconds } from "./parse.js";

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 10000;

export interface ServerFlags {
  host: string;
  port: number;
  busy: BusyPolicy;
  maxThreads: number;
  showThread: boolean;
  maxLine: number;
  maxSendQueue: number;
  idleTimeout: number;
  messageGap: number;
  backlog: number;
  workers: number;
  greeting: string;
  greetThen: GreetThen;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

/** What --help shows as an option's default, where the built-in one is not the whole story. */
export type ShownDefaults = Partial<Record<keyof ServerFlags, string>>;

/** `--then` arrives as `then`: a key that makes an object a thenable, so it is only ever named this way. */
const THEN_FLAG = "then";

/** The options that only one model reads. */
export const MODEL_OPTIONS: Readonly<Record<string, ModelName>> = {
  busy: "single",
  maxThreads: "threaded",
  showThread: "threaded",
  workers: "cluster",
};
/** The options that only one line service reads (the rooms' own are in rooms-options.ts). */
export const SERVICE_OPTIONS: Readonly<Record<string, ServiceName>> = {
  greeting: "greet",
  [THEN_FLAG]: "greet",
};

/**
 * Options shared by `serve` and `lab`. They are declared without commander defaults, so that
 * `resolveServerFlags` can tell a flag the user gave from one a preset should fill in; `shown` is what
 * --help gives as the default where a service or a preset has its own.
 */
export function addServerOptions(command: Command, shown: ShownDefaults = {}): Command {
  const d = { ...describeDefaults(FLAG_DEFAULTS), ...shown };
  return command
    .optionsGroup("Server options:")
    .option("--host <host>", `address to listen on (default: ${d.host})`)
    .option("--port <port>", `port to listen on, 0 for any free port (default: ${d.port})`, parsePort)
    .addOption(
      new Option(
        "--busy <policy>",
        `single: what other clients get while one is served (default: ${d.busy})`,
      ).choices(BUSY_POLICIES),
    )
    .option(
      "--max-threads <n>",
      `threaded: sessions at once, then the busy reply (default: ${d.maxThreads})`,
      parseCount,
    )
    .option("--show-thread", "threaded: prefix replies with the worker's thread id")
    .option(
      "--workers <n>",
      `cluster: processes sharing the port (default: ${d.workers}, one per core)`,
      parseCount,
    )
    .option("--max-line <bytes>", `longest line accepted (default: ${d.maxLine})`, parseCount)
    .option(
      "--max-send-queue <bytes>",
      `unsent bytes before a client that does not read is closed (default: ${d.maxSendQueue})`,
      parseCount,
    )
    .option(
      "--idle-timeout <seconds>",
      `close clients silent this long, 0 for never (default: ${d.idleTimeout})`,
      parseSeconds,
    )
    .option(
      "--message-gap <ms>",
      `a pause this long after bytes with no newline ends a message, for clients that send no newline; 0: only a newline does (default: ${d.messageGap})`,
      parseMilliseconds,
    )
    .option(
      "--backlog <n>",
      `connections waiting to be accepted or queued (default: ${d.backlog})`,
      parseCount,
    )
    .option("--greeting <text>", `greet: what the server says first (default: ${d.greeting})`)
    .addOption(
      new Option("--then <what>", `greet: after the greeting (default: ${d.greetThen})`).choices(GREET_THEN),
    )
    .addOption(
      new Option("--log-level <level>", `logs go to stderr (default: ${d.logLevel})`).choices(LOG_LEVELS),
    )
    .addOption(
      new Option("--log-format <format>", "pretty on a terminal, JSON otherwise (default: auto)").choices(
        LOG_FORMATS,
      ),
    );
}

/** Each default as --help writes it. */
export function describeDefaults(flags: ServerFlags): Record<keyof ServerFlags, string> {
  return {
    host: flags.host,
    port: String(flags.port),
    busy: flags.busy,
    maxThreads: String(flags.maxThreads),
    showThread: flags.showThread ? "on" : "off",
    workers: String(flags.workers),
    maxLine: String(flags.maxLine),
    maxSendQueue: String(flags.maxSendQueue),
    idleTimeout: flags.idleTimeout === 0 ? "0, never" : String(flags.idleTimeout),
    messageGap: String(flags.messageGap),
    backlog: String(flags.backlog),
    greeting: JSON.stringify(flags.greeting),
    greetThen: flags.greetThen,
    logLevel: flags.logLevel,
    logFormat: flags.logFormat,
  };
}

/** Server flags as commander parses them: `--then` arrives as `then`, which is renamed (a `then` key makes a thenable). */
export type GivenServerFlags = Partial<Omit<ServerFlags, "greetThen">> & { [THEN_FLAG]?: GreetThen };

/** The built-in defaults, then a preset's values, then what the user gave. */
export function resolveServerFlags(given: GivenServerFlags, preset: Partial<ServerFlags> = {}): ServerFlags {
  const { [THEN_FLAG]: greetThen, ...rest } = given;
  const flags: ServerFlags = { ...FLAG_DEFAULTS };
  for (const layer of [preset, rest, { greetThen }]) {
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined) Object.assign(flags, { [key]: value });
    }
  }
  return flags;
}

export const FLAG_DEFAULTS: ServerFlags = {
  host: DEFAULT_HOST,
  port: DEFAULT_PORT,
  busy: "reply",
  maxThreads: 64,
  showThread: false,
  maxLine: DEFAULT_CONNECTION_LIMITS.maxLineBytes,
  maxSendQueue: DEFAULT_CONNECTION_LIMITS.maxSendQueueBytes,
  idleTimeout: 0,
  messageGap: DEFAULT_CONNECTION_LIMITS.messageGapMs,
  backlog: 511,
  workers: defaultWorkers(),
  greeting: DEFAULT_SERVICE_CONFIG.greeting,
  greetThen: DEFAULT_SERVICE_CONFIG.greetThen,
  logLevel: "info",
  logFormat: "auto",
};

export function serverConfig(
  service: ServiceName,
  flags: ServerFlags,
  console: ConsoleIO | null,
  rooms: RoomsConfig = DEFAULT_SERVICE_CONFIG.rooms,
): ServerConfig {
  const logOptions = { level: flags.logLevel, format: flags.logFormat };
  return {
    host: flags.host,
    port: flags.port,
    service: {
      ...DEFAULT_SERVICE_CONFIG,
      name: service,
      greeting: flags.greeting,
      greetThen: flags.greetThen,
      rooms,
    },
    limits: {
      ...DEFAULT_CONNECTION_LIMITS,
      maxLineBytes: flags.maxLine,
      maxSendQueueBytes: flags.maxSendQueue,
      sendHighWaterBytes: Math.min(DEFAULT_CONNECTION_LIMITS.sendHighWaterBytes, flags.maxSendQueue),
      idleTimeoutMs: flags.idleTimeout * 1000,
      messageGapMs: flags.messageGap,
    },
    busy: flags.busy,
    maxThreads: flags.maxThreads,
    showThread: flags.showThread,
    backlog: flags.backlog,
    workers: flags.workers,
    log: createLogger(logOptions),
    logOptions,
    console,
  };
}
