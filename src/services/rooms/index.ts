// rooms: multi-room chat (seed 004) that speaks the seed rooms protocol and IRC on the same rooms.
import type { Logger } from "pino";
import type { ConsoleIO } from "../operator.js";
import type { HubEnv, Service } from "../service.js";
import { IpcTransport } from "./bus/ipc.js";
import { MemoryNetwork } from "./bus/memory.js";
import { RedisTransport } from "./bus/redis.js";
import { Replicator } from "./bus/replicator.js";
import type { BusTransport } from "./bus/transport.js";
import type { RoomsConfig } from "./config.js";
import { RoomsConsole } from "./console.js";
import { RoomsHub } from "./hub.js";
import { IrcFrontend } from "./irc/frontend.js";
import { RoomRegistry } from "./registry.js";
import { SeedFrontend } from "./seed/frontend.js";
import { roomsSession } from "./session.js";

export interface RoomsEnv {
  log: Logger;
  /** The server console for operator commands; null when there is none. */
  console: ConsoleIO | null;
}

export function roomsService(config: RoomsConfig, env: RoomsEnv): Service {
  return {
    name: "rooms",
    createHub(hubEnv: HubEnv) {
      const context = {
        registry: new RoomRegistry(config.limits),
        config,
        log: env.log,
        stopServer: (reason: string) => {
          env.log.warn("stopping: %s", reason);
          hubEnv.stopServer();
        },
      };
      const hub = new RoomsHub(context, {
        seed: (ctx) => new SeedFrontend(ctx),
        irc: (ctx) => new IrcFrontend(ctx),
      });
      const console = config.console && env.console ? new RoomsConsole(context, env.console) : null;
      const replicator = config.bus
        ? new Replicator(context.registry, busTransport(config, env.log), env.log, (user, text) =>
            user.frontend.notice?.(user, text),
          )
        : null;
      return {
        attach: (conn) => hub.attach(conn),
        close: () => {
          console?.close();
          // Everyone says goodbye (and the other nodes hear of it) before this node leaves the bus.
          hub.close();
          void replicator?.close();
        },
        ready: replicator?.start(),
      };
    },
    open(conn, hub) {
      if (!hub) throw new Error("the rooms service runs with its hub");
      return roomsSession(conn, hub);
    },
  };
}

function busTransport(config: RoomsConfig, log: Logger): BusTransport {
  const bus = config.bus ?? "";
  if (bus === "ipc") return new IpcTransport();
  if (bus.startsWith("memory:")) return MemoryNetwork.named(bus.slice("memory:".length)).transport();
  if (/^rediss?:\/\//.test(bus))
    return new RedisTransport(bus, config.busPrefix, log.child({ bus: "redis" }));
  throw new Error(`unknown bus ${JSON.stringify(bus)}: use redis://host:port`);
}
