// One load-generator process (forked by generator.ts): it opens its share of the clients and registers
// them; on "fanout" its senders post at a paced rate (open loop: on the clock, whatever the replies) while
// every connection times what arrives; on "reqrep" each connection sends a request per reply (closed loop).
import { Histogram } from "./histogram.js";
import { type DeliverySink, LoadConnection, nowMicros } from "./load-client.js";

export interface LoadClient {
  nick: string;
  /** IRC channel (or seed room, with the #) to join; "" for none. */
  room: string;
  /** Posts during a fan-out run. */
  sender: boolean;
  /** The port of the node this client uses, when the server is several nodes. */
  port?: number;
}

export type Protocol = "irc" | "seed" | "line";

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
    }
  | {
      t: "fanout";
      /** Messages this process sends per second, over all its senders. */
      messagesPerSecond: number;
      durationMs: number;
      /** Longest wait for the last deliveries once sending stops. */
      maxDrainMs: number;
    }
  | { t: "reqrep"; request: string; durationMs: number }
  | { t: "close" };

export type WorkerReport =
  | { t: "ready"; setupMs: number; failed: number; open: number }
  | {
      t: "done";
      sent: number;
      received: number;
      counts: number[];
      max: number;
      /** This process's CPU while it sent, in % of one core. */
      cpuPercent: number;
      /** Epoch µs of the first send and the last delivery. */
      firstSendUs: number;
      lastReceiveUs: number;
      /** Connections the server closed during the run. */
      closed: number;
    }
  | { t: "error"; message: string };

let protocol: Protocol = "irc";
let conns: Array<{ conn: LoadConnection; client: LoadClient; seed?: { ref: string; id: string } }> = [];
let closed = 0;

async function setup(command: Extract<WorkerCommand, { t: "setup" }>): Promise<WorkerReport> {
  protocol = command.protocol;
  const started = performance.now();
  let failed = 0;
  conns = [];
  for (let at = 0; at < command.clients.length; at += command.wave) {
    const wave = command.clients.slice(at, at + command.wave);
    await Promise.all(
      wave.map(async (client) => {
        try {
          const conn = await LoadConnection.open(client.port ?? command.port, command.timeoutMs);
          const seed = await register(conn, client, command.timeoutMs);
          conn.socket.once("close", () => {
            closed += 1;
          });
          conns.push(seed ? { conn, client, seed } : { conn, client });
        } catch {
          failed += 1;
        }
      }),
    );
  }
  return { t: "ready", setupMs: performance.now() - started, failed, open: conns.length };
}

async function register(
  conn: LoadConnection,
  client: LoadClient,
  timeoutMs: number,
): Promise<{ ref: string; id: string } | undefined> {
  if (protocol === "line") return undefined;
  if (protocol === "seed") {
    let ref = "";
    const joined = conn.waitFor((line) => {
      if (line.startsWith("ROOM_REF: ")) ref = line.slice(10);
      return line.startsWith("JOIN_ID: ") || line.startsWith("ERROR_CODE: ");
    }, timeoutMs);
    const name = client.room.replace(/^#/, "");
    conn.socket.write(`JOIN_CHATROOM: ${name}\nCLIENT_IP: 0\nPORT: 0\nCLIENT_NAME: ${client.nick}\n`);
    const line = await joined;
    if (!line.startsWith("JOIN_ID: ")) throw new Error(line);
    return { ref, id: line.slice(9) };
  }
  const welcomed = conn.waitFor((line) => / 001 /.test(line) || /^ERROR/.test(line), timeoutMs);
  conn.socket.write(`NICK ${client.nick}\r\nUSER ${client.nick} 0 * :bench\r\n`);
  if (!/ 001 /.test(await welcomed)) throw new Error("not welcomed");
  if (client.room === "") return undefined;
  const joined = conn.waitFor((line) => / 366 /.test(line), timeoutMs);
  conn.socket.write(`JOIN ${client.room}\r\n`);
  await joined;
  return undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function fanout(command: Extract<WorkerCommand, { t: "fanout" }>): Promise<WorkerReport> {
  const histogram = new Histogram();
  let received = 0;
  let lastReceiveUs = 0;
  const sink: DeliverySink = {
    delivered(latencyUs, nowUs) {
      histogram.record(latencyUs / 1000);
      received += 1;
      lastReceiveUs = nowUs;
    },
  };
  for (const { conn } of conns) conn.sink = sink;

  const senders = conns.filter(({ client }) => client.sender);
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const firstSendUs = nowMicros();
  let sent = 0;
  let next = 0;
  if (senders.length > 0 && command.messagesPerSecond > 0) {
    const perMs = command.messagesPerSecond / 1000;
    const end = wallBefore + command.durationMs;
    let last = wallBefore;
    let credit = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const at = performance.now();
        credit += (Math.min(at, end) - last) * perMs;
        last = at;
        for (; credit >= 1; credit -= 1) {
          const sender = senders[next++ % senders.length];
          if (!sender) break;
          const stamp = nowMicros();
          if (protocol === "seed")
            sender.conn.socket.write(
              `CHAT: ${sender.seed?.ref}\nJOIN_ID: ${sender.seed?.id}\nCLIENT_NAME: ${sender.client.nick}\nMESSAGE: bench ${stamp}\n\n`,
            );
          else sender.conn.socket.write(`PRIVMSG ${sender.client.room} :bench ${stamp}\r\n`);
          sent += 1;
        }
        if (at >= end) resolve();
        else setTimeout(tick, 2);
      };
      tick();
    });
  }
  const cpu = process.cpuUsage(cpuBefore);
  const wall = performance.now() - wallBefore;
  // Drain: until nothing has arrived for 500 ms, or the limit.
  const drainEnd = performance.now() + command.maxDrainMs;
  let seen = -1;
  let quietSince = performance.now();
  while (performance.now() < drainEnd) {
    await sleep(100);
    if (received !== seen) {
      seen = received;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= 500) break;
  }
  for (const { conn } of conns) conn.sink = null;
  return {
    t: "done",
    sent,
    received,
    counts: histogram.counts,
    max: histogram.max,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100,
    firstSendUs,
    lastReceiveUs: received > 0 ? Math.max(lastReceiveUs, firstSendUs) : firstSendUs,
    closed,
  };
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
            conn.socket.write(request);
            sent += 1;
          };
          conn.onReply = () => {
            histogram.record(performance.now() - sentAt);
            received += 1;
            next();
          };
          conn.socket.once("close", () => resolve());
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
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100,
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
    case "reqrep":
      reqrep(command).then(reply, fail);
      return;
    case "close":
      for (const { conn } of conns) conn.socket.destroy();
      process.exit(0);
  }
});
