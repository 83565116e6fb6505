// Rooms servers and clients for tests: a server with test-friendly settings, and a seed-protocol client.
import { after, before } from "node:test";
import { pino } from "pino";
import type { ModelName, RunningServer } from "../../src/models/index.js";
import { MemoryNetwork } from "../../src/rooms/bus/memory.js";
import { RedisTransport } from "../../src/rooms/bus/redis.js";
import type { BusTransport } from "../../src/rooms/bus/transport.js";
import { defaultRoomsConfig, type RoomsConfig } from "../../src/rooms/config.js";
import { LineClient, withoutCr } from "./line-client.js";
import { dropPrefix, REDIS_URL, redisSkipReason, testPrefix } from "./redis.js";
import { startTestServer, type TestServerOptions } from "./servers.js";
import { DEFAULT_WAIT_MS } from "./timing.js";

/** A rooms server on 127.0.0.1:0 named `irc.test`, flood control and the registration deadline off unless asked for. */
export function startRoomsServer(
  model: ModelName = "evented",
  rooms: Partial<RoomsConfig> = {},
  options: TestServerOptions = {},
): Promise<RunningServer> {
  return startTestServer(model, "rooms", {
    maxThreads: 2000,
    ...options,
    limits: { maxLineBytes: 8703, ...options.limits },
    service: {
      ...options.service,
      rooms: {
        ...defaultRoomsConfig(),
        serverName: "irc.test",
        studentId: "s-test",
        flood: { enabled: false, burst: 10, perSecond: 2 },
        // Suites that open many connections before registering them take longer on a busy machine.
        registrationTimeoutMs: 0,
        ...rooms,
      },
    },
  });
}

export interface Joined {
  ref: number;
  joinId: number;
}

/** A client of the seed rooms protocol over a raw socket. */
export class SeedClient {
  private constructor(readonly raw: LineClient) {}

  static async connect(port: number): Promise<SeedClient> {
    return new SeedClient(await LineClient.connect(port));
  }

  send(lines: string[]): void {
    this.raw.write(`${lines.join("\n")}\n`);
  }

  /** Join and read the JOINED_CHATROOM block and the client's own notice. */
  async join(room: string, name: string, timeoutMs?: number): Promise<Joined> {
    this.send([`JOIN_CHATROOM: ${room}`, "CLIENT_IP: 0", "PORT: 0", `CLIENT_NAME: ${name}`]);
    const reply = await this.raw.nextLines(5, timeoutMs);
    if (!reply[0]?.startsWith("JOINED_CHATROOM: ")) throw new Error(`join failed: ${JSON.stringify(reply)}`);
    const ref = Number(reply[3]?.replace("ROOM_REF: ", ""));
    const joinId = Number(reply[4]?.replace("JOIN_ID: ", ""));
    await this.expectChat(ref, name, `${name} has joined this chatroom.`);
    return { ref, joinId };
  }

  chat(joined: Joined, name: string, message: string): void {
    this.send([
      `CHAT: ${joined.ref}`,
      `JOIN_ID: ${joined.joinId}`,
      `CLIENT_NAME: ${name}`,
      `MESSAGE: ${message}`,
      "",
    ]);
  }

  leave(joined: Joined, name: string): void {
    this.send([`LEAVE_CHATROOM: ${joined.ref}`, `JOIN_ID: ${joined.joinId}`, `CLIENT_NAME: ${name}`]);
  }

  /** The next block: lines up to (not including) the blank line that ends a CHAT, or `count` lines. */
  async block(count: number): Promise<string[]> {
    return this.raw.nextLines(count);
  }

  /** The next four lines must be this CHAT block. */
  async expectChat(ref: number, name: string, message: string): Promise<void> {
    const lines = await this.raw.nextLines(4);
    const expected = [`CHAT: ${ref}`, `CLIENT_NAME: ${name}`, `MESSAGE: ${message}`, ""];
    if (JSON.stringify(lines) !== JSON.stringify(expected))
      throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(lines)}`);
  }

  /** The next two lines must be an error with this code; returns its description. */
  async expectError(code: number): Promise<string> {
    const [first, second] = await this.raw.nextLines(2);
    if (first !== `ERROR_CODE: ${code}` || !second?.startsWith("ERROR_DESCRIPTION: "))
      throw new Error(`expected error ${code}, got ${JSON.stringify([first, second])}`);
    return second.slice("ERROR_DESCRIPTION: ".length);
  }

  close(): void {
    this.raw.destroy();
  }
}

/** A registered IRC client over a raw socket; lines keep their CR. */
export async function connectIrc(
  port: number,
  nick: string,
  server = "irc.test",
  timeoutMs?: number,
): Promise<LineClient> {
  const client = await LineClient.connect(port);
  client.write(`NICK ${nick}\r\nUSER ${nick} 0 * :${nick}\r\n`);
  const escaped = server.replaceAll(".", "\\.");
  await client.until(new RegExp(`^:${escaped} (376|422) `), timeoutMs);
  return client;
}

/** Join a channel and wait for the end of its NAMES. */
export async function joinIrc(
  client: LineClient,
  nick: string,
  channel: string,
  timeoutMs?: number,
): Promise<void> {
  client.send(`JOIN ${channel}\r`);
  await client.until(new RegExp(` 366 ${nick} ${channel} `), timeoutMs);
}

/**
 * Until the client's node shows `entry` (a nick, with its prefix) in `channel`'s NAMES: a room made on another
 * node has reached this one. Asks again after each answer, within one bound.
 */
export async function untilNamesShow(
  client: LineClient,
  channel: string,
  entry: string,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    client.send(`NAMES ${channel}\r`);
    const lines = await client.until(/ 366 /, timeoutMs);
    if (
      lines.some((line) => / 353 /.test(line) && withoutCr(line).split(" :")[1]?.split(" ").includes(entry))
    )
      return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${entry} in the NAMES of ${channel}`);
  }
}

/** The rooms server on two cluster workers, through the real command: connections are dealt to them in turn. */
export const CLUSTER_ROOMS = [
  "serve",
  "--service",
  "rooms",
  "--model",
  "cluster",
  "--workers",
  "2",
  "--port",
  "0",
  "--server-name",
  "irc.test",
];

/** A bus for several nodes: `skip` names why it cannot run here; each `bus()` is a network of its own. */
export interface NodesBackend {
  name: string;
  skip: string | false;
  bus(): { bus: string; busPrefix: string };
  cleanup(prefix: string): Promise<void>;
}

let memoryNetworks = 0;

/** The in-memory bus and the Redis bus, named for suite `name`, to run one suite unchanged on both. */
export async function nodesBackends(name: string): Promise<NodesBackend[]> {
  return [
    {
      name: "in-memory bus",
      skip: false,
      bus: () => ({ bus: `memory:${name}-${++memoryNetworks}`, busPrefix: "unused" }),
      cleanup: async () => {},
    },
    {
      name: "Redis bus",
      skip: await redisSkipReason(),
      bus: () => ({ bus: REDIS_URL, busPrefix: testPrefix(name) }),
      cleanup: (prefix) => dropPrefix(REDIS_URL, prefix),
    },
  ];
}

/** A bus for replicators in the test's process: each `open()` is a network of its own, `cleanup` its keys. */
export interface TransportBackend {
  name: string;
  skip: string | false;
  open(): { transport(): BusTransport; cleanup(): Promise<void> };
}

/** The in-memory bus and the Redis bus as transports, named for suite `name`, for the core's bus tests. */
export async function transportBackends(name: string): Promise<TransportBackend[]> {
  const log = pino({ level: "silent" });
  return [
    {
      name: "in-memory bus",
      skip: false,
      open: () => {
        const network = new MemoryNetwork();
        return { transport: () => network.transport(), cleanup: async () => {} };
      },
    },
    {
      name: "Redis bus",
      skip: await redisSkipReason(),
      open: () => {
        const prefix = testPrefix(name);
        return {
          transport: () => new RedisTransport(REDIS_URL, prefix, log),
          cleanup: () => dropPrefix(REDIS_URL, prefix),
        };
      },
    },
  ];
}

/**
 * Three rooms nodes on one network of `backend` (call inside a `describe`): started before its tests, shut
 * down after them with every client handed to `track`, and the bus's keys dropped.
 */
export function threeNodes(backend: NodesBackend, rooms: Partial<RoomsConfig> = {}) {
  const nodes: RunningServer[] = [];
  const clients: Array<{ destroy(): void }> = [];
  let prefix = "";
  before(async () => {
    if (backend.skip) return;
    const bus = backend.bus();
    prefix = bus.busPrefix;
    for (let i = 0; i < 3; i++) nodes.push(await startRoomsServer("evented", { ...bus, ...rooms }));
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await Promise.all(nodes.map((node) => node.shutdown()));
    if (!backend.skip) await backend.cleanup(prefix);
  });
  return {
    nodes,
    /** The port of node `node` (0, 1 or 2). */
    port: (node: number) => (nodes[node] as RunningServer).port,
    /** Destroyed after the suite. */
    track<T extends { destroy(): void }>(client: T): T {
      clients.push(client);
      return client;
    },
  };
}

/** Registered on `port` with `caps` requested (all taken for granted: the server offers them). */
export async function connectIrcWithCaps(port: number, nick: string, caps: string): Promise<LineClient> {
  const client = await LineClient.connect(port);
  client.write(`CAP LS 302\r\nCAP REQ :${caps}\r\nNICK ${nick}\r\nUSER ${nick} 0 * :${nick}\r\nCAP END\r\n`);
  await client.until(/ (376|422) /);
  return client;
}
