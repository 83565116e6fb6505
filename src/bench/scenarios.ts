// The benchmark scenarios. Each starts a fresh server per run, drives it with the generator, samples the
// server's CPU and memory from /proc, and returns one row per run; the caller takes medians.
import { Generator } from "./generator.js";
import type { LoadClient } from "./load-worker.js";
import { type Peer, type PeerName, startPeer, type TcpchatOptions } from "./peers.js";
import { cpuPercent, type ProcSample, sampleProc, treeSample } from "./proc.js";

export interface FanoutOptions {
  clients: number;
  rooms: number;
  senders: number;
  /** Offered deliveries per second (messages sent × receivers per message). */
  rate: number;
  durationMs: number;
  generators: number;
  protocol: "irc" | "seed";
}

export type FanoutRow = {
  peer: string;
  scenario: string;
  offered: number;
  delivered: number;
  lost: number;
  p50: number;
  p99: number;
  max: number;
  serverCpu: number;
  rssIdleMb: number;
  rssLoadMb: number;
  generatorCpu: number;
  setupMs: number;
};

/** Connections a generator opens at once: ngircd's listen backlog is 10, and a burst beyond it stalls. */
function connectWave(peer: PeerName): number {
  return peer === "ngircd" ? 8 : 200;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function fanoutClients(options: FanoutOptions): LoadClient[] {
  const perRoom = Math.floor(options.clients / options.rooms);
  const sendersPerRoom = Math.max(1, Math.floor(options.senders / options.rooms));
  return Array.from({ length: options.clients }, (_, i) => {
    const room = i % options.rooms;
    const rank = Math.floor(i / options.rooms);
    return { nick: `b${i}`, room: `#bench${room}`, sender: rank < sendersPerRoom && rank < perRoom };
  });
}

export async function fanout(peerName: PeerName, options: FanoutOptions): Promise<FanoutRow> {
  const peer = await startPeer(peerName, { service: "rooms", model: "evented" });
  const generator = Generator.start(options.generators);
  try {
    const clients = fanoutClients(options);
    const { setupMs, failed } = await generator.setup(
      options.protocol,
      peer.port,
      clients,
      connectWave(peerName),
    );
    if (failed > 0) throw new Error(`${failed} clients could not register on ${peerName}`);
    await sleep(1000); // the join notices settle
    const idle = sampleProc(peer.pid);
    const senders = clients.filter((client) => client.sender).length;
    const perRoom = options.clients / options.rooms;
    const receiversPerMessage = perRoom - 1;
    const messagesPerSecond = options.rate / receiversPerMessage;
    const before = sampleProc(peer.pid);
    const result = await generator.run({
      perSenderPerSecond: messagesPerSecond / senders,
      durationMs: options.durationMs,
      drainMs: 2000,
    });
    const after = sampleProc(peer.pid);
    const expected = result.sent * receiversPerMessage;
    const seconds = options.durationMs / 1000;
    return {
      peer: peerName,
      scenario: `${options.protocol === "seed" ? "seed-rooms" : "fanout"} ${options.clients}c/${options.rooms}r`,
      offered: Math.round(expected / seconds),
      delivered: Math.round(result.received / seconds),
      lost: Math.max(0, expected - result.received),
      p50: result.histogram.quantile(0.5),
      p99: result.histogram.quantile(0.99),
      max: result.histogram.max,
      serverCpu: before && after ? cpuPercent(before, after) : 0,
      rssIdleMb: (idle?.rssBytes ?? 0) / 2 ** 20,
      rssLoadMb: (after?.rssBytes ?? 0) / 2 ** 20,
      generatorCpu: Math.max(...result.generatorCpu),
      setupMs,
    };
  } finally {
    generator.close();
    await peer.stop();
  }
}

export type ConnectionsRow = {
  peer: string;
  clients: number;
  registerMs: number;
  failed: number;
  rssPerConnKb: number;
};

/** N idle registered clients: how long they take to register, and what each costs in memory. */
export async function connections(
  peerName: PeerName | "node-bare",
  clients: number,
  generators: number,
): Promise<ConnectionsRow> {
  const bare = peerName === "node-bare";
  const peer: Peer = await startPeer(bare ? "node-echo" : peerName, { service: "rooms", model: "evented" });
  const generator = Generator.start(generators);
  try {
    await sleep(300);
    const empty = sampleProc(peer.pid);
    const list: LoadClient[] = Array.from({ length: clients }, (_, i) => ({
      nick: `idle${i}`,
      room: "",
      sender: false,
    }));
    // Everyone at once: waves as large as a generator's share.
    const { setupMs, failed } = await generator.setup(bare ? "line" : "irc", peer.port, list, clients);
    await sleep(1000);
    const full = sampleProc(peer.pid);
    const perConn =
      empty && full ? (full.rssBytes - empty.rssBytes) / Math.max(1, clients - failed) / 1024 : 0;
    return {
      peer: bare ? "node socket (bare)" : peerName,
      clients,
      registerMs: setupMs,
      failed,
      rssPerConnKb: perConn,
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

/** C clients in request/response over a line service. */
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
    await generator.setup("line", peer.port, list);
    const before: ProcSample | null = treeSample(peer.pid);
    const result = await generator.run({
      perSenderPerSecond: 0,
      durationMs,
      drainMs: 0,
      request: service === "calc" ? "2**64 // 3 + 1" : "hello, benchmark",
    });
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
