// Every service by name, built from plain data so that a worker thread can build the same one.
import type { Logger } from "pino";
import type { CalcLimits } from "../protocol/calc/index.js";
import { defaultRoomsConfig, type RoomsConfig } from "../rooms/config.js";
import type { Clock } from "../rooms/core/clock.js";
import { calcService } from "./calc.js";
import { echoService } from "./echo.js";
import { DEFAULT_GREETING, type GreetThen, greetService } from "./greet.js";
import { type ConsoleIO, operatorService } from "./operator.js";
import { ROOMS_DEFAULTS, roomsInCluster, roomsService } from "./rooms.js";
import type { ClusterPrimary, Service, ServiceDefaults } from "./service.js";
import { upperService } from "./upper.js";
import type { Wording } from "./wording.js";

export const SERVICE_NAMES = ["echo", "upper", "calc", "greet", "operator", "rooms"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** What a service is configured with: structured-cloneable, it is posted to workers as it is. */
export interface ServiceConfig {
  name: ServiceName;
  greeting: string;
  greetThen: GreetThen;
  calcLimits: Partial<CalcLimits>;
  rooms: RoomsConfig;
  /** The original program's words, under a lab preset; null: the clean ones (`serve`). */
  wording: Wording | null;
}

export const DEFAULT_SERVICE_CONFIG: Omit<ServiceConfig, "name"> = {
  greeting: DEFAULT_GREETING,
  greetThen: "close",
  calcLimits: {},
  rooms: defaultRoomsConfig(),
  wording: null,
};

export interface ServiceEnv {
  log: Logger;
  /** The server's console; only the main thread has one. */
  console: ConsoleIO | null;
  /** Put before each reply of the line services (`--show-thread`). */
  replyPrefix?: string;
  /** The thread that runs the sessions, for a wording that names it. */
  threadId?: number;
  /** The rooms' time and timers; the system's unless a test drives them. */
  clock?: Clock;
}

export function createService(config: ServiceConfig, env: ServiceEnv): Service {
  const reply = { prefix: env.replyPrefix, wording: config.wording, threadId: env.threadId };
  switch (config.name) {
    case "echo":
      return echoService(reply);
    case "upper":
      return upperService(reply);
    case "calc":
      return calcService({ ...reply, limits: config.calcLimits });
    case "greet":
      return greetService({ greeting: config.greeting, afterGreeting: config.greetThen, log: env.log });
    case "operator":
      return operatorService(env.console, config.wording?.chat ?? null);
    case "rooms":
      return roomsService(config.rooms, env);
  }
}

/** Each service's own defaults for its connections (the rooms: port 6667, IRC's line length). */
export function serviceDefaults(name: ServiceName): ServiceDefaults {
  return name === "rooms" ? ROOMS_DEFAULTS : {};
}

/** How a service runs in several processes: its workers' config and the primary's part; throws if it cannot. */
export function clusterPlan(config: ServiceConfig): {
  service: ServiceConfig;
  primary: ClusterPrimary | null;
} {
  switch (config.name) {
    case "operator":
      throw new Error(
        "the operator service talks to this process's console: use --model single, threaded or evented",
      );
    case "rooms": {
      const { rooms, primary } = roomsInCluster(config.rooms);
      return { service: { ...config, rooms }, primary };
    }
    default:
      return { service: config, primary: null };
  }
}
