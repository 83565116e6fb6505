// The bus over Redis (ioredis): envelopes on one pub/sub channel, and a heartbeat key per node whose expiry
// tells the others it died. Nicks given out at once on two nodes are settled by the operations' order.
//
// Keys, all under the prefix (`--bus-prefix`, default `tcpchat`):
//   <prefix>:events          pub/sub channel of every envelope
//   <prefix>:node-seq        counter that numbers nodes (their JOIN_IDs and ROOM_REFs)
//   <prefix>:nodes           set of node ids that said they were alive
//   <prefix>:node:<id>       that node's heartbeat, expiring after NODE_TIMEOUT_MS
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Envelope } from "./ops.js";
import { type BusHandlers, type BusTransport, HEARTBEAT_MS, NODE_TIMEOUT_MS } from "./transport.js";

/** How long to wait for Redis at start before running alone (and reconnecting in the background). */
const CONNECT_TIMEOUT_MS = 3000;

export class RedisTransport implements BusTransport {
  readonly nodeId = randomUUID();
  private readonly pub: Redis;
  private readonly sub: Redis;
  private handlers: BusHandlers | null = null;
  private up = false;
  private number = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Nodes seen alive, by when they were last heard of: each gets one nodeGone when it dies. */
  private readonly seen = new Map<string, number>();
  private closed = false;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    const options = {
      lazyConnect: true,
      // Commands fail at once while Redis is away instead of piling up: nothing is claimed as sent.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt: number) => Math.min(100 * 2 ** Math.min(attempt, 6), 5000),
    };
    this.pub = new Redis(url, options);
    this.sub = new Redis(url, { ...options, enableOfflineQueue: true });
    for (const [name, client] of [
      ["pub", this.pub],
      ["sub", this.sub],
    ] as const) {
      client.on("error", (err: Error) => this.log.debug({ err: err.message, conn: name }, "redis error"));
      client.on("ready", () => this.changed());
      client.on("close", () => this.changed());
      client.on("reconnecting", (ms: number) => {
        if (!this.closed) this.log.info({ conn: name, inMs: ms }, "redis: reconnecting");
      });
    }
    this.sub.on("message", (_channel: string, text: string) => this.message(text));
  }

  private key(name: string): string {
    return `${this.prefix}:${name}`;
  }

  async start(handlers: BusHandlers): Promise<number> {
    const connected = Promise.all([this.pub.connect(), this.sub.connect()]).then(
      () => true,
      () => false,
    );
    const timeout = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), CONNECT_TIMEOUT_MS).unref(),
    );
    const ok = await Promise.race([connected, timeout]);
    if (ok) {
      await this.sub.subscribe(this.key("events"));
      this.number = await this.pub.incr(this.key("node-seq"));
    } else {
      // Numbers from Redis start at 1; a node that could not ask takes one far from them.
      this.number = 100_000 + Math.floor(Math.random() * 800_000);
      this.sub.subscribe(this.key("events")).catch(() => {});
      this.log.warn("redis unreachable at start: running alone, reconnecting in the background");
    }
    // From here on the replicator hears of the bus going up and down.
    this.handlers = handlers;
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
    this.up = this.pub.status === "ready" && this.sub.status === "ready";
    if (this.up) {
      await this.beat();
      handlers.up();
    }
    return this.number;
  }

  publish(envelope: Envelope): boolean {
    if (!this.up) return false;
    this.pub.publish(this.key("events"), JSON.stringify(envelope)).catch((err: Error) => {
      this.log.warn({ err: err.message }, "redis: publish failed");
    });
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.handlers = null;
    if (this.pub.status === "ready") {
      // Leaving on purpose: free our place at once rather than after the timeout.
      await this.pub.srem(this.key("nodes"), this.nodeId).catch(() => {});
      await this.pub.del(this.key(`node:${this.nodeId}`)).catch(() => {});
    }
    this.pub.disconnect();
    this.sub.disconnect();
  }

  private changed(): void {
    const up = this.pub.status === "ready" && this.sub.status === "ready";
    if (up === this.up || this.closed) return;
    this.up = up;
    if (up) {
      this.log.info("redis: connected");
      void this.beat();
      this.handlers?.up();
    } else {
      this.log.warn("redis: connection lost");
      this.handlers?.down();
    }
  }

  private message(text: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      this.log.warn("redis: an envelope that is not JSON, dropped");
      return;
    }
    if (envelope.node !== this.nodeId) this.seen.set(envelope.node, Date.now());
    this.handlers?.envelope(envelope);
  }

  /** Say we are alive, and bury the nodes that stopped saying so. */
  private async beat(): Promise<void> {
    if (!this.up || this.closed) return;
    try {
      await this.pub
        .multi()
        .set(this.key(`node:${this.nodeId}`), String(this.number), "PX", NODE_TIMEOUT_MS)
        .sadd(this.key("nodes"), this.nodeId)
        .exec();
      const nodes = (await this.pub.smembers(this.key("nodes"))).filter((node) => node !== this.nodeId);
      const alive = new Set<string>();
      if (nodes.length > 0) {
        const checks = this.pub.pipeline();
        for (const node of nodes) checks.exists(this.key(`node:${node}`));
        const results = (await checks.exec()) ?? [];
        nodes.forEach((node, i) => {
          if (results[i]?.[1] === 1) alive.add(node);
        });
      }
      const now = Date.now();
      for (const node of alive) this.seen.set(node, now);
      for (const node of nodes) if (!alive.has(node)) await this.pub.srem(this.key("nodes"), node);
      for (const [node, heard] of [...this.seen]) {
        // A node heard from just now may not have written its first heartbeat yet.
        if (alive.has(node) || now - heard < NODE_TIMEOUT_MS) continue;
        this.seen.delete(node);
        this.handlers?.nodeGone(node);
      }
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, "redis: heartbeat failed");
    }
  }
}
