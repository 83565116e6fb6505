// One load-generator process: it opens its share of the clients, registers them, and on "start" sends at
// a paced rate (open loop: on a timer, whatever the replies) while it times what arrives. Lines are framed
// and scanned on Buffers; only the few bytes a measurement needs are decoded.
import { connect, type Socket } from "node:net";
import { Histogram } from "./histogram.js";

export interface LoadClient {
  nick: string;
  room: string;
  /** Sends during the run. */
  sender: boolean;
}

export type WorkerCommand =
  | {
      t: "setup";
      protocol: "irc" | "seed" | "line";
      port: number;
      clients: LoadClient[];
      /** Connections opened at once while setting up. */
      wave: number;
    }
  | { t: "start"; perSenderPerSecond: number; durationMs: number; drainMs: number; request?: string }
  | { t: "close" };

export type WorkerReport =
  | { t: "ready"; setupMs: number; failed: number }
  | {
      t: "done";
      sent: number;
      received: number;
      counts: number[];
      max: number;
      cpuPercent: number;
      replies: number;
    }
  | { t: "error"; message: string };

const LF = 10;
const PRIVMSG = Buffer.from(" PRIVMSG ");
const MESSAGE = Buffer.from("MESSAGE: ");

function now(): number {
  return performance.timeOrigin + performance.now();
}

class Conn {
  private pending: Buffer | null = null;
  client: LoadClient | null = null;
  onLine: (line: Buffer) => void = () => {};

  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.data(chunk));
    socket.on("error", () => {});
  }

  private data(chunk: Buffer): void {
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let start = 0;
    let lf = buf.indexOf(LF, start);
    while (lf !== -1) {
      this.onLine(buf.subarray(start, lf));
      start = lf + 1;
      lf = buf.indexOf(LF, start);
    }
    if (start < buf.length) this.pending = Buffer.from(buf.subarray(start));
  }

  /** Resolves at the first line that `match` accepts. */
  waitFor(match: (line: string) => boolean, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timed out during setup")), timeoutMs);
      this.onLine = (line) => {
        if (match(line.toString("utf8"))) {
          clearTimeout(timer);
          this.onLine = () => {};
          resolve();
        }
      };
      this.socket.once("close", () => {
        clearTimeout(timer);
        reject(new Error("closed during setup"));
      });
    });
  }
}

function open(port: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => resolve(new Conn(socket)));
    socket.once("error", reject);
  });
}

let protocol: "irc" | "seed" | "line" = "irc";
let conns: Conn[] = [];
let clients: LoadClient[] = [];
/** Seed protocol: each client's ROOM_REF and JOIN_ID. */
const seedIds = new Map<Conn, { ref: string; id: string }>();

async function setup(command: Extract<WorkerCommand, { t: "setup" }>): Promise<WorkerReport> {
  protocol = command.protocol;
  clients = command.clients;
  const started = performance.now();
  let failed = 0;
  conns = [];
  for (let at = 0; at < clients.length; at += command.wave) {
    const wave = clients.slice(at, at + command.wave);
    const opened = await Promise.all(
      wave.map(async (client) => {
        try {
          const conn = await open(command.port);
          conn.client = client;
          await register(conn, client);
          return conn;
        } catch {
          failed += 1;
          return null;
        }
      }),
    );
    for (const conn of opened) if (conn) conns.push(conn);
  }
  return { t: "ready", setupMs: performance.now() - started, failed };
}

async function register(conn: Conn, client: LoadClient): Promise<void> {
  if (protocol === "line") return;
  if (protocol === "seed") {
    const name = client.room.replace(/^#/, "");
    const joined = conn.waitFor((line) => line.startsWith("JOIN_ID: "));
    let ref = "";
    const prior = conn.onLine;
    conn.onLine = (line) => {
      const text = line.toString("utf8");
      if (text.startsWith("ROOM_REF: ")) ref = text.slice(10);
      if (text.startsWith("JOIN_ID: ")) seedIds.set(conn, { ref, id: text.slice(9) });
      prior(line);
    };
    conn.socket.write(`JOIN_CHATROOM: ${name}\nCLIENT_IP: 0\nPORT: 0\nCLIENT_NAME: ${client.nick}\n`);
    await joined;
    return;
  }
  const welcomed = conn.waitFor((line) => / 001 /.test(line));
  conn.socket.write(`NICK ${client.nick}\r\nUSER ${client.nick} 0 * :bench\r\n`);
  await welcomed;
  if (client.room === "") return;
  const joined = conn.waitFor((line) => / 366 /.test(line));
  conn.socket.write(`JOIN ${client.room}\r\n`);
  await joined;
}

async function run(command: Extract<WorkerCommand, { t: "start" }>): Promise<WorkerReport> {
  const histogram = new Histogram();
  let received = 0;
  let sent = 0;
  let replies = 0;
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const marker = protocol === "seed" ? MESSAGE : PRIVMSG;
  for (const conn of conns) {
    conn.onLine = (line) => {
      const at = line.indexOf(marker);
      if (at === -1) return;
      // The text: "<send time> <seq>" after " :" (IRC) or "MESSAGE: " (seed).
      const from =
        protocol === "seed" ? at + marker.length : line.indexOf(58 /* : */, at + marker.length) + 1;
      const space = line.indexOf(32, from);
      const sentAt = Number(line.toString("latin1", from, space === -1 ? line.length : space));
      if (!Number.isFinite(sentAt)) return;
      histogram.record(now() - sentAt);
      received += 1;
    };
  }
  if (protocol === "line") return requestReply(command, histogram, cpuBefore, wallBefore);

  const senders = conns.filter((conn) => conn.client?.sender);
  const interval = 5;
  const perTick = (command.perSenderPerSecond * interval) / 1000;
  let credit = 0;
  let seq = 0;
  const end = performance.now() + command.durationMs;
  await new Promise<void>((resolve) => {
    const tick = () => {
      if (performance.now() >= end) {
        resolve();
        return;
      }
      credit += perTick;
      const count = Math.floor(credit);
      credit -= count;
      for (let k = 0; k < count; k++) {
        for (const conn of senders) {
          const client = conn.client;
          const text = `${now().toFixed(3)} ${seq++}`;
          if (protocol === "seed") {
            const ids = seedIds.get(conn);
            conn.socket.write(
              `CHAT: ${ids?.ref}\nJOIN_ID: ${ids?.id}\nCLIENT_NAME: ${client?.nick}\nMESSAGE: ${text}\n\n`,
            );
          } else {
            conn.socket.write(`PRIVMSG ${client?.room} :${text}\r\n`);
          }
          sent += 1;
        }
      }
      setTimeout(tick, interval);
    };
    tick();
  });
  const cpu = process.cpuUsage(cpuBefore);
  const wall = performance.now() - wallBefore;
  await new Promise((resolve) => setTimeout(resolve, command.drainMs));
  return {
    t: "done",
    sent,
    received,
    counts: histogram.counts,
    max: histogram.max,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100,
    replies,
  };

  async function requestReply(
    cmd: Extract<WorkerCommand, { t: "start" }>,
    hist: Histogram,
    cpuStart: NodeJS.CpuUsage,
    wallStart: number,
  ): Promise<WorkerReport> {
    const request = `${cmd.request ?? "hello"}\n`;
    const stopAt = performance.now() + cmd.durationMs;
    await Promise.all(
      conns.map(
        (conn) =>
          new Promise<void>((resolve) => {
            let sentAt = 0;
            const next = () => {
              if (performance.now() >= stopAt) {
                resolve();
                return;
              }
              sentAt = performance.now();
              conn.socket.write(request);
              sent += 1;
            };
            conn.onLine = () => {
              hist.record(performance.now() - sentAt);
              replies += 1;
              next();
            };
            conn.socket.once("close", () => resolve());
            next();
          }),
      ),
    );
    const cpu = process.cpuUsage(cpuStart);
    const wall = performance.now() - wallStart;
    return {
      t: "done",
      sent,
      received: replies,
      counts: hist.counts,
      max: hist.max,
      cpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100,
      replies,
    };
  }
}

process.on("message", (command: WorkerCommand) => {
  const reply = (report: WorkerReport) => process.send?.(report);
  const fail = (err: unknown) => reply({ t: "error", message: (err as Error).message });
  switch (command.t) {
    case "setup":
      setup(command).then(reply, fail);
      return;
    case "start":
      run(command).then(reply, fail);
      return;
    case "close":
      for (const conn of conns) conn.socket.destroy();
      process.exit(0);
  }
});
