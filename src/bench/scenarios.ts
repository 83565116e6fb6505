// The benchmark scenarios. Each starts a fresh server per run, drives it with the generator, samples the
// server's CPU and memory from /proc, and returns one row per run; the caller takes medians.

import { cpus } from "node:os";
import { Generator } from "./generator.js";
import type { LoadClient } from "./load-worker.js";
import { fanoutProtocol, type Peer, type PeerName, startPeer, type TcpchatOptions } from "./peers.js";
import {
  cpuPercent,
  machineBusyPercent,
  type ProcSample,
  sampleMachine,
  sampleProc,
  treeSample,
  waitForQuiet,
} from "./proc.js";

export interface FanoutOptions {
  clients: number;
  rooms: number;
  senders: number;
  durationMs: number;
  generators: number;
  protocol: "irc" | "seed";
  /** Closed loop: messages in flight per sender (default CLOSED_WINDOW). */
  window?: number;
  /** Longest wait for a quiet machine before each rate (default 90 s; 0: do not wait, as in tests). */
  quietWaitMs?: number;
}

/** A fan-out load: an offered rate in deliveries per second (open loop), or the closed loop. */
export type Load = number | "closed";

/**
 * Messages in flight per sender in the closed loop: enough that the server, not the round trip, limits
 * the rate (4 in flight gave a tenth of what 64 do), few enough that a receiver's share stays well under
 * the smallest output queue of the peers (ngIRCd closes a client with more than 32 KiB waiting): 5
 * senders × 64 × 60 bytes ≈ 19 KB.
 */
export const CLOSED_WINDOW = 64;

export type FanoutRow = {
  peer: string;
  scenario: string;
  /** "open": paced at the offered rate; "closed": as fast as the server delivers. */
  loop: string;
  /** Deliveries per second offered (messages sent per second × receivers per message). */
  offered: number;
  /** Deliveries per second received, over every receiver, first send to last delivery. */
  delivered: number;
  lost: number;
  lostPct: number;
  /** Deliveries beyond those expected (duplicates): always 0 from a correct server. */
  extra: number;
  p50: number;
  p99: number;
  max: number;
  /** The generator's own delay: how late the p99 message left against its schedule (open loop), ms. */
  sendLagP99: number;
  serverCpu: number;
  /** The server's CPU time per delivery, µs (first send to the end of the drain). */
  serverUsPerDelivery: number;
  rssIdleMb: number;
  rssLoadMb: number;
  /** The busiest generator process's CPU while sending, % of one core. */
  generatorCpu: number;
  /** The generator's CPU time per delivery, all its processes, µs. */
  generatorUsPerDelivery: number;
  /** The whole machine's CPU while sending, % of all cores: near 100, server and generator compete. */
  machineCpu: number;
  /** Other work on the machine during the run (neither server nor generator), % of one core. */
  othersCpu: number;
  /** The machine's CPU just before the run, % of all cores: other work disturbing the measurement. */
  busyBefore: number;
  /** Clients the server disconnected during the run. */
  dropped: number;
  setupMs: number;
};

/** When a fan-out run counts as broken: the sweep stops there. */
export interface BreakLimits {
  maxP99Ms: number;
  maxLostPct: number;
  /** Delivered below this share of offered. */
  minDeliveredShare: number;
}

export const DEFAULT_LIMITS: BreakLimits = { maxP99Ms: 100, maxLostPct: 0.1, minDeliveredShare: 0.9 };

export function broken(row: FanoutRow, limits: BreakLimits = DEFAULT_LIMITS): boolean {
  return (
    row.p99 > limits.maxP99Ms ||
    row.lostPct > limits.maxLostPct ||
    row.dropped > 0 ||
    row.extra > 0 ||
    row.delivered < row.offered * limits.minDeliveredShare
  );
}

/** The offered rates a sweep climbs through, deliveries per second (it includes 500k/s: a target). */
export const SWEEP_RATES = [
  125_000, 250_000, 500_000, 750_000, 1_000_000, 1_500_000, 2_000_000, 2_500_000, 3_000_000, 3_500_000,
  4_000_000, 5_000_000, 6_000_000,
];

/** Connections opened at once while setting up: ngircd's listen backlog is 10, a burst beyond it stalls. */
export function connectWave(peer: PeerName): number {
  return peer === "ngircd" ? 8 : 400;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function fanoutClients(options: FanoutOptions): LoadClient[] {
  const perRoom = Math.floor(options.clients / options.rooms);
  const sendersPerRoom = Math.max(1, Math.floor(options.senders / options.rooms));
  return Array.from({ length: options.clients }, (_, i) => {
    const room = i % options.rooms;
    const rank = Math.floor(i / options.rooms);
    return { nick: `b${i}`, room: `#bench${room}`, sender: rank < sendersPerRoom && rank < perRoom };
  });
}

/**
 * One server, one set of registered clients, and a fan-out run at each load in turn (a pause between).
 * With `stopWhenBroken`, the climb ends at the first broken open-loop run (that run included); closed-loop
 * runs are made all the same. Loads are run in the order given.
 */
export async function fanout(
  peerName: PeerName,
  options: FanoutOptions,
  loads: readonly Load[],
  stopWhenBroken?: BreakLimits,
  log: (text: string) => void = () => {},
): Promise<FanoutRow[]> {
  const peer = await startPeer(peerName, { service: "rooms", model: "evented" });
  const generator = Generator.start(options.generators);
  const rows: FanoutRow[] = [];
  // nats-server speaks only its own protocol; tcpchat both IRC and the seed protocol.
  const protocol = options.protocol === "seed" ? "seed" : fanoutProtocol(peerName);
  try {
    const clients = fanoutClients(options);
    const { port, transport } = peer.client ?? { port: peer.port, transport: "tcp" as const };
    const { setupMs, failed } = await generator.setup(
      protocol,
      port,
      clients,
      connectWave(peerName),
      undefined,
      transport,
    );
    if (failed > 0) throw new Error(`${failed} clients could not register on ${peerName}`);
    await sleep(1000); // the join notices settle
    const idle = sampleProc(peer.pid);
    const perRoom = options.clients / options.rooms;
    // IRC does not echo a message to its sender; the seed protocol does.
    const receiversPerMessage = options.protocol === "seed" ? perRoom : perRoom - 1;
    const seconds = options.durationMs / 1000;
    let climbing = true;
    for (const load of loads) {
      if (load !== "closed" && !climbing) continue;
      const busyBefore = await waitForQuiet(25, options.quietWaitMs ?? 90_000);
      const before = sampleProc(peer.pid);
      const machineBefore = sampleMachine();
      const wallBefore = performance.now();
      const result =
        load === "closed"
          ? await generator.closed(options.window ?? CLOSED_WINDOW, options.durationMs, 10_000)
          : await generator.fanout(load / receiversPerMessage, options.durationMs, 10_000);
      const wall = (performance.now() - wallBefore) / 1000;
      const after = sampleProc(peer.pid);
      const machineAfter = sampleMachine();
      const expected = result.sent * receiversPerMessage;
      const lost = Math.max(0, expected - result.received);
      const received = Math.max(1, result.received);
      const serverCpuSeconds = before && after ? after.cpuSeconds - before.cpuSeconds : 0;
      const machineCpu = machineBusyPercent(machineBefore, machineAfter);
      const others =
        ((machineCpu / 100) * cpus().length * wall - serverCpuSeconds - result.generatorCpuMicros / 1e6) /
        Math.max(wall, 0.001);
      const row: FanoutRow = {
        peer: peerName,
        scenario: `${options.protocol === "seed" ? "seed-rooms" : "fanout"} ${options.clients}c/${options.rooms}r`,
        loop: load === "closed" ? "closed" : "open",
        offered: Math.round(expected / seconds),
        delivered: Math.round(result.received / Math.max(seconds, result.seconds)),
        lost,
        lostPct: expected > 0 ? (lost / expected) * 100 : 0,
        extra: Math.max(0, result.received - expected),
        p50: result.histogram.quantile(0.5),
        p99: result.histogram.quantile(0.99),
        max: result.histogram.max,
        sendLagP99: load === "closed" ? 0 : result.lag.quantile(0.99),
        serverCpu: before && after ? cpuPercent(before, after) : 0,
        serverUsPerDelivery: (serverCpuSeconds * 1e6) / received,
        rssIdleMb: (idle?.rssBytes ?? 0) / 2 ** 20,
        rssLoadMb: (after?.rssBytes ?? 0) / 2 ** 20,
        generatorCpu: Math.max(...result.generatorCpu),
        generatorUsPerDelivery: result.generatorCpuMicros / received,
        machineCpu,
        othersCpu: Math.max(0, others * 100),
        busyBefore,
        dropped: result.closed,
        setupMs,
      };
      rows.push(row);
      log(
        `  ${peerName} ${load === "closed" ? "closed loop" : `${load}/s offered`}: delivered ${row.delivered}/s, p50 ${row.p50.toFixed(2)} p99 ${row.p99.toFixed(2)} ms, send lag p99 ${row.sendLagP99.toFixed(2)} ms, lost ${row.lost}, server ${row.serverCpu.toFixed(0)}% CPU ${row.serverUsPerDelivery.toFixed(2)} µs/delivery, generator ${row.generatorCpu.toFixed(0)}% ${row.generatorUsPerDelivery.toFixed(2)} µs/delivery, machine ${row.machineCpu.toFixed(0)}%, others ${row.othersCpu.toFixed(0)}%`,
      );
      if (stopWhenBroken && load !== "closed" && broken(row, stopWhenBroken)) climbing = false;
      if (result.closed > 0) break;
    }
    return rows;
  } finally {
    generator.close();
    await peer.stop();
  }
}

export type ConnectionsRow = {
  peer: string;
  clients: number;
  registerMs: number;
  /** Each client's time from connecting to registered: median and 99th percentile, ms. */
  registerP50: number;
  registerP99: number;
  failed: number;
  /** RSS per connection 2 s after the last registration: what users see once the burst is over. */
  rssAfterBurstKb: number;
  /** RSS per connection once the clients have sat idle for IDLE_MS: what idle connections cost. */
  rssIdleKb: number;
};

const CONNECT_TIMEOUT_MS = 20_000;
/** When memory is read after a burst: the issue's "2 s after", what a user sees. */
const AFTER_BURST_MS = 2000;
/**
 * Long enough for a server to settle after the burst: tcpchat's memory reducer collects after 6 s of
 * quiet and again 6 s later (V8 gives the young generation back at the second).
 */
const IDLE_MS = 20_000;

/** N idle registered clients, all connecting at once: how long they take, and what each costs in memory. */
export async function connections(
  peerName: PeerName,
  clients: number,
  generators: number,
  /** How long the clients then sit idle, and the longest wait for a quiet machine (tests shorten both). */
  timing: { idleMs?: number; quietWaitMs?: number } = {},
): Promise<ConnectionsRow> {
  const idleMs = timing.idleMs ?? IDLE_MS;
  const bare = peerName === "node-bare";
  const peer: Peer = await startPeer(peerName, { service: "rooms", model: "evented" });
  const generator = Generator.start(generators);
  try {
    await waitForQuiet(25, timing.quietWaitMs ?? 90_000);
    const empty = sampleProc(peer.pid);
    const list: LoadClient[] = Array.from({ length: clients }, (_, i) => ({
      nick: `idle${i}`,
      room: "",
      sender: false,
    }));
    // Everyone at once; a client not registered within 20 s counts as failed (the target is 2 s).
    const { setupMs, failed, registerTimes } = await generator.setup(
      bare ? "line" : "irc",
      peer.port,
      list,
      clients,
      CONNECT_TIMEOUT_MS,
    );
    const perConn = (sample: ProcSample | null) =>
      empty && sample ? (sample.rssBytes - empty.rssBytes) / Math.max(1, clients - failed) / 1024 : 0;
    await sleep(AFTER_BURST_MS);
    const afterBurst = perConn(sampleProc(peer.pid));
    await sleep(Math.max(0, idleMs - AFTER_BURST_MS));
    const idle = perConn(sampleProc(peer.pid));
    return {
      peer: bare ? "node socket (bare)" : peerName,
      clients,
      registerMs: setupMs,
      registerP50: registerTimes.quantile(0.5),
      registerP99: registerTimes.quantile(0.99),
      failed,
      rssAfterBurstKb: afterBurst,
      rssIdleKb: idle,
    };
  } finally {
    generator.close();
    await peer.stop();
  }
}

export type ReqRepRow = {
  server: string;
  service: string;
  concurrency: number;
  repliesPerSecond: number;
  p50: number;
  p99: number;
  serverCpu: number;
  generatorCpu: number;
};

/** C clients in request/response over a line service (closed loop: a request per reply). */
export async function reqrep(
  server: { peer: "tcpchat"; options: TcpchatOptions } | { peer: "node-echo" },
  concurrency: number,
  durationMs: number,
  generators: number,
): Promise<ReqRepRow> {
  const peer = await startPeer(server.peer, server.peer === "tcpchat" ? server.options : undefined);
  const generator = Generator.start(Math.min(generators, concurrency));
  try {
    const service = server.peer === "tcpchat" ? server.options.service : "echo";
    const list: LoadClient[] = Array.from({ length: concurrency }, (_, i) => ({
      nick: `r${i}`,
      room: "",
      sender: true,
    }));
    const { failed } = await generator.setup("line", peer.port, list);
    if (failed > 0) throw new Error(`${failed} clients could not connect`);
    await waitForQuiet();
    const before: ProcSample | null = treeSample(peer.pid);
    const result = await generator.reqrep(
      service === "calc" ? "2**64 // 3 + 1" : "hello, benchmark",
      durationMs,
    );
    const after = treeSample(peer.pid);
    const name =
      server.peer === "tcpchat"
        ? `tcpchat ${server.options.model}${server.options.workers ? ` ×${server.options.workers}` : ""}`
        : "raw node echo";
    return {
      server: name,
      service,
      concurrency,
      repliesPerSecond: Math.round(result.received / (durationMs / 1000)),
      p50: result.histogram.quantile(0.5),
      p99: result.histogram.quantile(0.99),
      serverCpu: before && after ? cpuPercent(before, after) : 0,
      generatorCpu: Math.max(...result.generatorCpu),
    };
  } finally {
    generator.close();
    await peer.stop();
  }
}
