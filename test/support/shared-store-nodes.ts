// Rooms servers in the test's process sharing one PostgreSQL schema over the Redis bus, as several nodes of
// one network share their store: started on demand, and stopped with their clients, the schema dropped and the
// bus's keys deleted when the suite ends. Call it inside a `describe`.
import { after } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import type { Irc } from "./irc.js";
import { dropPrefix, REDIS_URL, testPrefix } from "./redis.js";
import { startRoomsServer } from "./rooms.js";
import type { StoreBackend, TestStore } from "./stores.js";

export interface SharedStoreNodes {
  /** Clients to close at the end. */
  readonly clients: Irc[];
  /** The shared schema and `count` nodes on it and on the bus. */
  start(count: number): Promise<RunningServer[]>;
  /** Every node started so far stopped, in order. */
  stop(): Promise<void>;
  /** One more node on the same store only (no bus): what a node started later reads from it. */
  startOffBus(): Promise<RunningServer>;
}

export function sharedStoreNodes(postgres: StoreBackend, label: string): SharedStoreNodes {
  const nodes: RunningServer[] = [];
  const clients: Irc[] = [];
  const prefix = testPrefix(label);
  let made: TestStore | null = null;
  after(async () => {
    for (const client of clients) client.close();
    await Promise.all(nodes.map((node) => node.shutdown()));
    await made?.remove();
    await dropPrefix(REDIS_URL, prefix);
  });
  const store = (): string => {
    if (!made) throw new Error("start the shared nodes first");
    return made.config.store;
  };
  return {
    clients,
    async start(count) {
      made = await postgres.create(label);
      const started: RunningServer[] = [];
      for (let i = 0; i < count; i++)
        started.push(
          await startRoomsServer("evented", { bus: REDIS_URL, busPrefix: prefix, store: store() }),
        );
      nodes.push(...started);
      return started;
    },
    async stop() {
      await Promise.all(nodes.splice(0).map((node) => node.shutdown()));
    },
    async startOffBus() {
      const node = await startRoomsServer("evented", { store: store() });
      nodes.push(node);
      return node;
    },
  };
}
