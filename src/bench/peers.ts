// The servers a benchmark measures: tcpchat itself (the release build in dist/), ngircd and InspIRCd from
// Debian's packages, nats-server (a fan-out yardstick that speaks its own protocol), the fan-out floor,
// a raw Node echo server and a bare Node socket server. Each is started in the
// foreground on a loopback port below the ephemeral range, and measured only once that port is seen to
// belong to the process started here.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LoadTransport } from "./load-client.js";
import { pidListeningOn, prioritise } from "./proc.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/dist\/?$/, "/");
const PEERS = join(ROOT, "bench", "peers");

export interface Peer {
  name: string;
  port: number;
  pid: number;
  /** Where the load connects and how, when not plain TCP on `port` (tcpchat over TLS or WebSocket). */
  client?: { port: number; transport: LoadTransport };
  stop(): Promise<void>;
}

export type PeerName =
  | "tcpchat"
  | "tcpchat-tls"
  | "tcpchat-ws"
  | "ngircd"
  | "inspircd"
  | "nats"
  | "floor"
  | "node-echo"
  | "node-bare";

/** tcpchat over another transport than plain TCP: measured beside it (`bench fanout --transport`). */
export const TRANSPORT_PEERS: Readonly<Record<"tls" | "ws", PeerName>> = {
  tls: "tcpchat-tls",
  ws: "tcpchat-ws",
};

/** The protocol a peer's fan-out speaks: NATS its own, the rest IRC. */
export function fanoutProtocol(peer: PeerName): "irc" | "nats" {
  return peer === "nats" ? "nats" : "irc";
}

const NATS_SERVER = ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"];

/**
 * `binary args…` through `sh -c` with the open-file limit raised (Node cannot call setrlimit): to 65,536,
 * or the hard limit when that is lower. `exec` keeps the pid, so the port check still finds the server.
 */
function withFileLimit(binary: string, args: string[]): [string, string[]] {
  const script = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"';
  return ["/bin/sh", ["-c", script, binary, ...args]];
}

/** Whether this build of tcpchat offers `--model cluster` (asked at run time: `serve --help`). */
export function hasClusterModel(): boolean {
  const fromSource = import.meta.url.endsWith(".ts");
  const cli = join(ROOT, fromSource ? "src/cli.ts" : "dist/cli.js");
  const args = fromSource ? ["--import", "tsx", cli, "serve", "--help"] : [cli, "serve", "--help"];
  const help = spawnSync(process.execPath, args, { encoding: "utf8" }).stdout ?? "";
  return /"cluster"/.test(help);
}

/** Which options a build's `serve` takes, asked of that build. */
function serveOptions(cli: string): (option: string) => boolean {
  const help = spawnSync(process.execPath, [cli, "serve", "--help"], { encoding: "utf8" }).stdout ?? "";
  return (option) => help.includes(`${option} `) || help.includes(`${option},`);
}

/** A free port from 20000 up: below 32768, where the kernel's ephemeral ports start. */
let nextPort = 20000 + (process.pid % 5000);
async function freePort(): Promise<number> {
  for (;;) {
    const port = nextPort++;
    if (nextPort > 32000) nextPort = 20000;
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Wait until `child` listens on `port` and owns it; fail (and stop it) if it exits first or never does. */
async function listening(
  name: string,
  child: ChildProcess,
  port: number,
  output: () => string,
): Promise<number> {
  const deadline = Date.now() + 15_000;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${output()}`);
      if (await canConnect(port)) {
        const owner = pidListeningOn(port);
        if (owner !== child.pid)
          throw new Error(`port ${port} belongs to pid ${owner}, not to the ${name} started here`);
        prioritise(owner);
        return owner;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${name} did not listen on ${port}: ${output()}`);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
}

/** Servers started here and still running: stopped if the benchmark itself is interrupted. */
const running = new Set<ChildProcess>();
let trapped = false;
function track(child: ChildProcess): void {
  running.add(child);
  child.once("exit", () => running.delete(child));
  if (trapped) return;
  trapped = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => {
      for (const server of running) server.kill("SIGKILL");
      process.exit(130);
    });
}

function stopper(child: ChildProcess, cleanup?: () => void): () => Promise<void> {
  track(child);
  return () =>
    new Promise((resolve) => {
      const done = () => {
        cleanup?.();
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once("exit", done);
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    });
}

export interface TcpchatOptions {
  service: "rooms" | "echo" | "calc";
  model: "single" | "threaded" | "evented" | "cluster";
  workers?: number;
  /** Join this Redis bus (with this key prefix): one node of several. */
  bus?: { url: string; prefix: string };
}

export async function startPeer(
  name: PeerName,
  tcpchat: TcpchatOptions = { service: "rooms", model: "evented" },
): Promise<Peer> {
  const port = await freePort();
  let out = "";
  const capture = (child: ChildProcess) => {
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    return child;
  };
  const output = () => out.slice(-2000);
  switch (name) {
    case "tcpchat":
    case "tcpchat-tls":
    case "tcpchat-ws": {
      // The release build, unless the harness itself runs from source (its tests).
      // TCPCHAT_BENCH_SERVER=<another build's dist/cli.js>: measure that build instead, to compare two builds in
      // one session with one generator; it is given only the options its own `serve --help` names.
      const other = process.env.TCPCHAT_BENCH_SERVER;
      const fromSource = !other && import.meta.url.endsWith(".ts");
      const cli = other || join(ROOT, fromSource ? "src/cli.ts" : "dist/cli.js");
      if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
      const knows = other ? serveOptions(cli) : () => true;
      // TCPCHAT_BENCH_PROFILE=<dir>: a CPU profile of the server, written when it stops.
      const profile = process.env.TCPCHAT_BENCH_PROFILE;
      const args = profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : [];
      // TCPCHAT_BENCH_NODE_ARGS="--flag …": Node or V8 options for the server only (the generator keeps its own),
      // to measure a setting such as the young generation's size.
      args.push(...(process.env.TCPCHAT_BENCH_NODE_ARGS ?? "").split(/\s+/).filter(Boolean));
      if (fromSource) args.push("--import", "tsx");
      args.push(cli, "serve", "--service", tcpchat.service, "--model", tcpchat.model, "--port", String(port));
      args.push("--log-level", "warn", "--backlog", "8192", "--max-threads", "1024");
      if (tcpchat.workers) args.push("--workers", String(tcpchat.workers));
      if (tcpchat.bus) args.push("--bus", tcpchat.bus.url, "--bus-prefix", tcpchat.bus.prefix);
      // TCPCHAT_BENCH_STORE=sqlite|postgres://…: where the rooms keep their history (default memory: none),
      // SQLite in a folder of its own, removed when the server stops.
      const store = process.env.TCPCHAT_BENCH_STORE || "memory";
      const dataDir = store === "sqlite" ? mkdtempSync(join(tmpdir(), "tcpchat-bench-store-")) : null;
      if (tcpchat.service === "rooms") {
        args.push("--no-flood-limit", "--max-clients-per-ip", "1000000", "--server-name", "tcpchat.bench");
        // Thousands of clients connect at once from loopback: none of them is refused or timed out.
        if (knows("--max-clients")) args.push("--max-clients", "0", "--registration-timeout", "0");
        if (knows("--store")) args.push("--store", store);
        if (dataDir && knows("--data-dir")) args.push("--data-dir", dataDir);
      }
      // The web listener's port 8080 would be shared by every server started here: none unless measured.
      const clientPort = name === "tcpchat" ? port : await freePort();
      if (name === "tcpchat-ws") args.push("--web-port", String(clientPort));
      else if (tcpchat.service === "rooms" && knows("--web-port")) args.push("--no-web");
      let dir: string | null = null;
      if (name === "tcpchat-tls") {
        dir = mkdtempSync(join(tmpdir(), "tcpchat-bench-tls-"));
        const { selfSigned } = await import("../cli/cert.js");
        const pair = await selfSigned("localhost");
        writeFileSync(join(dir, "cert.pem"), pair.cert);
        writeFileSync(join(dir, "key.pem"), pair.key, { mode: 0o600 });
        args.push("--tls-cert", join(dir, "cert.pem"), "--tls-key", join(dir, "key.pem"));
        args.push("--tls-port", String(clientPort));
      }
      const cleanup = () => {
        if (dir) rmSync(dir, { recursive: true, force: true });
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      };
      const [sh, shArgs] = withFileLimit(process.execPath, args);
      const child = capture(
        spawn(sh, shArgs, { env: { ...process.env, REDIS_URL: "" }, stdio: ["ignore", "pipe", "pipe"] }),
      );
      const pid = await listening(name, child, port, output).catch((err: Error) => {
        cleanup();
        throw err;
      });
      // The plain listener is bound first, the others just after it.
      if (clientPort !== port) await listening(name, child, clientPort, output);
      const transport: LoadTransport = name === "tcpchat-tls" ? "tls" : name === "tcpchat-ws" ? "ws" : "tcp";
      return { name, port, pid, client: { port: clientPort, transport }, stop: stopper(child, cleanup) };
    }
    case "nats": {
      // An instance of its own (no JetStream, no monitoring), not the machine's service.
      const binary = NATS_SERVER.find((path) => existsSync(path));
      if (!binary) throw new Error("nats-server is not installed");
      const [sh, shArgs] = withFileLimit(binary, ["-a", "127.0.0.1", "-p", String(port)]);
      const child = capture(spawn(sh, shArgs, { stdio: ["ignore", "pipe", "pipe"] }));
      const pid = await listening(name, child, port, output);
      return { name, port, pid, stop: stopper(child) };
    }
    case "floor":
    case "node-echo":
    case "node-bare": {
      const script = name === "floor" ? "fanout-floor" : name;
      const [sh, shArgs] = withFileLimit(process.execPath, [join(PEERS, `${script}.mjs`), String(port)]);
      const child = capture(spawn(sh, shArgs, { stdio: ["ignore", "pipe", "pipe"] }));
      const pid = await listening(name, child, port, output);
      return { name, port, pid, stop: stopper(child) };
    }
    case "ngircd":
    case "inspircd": {
      const binary = name === "ngircd" ? "/usr/sbin/ngircd" : "/usr/sbin/inspircd";
      if (!existsSync(binary)) throw new Error(`${name} is not installed: apt-get install -y ${name}`);
      const dir = mkdtempSync(join(tmpdir(), `tcpchat-bench-${name}-`));
      const template = readFileSync(join(PEERS, `${name}.conf`), "utf8");
      const conf = join(dir, `${name}.conf`);
      writeFileSync(conf, template.replaceAll("@PORT@", String(port)).replaceAll("@DIR@", dir));
      writeFileSync(join(dir, "motd"), "bench\n");
      const args =
        name === "ngircd"
          ? ["-n", "-f", conf]
          : ["--nofork", "--nopid", "--config", conf, ...(process.getuid?.() === 0 ? ["--runasroot"] : [])];
      const [sh, shArgs] = withFileLimit(binary, args);
      const child = capture(spawn(sh, shArgs, { stdio: ["ignore", "pipe", "pipe"] }));
      const pid = await listening(name, child, port, output);
      return { name, port, pid, stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })) };
    }
  }
}

/** Which IRC peers this machine can run. */
export function availablePeers(): PeerName[] {
  const peers: PeerName[] = ["tcpchat"];
  for (const name of ["ngircd", "inspircd"] as const)
    if (spawnSync(`/usr/sbin/${name}`, ["--version"]).status !== null) peers.push(name);
  return peers;
}

/** Whether nats-server is installed (a calibration yardstick for fan-out). */
export function hasNats(): boolean {
  return NATS_SERVER.some((path) => existsSync(path));
}

/** nats-server's version line, or "". */
export function natsVersion(): string {
  const binary = NATS_SERVER.find((path) => existsSync(path));
  return binary ? (spawnSync(binary, ["--version"], { encoding: "utf8" }).stdout ?? "").trim() : "";
}
