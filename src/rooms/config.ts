// Everything the rooms server is configured with. Plain data: it is posted to worker threads as it is.
import { hostname } from "node:os";
import { DEFAULT_DATA_DIR } from "../store/config.js";
import { DEFAULT_ROOM_LIMITS, type RoomLimits } from "./core/registry.js";
import { IRC_MAX_LINE_BYTES } from "./irc/limits.js";

export interface OperCredential {
  name: string;
  password: string;
}

export interface FloodConfig {
  enabled: boolean;
  /** Lines a client may send at once before it is slowed down. */
  burst: number;
  /** Lines per second it may send over time. */
  perSecond: number;
}

export interface RoomsConfig {
  /** The IRC server name, and the name in replies. */
  serverName: string;
  /** ISUPPORT NETWORK. */
  network: string;
  /** The seed protocol's HELO StudentID. */
  studentId: string;
  /** Whether the seed protocol's KILL_SERVICE may stop the server. */
  allowKill: boolean;
  /** IRC connection password (PASS); null for none. */
  password: string | null;
  /** Who may become an IRC operator with OPER. */
  opers: OperCredential[];
  /** Message of the day, one entry a line; null sends ERR_NOMOTD. */
  motd: string[] | null;
  limits: RoomLimits;
  /** Connections at once from one IP address. */
  maxClientsPerIp: number;
  /** Loopback is exempt from the per-IP limit unless this is set (a local gateway or benchmark). */
  limitLoopback: boolean;
  /** Connections one address may open in 10 s (loopback exempt unless limitLoopback); 0 for no limit. */
  connectRate: number;
  /** Connections at once on this node, from anywhere; 0 for no cap. */
  maxClients: number;
  /**
   * A connection must register within this long (IRC: NICK, USER and CAP END; the seed protocol: its first
   * JOIN_CHATROOM), however many bytes it trickles in; 0 for no bound.
   */
  registrationTimeoutMs: number;
  flood: FloodConfig;
  /** Idle IRC clients are sent PING after this long, and closed if no reply comes within it again. */
  pingIntervalMs: number;
  /** Start the server console (operator commands on stdin). */
  console: boolean;
  /**
   * How this node reaches the others: `redis://host:port`, `ipc` (through the cluster's primary), or
   * `memory:<name>` (nodes in one process, for tests); null when it runs alone.
   */
  bus: string | null;
  /** Prefix of every Redis key and channel, so that several deployments can share one Redis. */
  busPrefix: string;
  /** Strict Transport Security, offered with TLS when `--sts-duration` is given; null: not offered. */
  sts: StsPolicy | null;
  /** Where lasting state is kept: `sqlite`, `memory` or a `postgres://` URL (src/store/). */
  store: string;
  /** The SQLite file's folder. */
  dataDir: string;
  /** History older than this many days is deleted; 0 keeps it forever. */
  historyDays: number;
  /** Messages kept per room, the newest; 0 for no cap. */
  historyPerRoom: number;
  /** Lines of a room's history sent on join to IRC clients without draft/chathistory. */
  historyReplay: number;
  /** Lines of a room's history sent on join to seed-protocol clients, as CHAT blocks (0: none). */
  seedHistory: number;
  /** How long someone may use a registered nick without identifying before being renamed. */
  nickGraceMs: number;
}

/** IRCv3 STS: plain-text clients are sent to `port`; TLS clients keep to TLS for `duration` seconds. */
export interface StsPolicy {
  port: number;
  duration: number;
}

export const DEFAULT_ROOMS_PORT = 6667;

/** What the rooms ask of their connections: the longest line IRC takes (the seed protocol's are shorter). */
export const ROOMS_MAX_LINE_BYTES = IRC_MAX_LINE_BYTES;

export function defaultRoomsConfig(): RoomsConfig {
  return {
    serverName: hostname() || "tcpchat",
    network: "tcpchat",
    studentId: "tcpchat",
    allowKill: false,
    password: null,
    opers: [],
    motd: null,
    limits: { ...DEFAULT_ROOM_LIMITS },
    maxClientsPerIp: 10,
    limitLoopback: false,
    connectRate: 20,
    maxClients: 10_000,
    registrationTimeoutMs: 30_000,
    flood: { enabled: true, burst: 10, perSecond: 2 },
    pingIntervalMs: 120_000,
    console: false,
    bus: null,
    busPrefix: "tcpchat",
    sts: null,
    // Tests and the lab presets keep nothing; `tcpchat serve --service rooms` defaults to sqlite.
    store: "memory",
    dataDir: DEFAULT_DATA_DIR,
    historyDays: 30,
    historyPerRoom: 10_000,
    historyReplay: 20,
    seedHistory: 0,
    nickGraceMs: 60_000,
  };
}
