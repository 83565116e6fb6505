// rooms: multi-room chat (seed 004) that speaks the seed rooms protocol and IRC on the same rooms. The
// rooms server itself lives in src/rooms/; this is its face as a service.
import type { RoomsConfig } from "../rooms/config.js";
import { createRoomsHub, type RoomsEnv } from "../rooms/server.js";
import { roomsSession } from "../rooms/session.js";
import type { Service } from "./service.js";

export function roomsService(config: RoomsConfig, env: RoomsEnv): Service {
  return {
    name: "rooms",
    createHub: (hubEnv) => createRoomsHub(config, env, hubEnv),
    open(conn, hub) {
      if (!hub) throw new Error("the rooms service runs with its hub");
      return roomsSession(conn, hub);
    },
  };
}
