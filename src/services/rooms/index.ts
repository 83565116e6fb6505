// rooms: multi-room chat (seed 004) that speaks the seed rooms protocol and IRC on the same rooms.
import type { Logger } from "pino";
import type { ConsoleIO } from "../operator.js";
import type { HubEnv, Service } from "../service.js";
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
      return {
        attach: (conn) => hub.attach(conn),
        message: (conn, message) => hub.message(conn, message),
        detach: (conn) => hub.detach(conn),
        close: () => {
          console?.close();
          hub.close();
        },
      };
    },
    open(conn, hub) {
      if (!hub) throw new Error("the rooms service runs with its hub");
      return roomsSession(conn, hub);
    },
  };
}
