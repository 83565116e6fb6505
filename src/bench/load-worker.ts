// One load-generator process (forked by generator.ts): it opens its share of the clients and registers
// them, timing each registration. On "fanout" its senders post on a schedule (open loop: each sender's
// messages evenly spaced on the clock, whatever the replies), on "closed" as fast as the server delivers
// (a window of messages in flight per sender, one sent for each one a room member receives), and every
// connection times what arrives; on "reqrep" each connection sends a request per reply.
import { Histogram } from "./histogram.js";
import {
  type DeliverySink,
  LoadConnection,
  type LoadTransport,
  nowMicros,
  stampText,
} from "./load-client.js";

export interface LoadClient {
  nick: string;
  /** IRC channel, seed room or NATS subject (with a #) to join; "" for none. */
  room: string;
  /** Posts during a fan-out run. */
  sender: boolean;
  /** The port of the node this client uses, when the server is several nodes. */
  port?: number;
}

/** irc: NICK/USER, JOIN; seed: the seed rooms protocol; nats: CONNECT, SUB, PUB; line: a bare connection. */
export type Protocol = "irc" | "seed" | "nats" | "line";

export type WorkerCommand =
  | {
      t: "setup";
      protocol: Protocol;
      port: number;
      clients: LoadClient[];
      /** Connections opened at once while setting up. */
      wave: number;
      /** A client not connected and registered within this long counts as failed. */
      timeoutMs: number;
      /** TCP unless said. */
      transport?: LoadTransport;
    }
  | {
      t: "fanout";
      /** Messages this process sends per second, over all its senders. */
      messagesPerSecond: number;
      /** This process's place among the generator's (0 ≤ phase < 1): its schedule is offset by it. */
      phase: number;
      durationMs: number;
      /** Longest wait for the last deliveries once sending stops. */
      maxDrainMs: number;
    }
  | {
      t: "closed";
      /** Messages in flight per sender. */
      window: number;
      durationMs: number;
      maxDrainMs: number;
    }
  | { t: "reqrep"; request: string; durationMs: number }
  | { t: "close" };

export type WorkerReport =
  | {
      t: "ready";
      setupMs: number;
      failed: number;
      open: number;
      /** Each registered client's time from connecting to registered, ms. */
      registerCounts: number[];
      registerMax: number;
    }
  | {
      t: "done";
      sent: number;
      received: number;
      counts: number[];
      max: number;
      /** How late each message left against its schedule (open loop), ms. */
      lagCounts: number[];
      lagMax: number;
      /** This process's CPU while it sent, in % of one core. */
      cpuPercent: number;
      /** This process's CPU from the first send to the end of the drain, µs. */
      cpuMicros: number;
      /** Monotonic µs of the first send and the last delivery. */
      firstSendUs: number;
      lastReceiveUs: number;
      /** Connections the server closed during the run. */
      closed: number;
    }
  | { t: "error"; message: string };

interface Conn {
  conn: LoadConnection;
  client: LoadClient;
  /** The message up to its send time, and what follows the time. */
  head: string;
  tail: string;
}

let protocol: Protocol = "irc";
let conns: Conn[] = [];
let closed = 0;

async function setup(command: Extract<WorkerCommand, { t: "setup" }>): Promise<WorkerReport> {
  protocol = command.protocol;
  const started = performance.now();
  const registerTimes = new Histogram();
  let failed = 0;
  conns = [];
  for (let at = 0; at < command.clients.length; at += command.wave) {
    const wave = command.clients.slice(at, at + command.wave);
    await Promise.all(
      wave.map(async (client) => {
        try {
          const from = performance.now();
          const conn = await LoadConnection.open(
            client.port ?? command.port,
            command.timeoutMs,
            command.transport,
          );
          const message = await register(conn, client, command.timeoutMs);
          registerTimes.record(performance.now() - from);
          conn.onceClosed(() => {
            closed += 1;
          });
          conns.push({ conn, client, ...message });
        } catch {
          failed += 1;
        }
      }),
    );
  }
  return {
    t: "ready",
    setupMs: performance.now() - started,
    failed,
    open: conns.length,
    registerCounts: registerTimes.counts,
    registerMax: registerTimes.max,
  };
}

/** Registers and joins; returns the client's message around its send time. */
async function register(
  conn: LoadConnection,
  client: LoadClient,
  timeoutMs: number,
): Promise<{ head: string; tail: string }> {
  const subject = client.room.replace(/^#/, "");
  switch (protocol) {
    case "line":
      return { head: "", tail: "" };
    case "seed": {
      let ref = "";
      const joined = conn.waitFor((line) => {
        if (line.startsWith("ROOM_REF: ")) ref = line.slice(10);
        return line.startsWith("JOIN_ID: ") || line.startsWith("ERROR_CODE: ");
      }, timeoutMs);
      conn.write(`JOIN_CHATROOM: ${subject}\nCLIENT_IP: 0\nPORT: 0\nCLIENT_NAME: ${client.nick}\n`);
      const line = await joined;
      if (!line.startsWith("JOIN_ID: ")) throw new Error(line);
      const id = line.slice(9);
      return {
        head: `CHAT: ${ref}\nJOIN_ID: ${id}\nCLIENT_NAME: ${client.nick}\nMESSAGE: bench `,
        tail: "\n\n",
      };
    }
    case "nats": {
      // The server greets with INFO; a PING answered means CONNECT and SUB were taken. No echo to the
      // sender, as in IRC.
      const ready = conn.waitFor((line) => line === "PONG" || line.startsWith("-ERR"), timeoutMs);
      conn.write(
        `CONNECT {"verbose":false,"pedantic":false,"echo":false,"name":"${client.nick}"}\r\n${subject ? `SUB ${subject} 1\r\n` : ""}PING\r\n`,
      );
      if ((await ready) !== "PONG") throw new Error("refused");
      // The payload is "bench " and the 16-digit time: 22 bytes.
      return { head: `PUB ${subject} 22\r\nbench `, tail: "\r\n" };
    }
    case "irc": {
      const welcomed = conn.waitFor((line) => / 001 /.test(line) || /^ERROR/.test(line), timeoutMs);
      conn.write(`NICK ${client.nick}\r\nUSER ${client.nick} 0 * :bench\r\n`);
      if (!/ 001 /.test(await welcomed)) throw new Error("not welcomed");
      if (client.room !== "") {
        const joined = conn.waitFor((line) => / 366 /.test(line), timeoutMs);
        conn.write(`JOIN ${client.room}\r\n`);
        await joined;
      }
      return { head: `PRIVMSG ${client.room} :bench `, tail: "\r\n" };
    }
  }
}

/** The last send time used: every message of a process gets a time of its own, so it names the message. */
let lastStampUs = 0;

/** Sends one message stamped with the time; returns the stamp. */
function send(sender: Conn): number {
  const now = nowMicros();
  lastStampUs = now > lastStampUs ? now : lastStampUs + 1;
  sender.conn.write(sender.head + stampText(lastStampUs) + sender.tail);
  return lastStampUs;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a fan-out run measures, whichever way its senders are driven. */
class Measure {
  readonly latency = new Histogram();
  readonly lag = new Histogram();
  received = 0;
  sent = 0;
  lastReceiveUs = 0;
  firstSendUs = nowMicros();
  private readonly cpuBefore = process.cpuUsage();
  private readonly wallBefore = performance.now();
  private sendCpu = 0;
  private sendWall = 0;

  sendingDone(): void {
    const cpu = process.cpuUsage(this.cpuBefore);
    this.sendCpu = cpu.user + cpu.system;
    this.sendWall = performance.now() - this.wallBefore;
  }

  /** Waits until nothing has arrived for 500 ms (or `maxDrainMs`), then reports. */
  async report(maxDrainMs: number): Promise<WorkerReport> {
    const drainEnd = performance.now() + maxDrainMs;
    let seen = -1;
    let quietSince = performance.now();
    while (performance.now() < drainEnd) {
      await sleep(100);
      if (this.received !== seen) {
        seen = this.received;
        quietSince = performance.now();
      } else if (performance.now() - quietSince >= 500) break;
    }
    for (const { conn } of conns) conn.sink = null;
    const cpu = process.cpuUsage(this.cpuBefore);
    return {
      t: "done",
      sent: this.sent,
      received: this.received,
      counts: this.latency.counts,
      max: this.latency.max,
      lagCounts: this.lag.counts,
      lagMax: this.lag.max,
      cpuPercent: (this.sendCpu / 1000 / Math.max(1, this.sendWall)) * 100,
      cpuMicros: cpu.user + cpu.system,
      firstSendUs: this.firstSendUs,
      lastReceiveUs: this.received > 0 ? Math.max(this.lastReceiveUs, this.firstSendUs) : this.firstSendUs,
      closed,
    };
  }
}

/**
 * Open loop: this process sends `messagesPerSecond` in turn from its senders, one every 1/rate s, so
 * each sender's messages are evenly spaced (senders/rate apart) and the senders are staggered. A timer
 * wakes at the next message due; all that are due by then leave together, and how late each left is
 * recorded (the generator's own delay, reported beside the latency).
 */
async function fanout(command: Extract<WorkerCommand, { t: "fanout" }>): Promise<WorkerReport> {
  const measure = new Measure();
  const sink: DeliverySink = {
    delivered(stampUs, nowUs) {
      measure.latency.record((nowUs - stampUs) / 1000);
      measure.received += 1;
      measure.lastReceiveUs = nowUs;
    },
  };
  for (const { conn } of conns) conn.sink = sink;
  const senders = conns.filter(({ client }) => client.sender);
  const total = Math.round((command.messagesPerSecond * command.durationMs) / 1000);
  if (senders.length > 0 && total > 0) {
    const gapMs = 1000 / command.messagesPerSecond;
    const t0 = performance.now() + command.phase * gapMs;
    await new Promise<void>((resolve) => {
      let k = 0;
      const tick = () => {
        const now = performance.now();
        const due = Math.min(total, Math.floor((now - t0) / gapMs) + 1);
        for (; k < due; k++) {
          measure.lag.record(now - (t0 + k * gapMs));
          send(senders[k % senders.length] as Conn);
        }
        measure.sent = k;
        if (k >= total) resolve();
        else setTimeout(tick, Math.max(0, t0 + k * gapMs - performance.now()));
      };
      setTimeout(tick, Math.max(0, t0 - performance.now()));
    });
  }
  measure.sendingDone();
  return measure.report(command.maxDrainMs);
}

/**
 * Closed loop: each room's senders in this process keep `window` messages each in flight. A message is
 * done when every receiver of its room in this process has it (the slowest one, not the first, so that
 * no receiver's queue grows without bound); then the room's next sender in turn sends another. The rate
 * is whatever the server sustains.
 */
async function closedLoop(command: Extract<WorkerCommand, { t: "closed" }>): Promise<WorkerReport> {
  const measure = new Measure();
  interface Room {
    senders: Conn[];
    next: number;
    /** This process's members of the room that get each message (the other senders too). */
    receivers: number;
  }
  const rooms = new Map<string, Room>();
  for (const c of conns) {
    const room = rooms.get(c.client.room) ?? { senders: [], next: 0, receivers: 0 };
    if (c.client.sender) room.senders.push(c);
    room.receivers += 1;
    rooms.set(c.client.room, room);
  }
  // IRC and NATS (no echo) do not send a message back to its sender; the seed protocol does.
  if (protocol !== "seed") for (const room of rooms.values()) room.receivers -= 1;
  /** Messages in flight, by send time: their room and how many receivers still wait for them. */
  const inFlight = new Map<number, { room: Room; waiting: number }>();
  let sending = true;
  const sendFrom = (room: Room) => {
    const stamp = send(room.senders[room.next++ % room.senders.length] as Conn);
    inFlight.set(stamp, { room, waiting: room.receivers });
    measure.sent += 1;
  };
  const sink: DeliverySink = {
    delivered(stampUs, nowUs) {
      measure.latency.record((nowUs - stampUs) / 1000);
      measure.received += 1;
      measure.lastReceiveUs = nowUs;
      const message = inFlight.get(stampUs);
      if (message && --message.waiting === 0) {
        inFlight.delete(stampUs);
        if (sending) sendFrom(message.room);
      }
    },
  };
  for (const { conn } of conns) conn.sink = sink;
  for (const room of rooms.values())
    if (room.senders.length > 0 && room.receivers > 0)
      for (let i = 0; i < command.window * room.senders.length; i++) sendFrom(room);
  await sleep(command.durationMs);
  sending = false;
  measure.sendingDone();
  return measure.report(command.maxDrainMs);
}

async function reqrep(command: Extract<WorkerCommand, { t: "reqrep" }>): Promise<WorkerReport> {
  const histogram = new Histogram();
  const request = `${command.request}\n`;
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const firstSendUs = nowMicros();
  const stopAt = wallBefore + command.durationMs;
  let sent = 0;
  let received = 0;
  await Promise.all(
    conns.map(
      ({ conn }) =>
        new Promise<void>((resolve) => {
          let sentAt = 0;
          const next = () => {
            if (performance.now() >= stopAt) {
              conn.onReply = null;
              resolve();
              return;
            }
            sentAt = performance.now();
            conn.write(request);
            sent += 1;
          };
          conn.onReply = () => {
            histogram.record(performance.now() - sentAt);
            received += 1;
            next();
          };
          conn.onceClosed(() => resolve());
          next();
        }),
    ),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const wall = performance.now() - wallBefore;
  return {
    t: "done",
    sent,
    received,
    counts: histogram.counts,
    max: histogram.max,
    lagCounts: [],
    lagMax: 0,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100,
    cpuMicros: cpu.user + cpu.system,
    firstSendUs,
    lastReceiveUs: nowMicros(),
    closed,
  };
}

// The harness went away: so does its generator.
process.on("disconnect", () => process.exit(0));

process.on("message", (command: WorkerCommand) => {
  const reply = (report: WorkerReport) => process.send?.(report);
  const fail = (err: unknown) => reply({ t: "error", message: (err as Error).message });
  switch (command.t) {
    case "setup":
      setup(command).then(reply, fail);
      return;
    case "fanout":
      fanout(command).then(reply, fail);
      return;
    case "closed":
      closedLoop(command).then(reply, fail);
      return;
    case "reqrep":
      reqrep(command).then(reply, fail);
      return;
    case "close":
      for (const { conn } of conns) conn.destroy();
      process.exit(0);
  }
});
