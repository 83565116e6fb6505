// Fan-out with the room members spread over several tcpchat nodes on one Redis bus, beside one node
// alone: what the bus costs in throughput and latency, and in Redis commands and bytes per message.
import { Redis } from "ioredis";
import { Generator } from "./generator.js";
import { type Peer, startPeer } from "./peers.js";
import { cpuPercent, type ProcSample, sampleProc } from "./proc.js";
import { type FanoutOptions, fanoutClients } from "./scenarios.js";

export type NodesRow = {
  nodes: number;
  offered: number;
  delivered: number;
  lost: number;
  p50: number;
  p99: number;
  /** All nodes together, in % of one core. */
  serverCpu: number;
  /** Redis commands per message sent (PUBLISH, plus the heartbeats spread over the run). */
  redisCommandsPerMessage: number;
  /** Bytes into and out of Redis per message sent. */
  redisBytesInPerMessage: number;
  redisBytesOutPerMessage: number;
};

async function redisStats(redis: Redis): Promise<{ commands: number; bytesIn: number; bytesOut: number }> {
  const info = await redis.info("stats");
  const read = (key: string) => Number(new RegExp(`${key}:(\\d+)`).exec(info)?.[1] ?? 0);
  return {
    commands: read("total_commands_processed"),
    bytesIn: read("total_net_input_bytes"),
    bytesOut: read("total_net_output_bytes"),
  };
}

/** One run: `count` nodes (1 = alone, no bus), the clients dealt to them in turn, at `rate` deliveries/s. */
export async function fanoutOnNodes(
  count: number,
  options: FanoutOptions,
  rate: number,
  redisUrl: string,
): Promise<NodesRow> {
  const prefix = `tcpchat-bench:${process.pid}:${Date.now()}`;
  const bus = count > 1 ? { url: redisUrl, prefix } : undefined;
  const nodes: Peer[] = [];
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => {});
  const generator = Generator.start(options.generators);
  try {
    if (bus) await redis.connect();
    for (let i = 0; i < count; i++)
      nodes.push(await startPeer("tcpchat", { service: "rooms", model: "evented", bus }));
    const clients = fanoutClients(options).map((client, i) => ({
      ...client,
      port: (nodes[i % count] as Peer).port,
    }));
    const { failed } = await generator.setup(options.protocol, (nodes[0] as Peer).port, clients, 200);
    if (failed > 0) throw new Error(`${failed} clients could not register`);
    // The joins reach every node over the bus before anyone speaks.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const perRoom = options.clients / options.rooms;
    const receivers = options.protocol === "seed" ? perRoom : perRoom - 1;
    const before = nodes.map((node) => sampleProc(node.pid));
    const statsBefore = bus ? await redisStats(redis) : null;
    const result = await generator.fanout(rate / receivers, options.durationMs, 10_000);
    const statsAfter = bus ? await redisStats(redis) : null;
    const after = nodes.map((node) => sampleProc(node.pid));
    const cpu = before.reduce((sum, sample, i) => {
      const end = after[i];
      return sample && end ? sum + cpuPercent(sample as ProcSample, end) : sum;
    }, 0);
    const sent = Math.max(1, result.sent);
    const expected = result.sent * receivers;
    const seconds = options.durationMs / 1000;
    return {
      nodes: count,
      offered: Math.round(expected / seconds),
      delivered: Math.round(result.received / Math.max(seconds, result.seconds)),
      lost: Math.max(0, expected - result.received),
      p50: result.histogram.quantile(0.5),
      p99: result.histogram.quantile(0.99),
      serverCpu: cpu,
      redisCommandsPerMessage:
        statsBefore && statsAfter ? (statsAfter.commands - statsBefore.commands) / sent : 0,
      redisBytesInPerMessage:
        statsBefore && statsAfter ? (statsAfter.bytesIn - statsBefore.bytesIn) / sent : 0,
      redisBytesOutPerMessage:
        statsBefore && statsAfter ? (statsAfter.bytesOut - statsBefore.bytesOut) / sent : 0,
    };
  } finally {
    generator.close();
    await Promise.all(nodes.map((node) => node.stop()));
    if (bus && redis.status === "ready") {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    redis.disconnect();
  }
}
