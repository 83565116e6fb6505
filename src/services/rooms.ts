// rooms: multi-room chat (seed 004) that speaks the seed rooms protocol and IRC on the same rooms. The
// rooms server itself lives in src/rooms/; this is its face as a service.
import { IpcBusRelay } from "../rooms/bus/ipc.js";
import { DEFAULT_ROOMS_PORT, ROOMS_MAX_LINE_BYTES, type RoomsConfig } from "../rooms/config.js";
import { createRoomsHub, type RoomsEnv } from "../rooms/server.js";
import { roomsSession } from "../rooms/session.js";
import type { ClusterPrimary, Service, ServiceDefaults } from "./service.js";

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

/** The rooms' port, and the line length IRC needs. */
export const ROOMS_DEFAULTS: ServiceDefaults = {
  port: DEFAULT_ROOMS_PORT,
  maxLineBytes: ROOMS_MAX_LINE_BYTES,
};

/** Rooms in several processes need a bus: Redis when one is configured, otherwise the primary relays. */
export function roomsInCluster(config: RoomsConfig): { rooms: RoomsConfig; primary: ClusterPrimary | null } {
  if (config.bus) return { rooms: config, primary: null };
  return { rooms: { ...config, bus: "ipc" }, primary: new IpcBusRelay() };
}
