// `tcpchat bench [scenario]`: load tcpchat and its peers (ngircd, InspIRCd, raw Node) in the same session,
// take medians of several runs, and write a report (markdown, CSV, SVG) to bench/results/<time>/.
import { execSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { Argument, Command, InvalidArgumentError } from "commander";
import { median } from "../bench/histogram.js";
import { fanoutOnNodes, type NodesRow } from "../bench/nodes.js";
import {
  availablePeers,
  hasClusterModel,
  hasNats,
  natsVersion,
  type PeerName,
  ROOT,
  TRANSPORT_PEERS,
} from "../bench/peers.js";
import { setBenchPriority } from "../bench/proc.js";
import { readProfile, topSelfTime } from "../bench/profile.js";
import {
  comparisonTable,
  csv,
  latencyChart,
  type Metric,
  markdownTable,
  type Row,
  type Series,
} from "../bench/report.js";
import {
  type BreakLimits,
  broken,
  CLOSED_WINDOW,
  type ConnectionsRow,
  connections,
  DEFAULT_LIMITS,
  type FanoutOptions,
  type FanoutRow,
  fanout,
  type Load,
  type ReqRepRow,
  reqrep,
  SWEEP_RATES,
} from "../bench/scenarios.js";
import { parseCount, parseSeconds } from "./parse.js";

/** A nice value, -20 to 19. */
function parseNice(text: string): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || n < -20 || n > 19)
    throw new InvalidArgumentError("expected a nice value, -20 to 19");
  return n;
}

function parseTransports(text: string): Array<"tls" | "ws"> {
  const items = text.split(",").map((item) => item.trim());
  for (const item of items)
    if (item !== "tls" && item !== "ws") throw new InvalidArgumentError("expected tls, ws or tls,ws");
  return [...new Set(items)] as Array<"tls" | "ws">;
}

const SCENARIOS = ["fanout", "seed-rooms", "connections", "reqrep", "nodes", "profile", "all"] as const;
type Scenario = (typeof SCENARIOS)[number];

interface BenchFlags {
  peers?: string;
  transport?: Array<"tls" | "ws">;
  yardsticks: boolean;
  clients?: number;
  rooms?: number;
  senders?: number;
  rate?: string;
  sweep?: boolean;
  maxP99: number;
  duration: number;
  runs: number;
  generators: number;
  quietWait: number;
  window: number;
  priority: number;
  concurrency: number;
  connections?: string;
  profile?: boolean;
  quick?: boolean;
  out?: string;
}

/** A generator process above this share of a core is the bottleneck, not the server. */
const GENERATOR_SATURATED = 90;
/** The machine's cores this busy (all of them, in %): the server and the generator compete. */
const MACHINE_SATURATED = 95;
const OFFERED_TARGET = 500_000;
/** The low load at which the generator's own latency shows: the floor and nats-server there. */
const LOW_LOAD = 25_000;

/** A fan-out set-up: its clients, rooms and senders, and the offered rate near 500k/s it is judged at. */
interface Shape {
  clients: number;
  rooms: number;
  senders: number;
  /** Deliveries/s: a whole number of messages per sender per second, near OFFERED_TARGET. */
  target: number;
}

/**
 * The standard shapes: 10 senders × 500 msg/s × 99 receivers = 495k/s in 10 rooms of 100; 5 senders ×
 * 200 msg/s × 499 receivers = 499k/s in one room of 500.
 */
const STANDARD_SHAPES: Shape[] = [
  { clients: 1000, rooms: 10, senders: 10, target: 495_000 },
  { clients: 500, rooms: 1, senders: 5, target: 499_000 },
];

/** The offered rate nearest `rate` that is a whole number of messages per sender per second. */
function pacedRate(shape: Shape, rate: number, receivers: number): number {
  const perSender = Math.max(1, Math.round(rate / receivers / shape.senders));
  return perSender * shape.senders * receivers;
}

const started = performance.now();
const log = (text: string) =>
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${text}\n`);

export function benchCommand(): Command {
  return new Command("bench")
    .description(
      "benchmark tcpchat beside ngircd, InspIRCd and raw Node; writes bench/results/<time>/REPORT.md, .csv, .svg",
    )
    .addArgument(
      new Argument("[scenario]", "what to measure (profile: a CPU profile of tcpchat under fan-out)")
        .choices(SCENARIOS)
        .default("all"),
    )
    .option(
      "--peers <list>",
      "servers to compare, comma-separated: tcpchat, ngircd, inspircd, floor, nats (default: tcpchat and every IRC peer installed)",
    )
    .option(
      "--transport <list>",
      "fanout: also measure tcpchat over tls and/or ws (IRC over WebSocket), comma-separated, each beside plain TCP in the same run",
      parseTransports,
    )
    .option(
      "--no-yardsticks",
      "fanout: leave out the fan-out floor (bench/peers/fanout-floor.mjs) and nats-server",
    )
    .option("--clients <n>", "fanout: clients, instead of the two standard set-ups", parseCount)
    .option(
      "--rooms <n>",
      "fanout: rooms the clients are spread over (with --clients; default 10)",
      parseCount,
    )
    .option(
      "--senders <n>",
      "fanout: clients that post, spread over the rooms (default 1 per room)",
      parseCount,
    )
    .option(
      "--rate <list>",
      "fanout: offered deliveries per second, `target` (the shape's ~500k/s) and/or `closed` (the closed loop), comma-separated (default 25000,125000,target,closed)",
    )
    .option(
      "--window <n>",
      "fanout: messages in flight per sender in the closed loop",
      parseCount,
      CLOSED_WINDOW,
    )
    .option("--sweep", "fanout: raise the offered rate until latency or loss breaks; report that point")
    .option("--max-p99 <ms>", "fanout: p99 latency beyond which a run counts as broken", parseCount, 100)
    .option("--duration <seconds>", "seconds each run sends for", parseCount, 5)
    .option("--runs <n>", "runs of each measurement; the report gives medians", parseCount, 3)
    .option("--generators <n>", "load-generator processes", parseCount, 2)
    .option(
      "--quiet-wait <seconds>",
      "longest wait for a quiet machine (< 25 % busy) before each measurement",
      parseSeconds,
      90,
    )
    .option(
      "--priority <nice>",
      "nice value of the servers and the generator (below 0: ahead of other work on a shared machine; 0: as started)",
      parseNice,
      -5,
    )
    .option("--concurrency <n>", "reqrep: clients at once (single: 1)", parseCount, 50)
    .option("--connections <list>", "connections: idle clients, comma-separated (default 1000,5000)")
    .option("--profile", "all/fanout: also record a CPU profile of tcpchat under fan-out load")
    .option("--quick", "a small run of every scenario, one run each (npm run bench)")
    .option("--out <dir>", "where the report goes (default: bench/results/<time>)")
    .action(async (scenario: Scenario, flags: BenchFlags) => {
      await runBench(scenario, flags);
    });
}

/** Medians of the numeric fields of several runs' rows; the text fields of the first. */
function medianRow<T extends Row>(rows: readonly T[]): T {
  const first = rows[0] as T;
  const out: Row = {};
  for (const key of Object.keys(first)) {
    const value = first[key];
    out[key] = typeof value === "number" ? median(rows.map((row) => row[key] as number)) : (value as string);
  }
  return out as T;
}

async function repeat<T extends Row>(runs: number, run: () => Promise<T>): Promise<T> {
  const rows: T[] = [];
  for (let i = 0; i < runs; i++) rows.push(await run());
  return medianRow(rows);
}

function firstLine(command: string): string {
  try {
    return (
      execSync(command, { stdio: ["ignore", "pipe", "pipe"] })
        .toString()
        .trim()
        .split("\n")[0] ?? ""
    );
  } catch {
    return "";
  }
}

/** Which build of tcpchat the report measures: this one, or the one TCPCHAT_BENCH_SERVER names. */
function tcpchatBuild(): string {
  const other = process.env.TCPCHAT_BENCH_SERVER;
  const root = other ? dirname(dirname(other)) : ROOT;
  const described = `\`${firstLine(`git -C ${root} describe --always --dirty`)}\``;
  if (other) return `- tcpchat: ${described} (\`${other}\`, TCPCHAT_BENCH_SERVER), this build's generator`;
  return `- tcpchat: ${described} (\`dist/\`, the release build)`;
}

function machine(peers: readonly string[]): string {
  const versions = [`Node ${process.version}`];
  if (peers.includes("ngircd")) versions.push(firstLine("/usr/sbin/ngircd --version"));
  if (peers.includes("inspircd")) versions.push(firstLine("/usr/sbin/inspircd --version"));
  if (hasNats()) versions.push(natsVersion());
  const limit = firstLine("sh -c 'ulimit -n 65536 2>/dev/null || ulimit -n \"$(ulimit -Hn)\"; ulimit -n'");
  return [
    `- Machine: ${cpus().length} CPUs (\`nproc\` ${firstLine("nproc")}), ${cpus()[0]?.model ?? "unknown CPU"}, Linux ${firstLine("uname -r")}`,
    `- Software: ${versions.filter(Boolean).join("; ")}`,
    tcpchatBuild(),
    `- Open-file limit of the servers: ${limit}; load average at the start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  ].join("\n");
}

interface Report {
  sections: string[];
  csvRows: Row[];
  charts: Array<{ file: string; svg: string }>;
  notes: string[];
}

async function runBench(scenario: Scenario, flags: BenchFlags): Promise<void> {
  const quick = flags.quick === true;
  const peers = (flags.peers?.split(",") as PeerName[] | undefined) ?? availablePeers();
  const runs = quick ? 1 : flags.runs;
  const durationMs = (quick ? 2 : flags.duration) * 1000;
  const generators = flags.generators;
  const prioritised = setBenchPriority(flags.priority);
  const report: Report = {
    sections: [
      `# tcpchat benchmark\n\n${machine(peers)}\n- Command: \`tcpchat bench ${process.argv.slice(3).join(" ")}\` — ${new Date().toISOString()}\n- Generator: ${generators} processes; medians of ${runs} run(s); ${durationMs / 1000} s per run.\n- Priority of the servers and the generator: nice ${flags.priority}${prioritised ? "" : " (refused by the system: they ran as started)"}; the machine is shared, and the rows give how busy other work kept it.\n`,
    ],
    csvRows: [],
    charts: [],
    notes: [],
  };
  const wants = (name: Scenario) => scenario === name || scenario === "all";

  if (wants("fanout") || wants("seed-rooms")) {
    const limits: BreakLimits = { ...DEFAULT_LIMITS, maxP99Ms: flags.maxP99 };
    const shapes: Shape[] =
      flags.clients || quick
        ? [
            {
              clients: flags.clients ?? 200,
              rooms: flags.rooms ?? (flags.clients ? 10 : 2),
              senders: flags.senders ?? flags.rooms ?? (flags.clients ? 10 : 2),
              target: OFFERED_TARGET,
            },
          ]
        : STANDARD_SHAPES.map((shape) => ({ ...shape, senders: flags.senders ?? shape.senders }));
    // The yardsticks (the floor and nats-server) join the IRC fan-out unless the peers are named.
    const yardsticks: PeerName[] =
      flags.peers || !flags.yardsticks ? [] : ["floor", ...(hasNats() ? (["nats"] as const) : [])];
    for (const protocol of ["irc", "seed"] as const) {
      const name = protocol === "irc" ? "fanout" : "seed-rooms";
      if (!wants(name)) continue;
      // Only tcpchat speaks the seed protocol.
      // tcpchat over TLS or WebSocket is measured right after tcpchat over TCP.
      const withTransports = peers.flatMap((peer) =>
        peer === "tcpchat" ? [peer, ...(flags.transport ?? []).map((t) => TRANSPORT_PEERS[t])] : [peer],
      );
      const who =
        protocol === "irc" ? [...withTransports, ...yardsticks] : peers.filter((peer) => peer === "tcpchat");
      for (const shape of shapes) {
        const receivers = protocol === "seed" ? shape.clients / shape.rooms : shape.clients / shape.rooms - 1;
        const loads: Load[] = (
          flags.rate?.split(",") ??
          (quick
            ? ["20000", "closed"]
            : flags.sweep
              ? [...SWEEP_RATES.map(String), "closed"]
              : [String(LOW_LOAD), "125000", String(shape.target), "closed"])
        ).map((item) =>
          item.trim() === "closed"
            ? "closed"
            : item.trim() === "target"
              ? shape.target
              : pacedRate(shape, Number(item), receivers),
        );
        const options: FanoutOptions = {
          clients: shape.clients,
          rooms: shape.rooms,
          senders: shape.senders,
          durationMs,
          generators,
          protocol,
          window: flags.window,
          quietWaitMs: flags.quietWait * 1000,
        };
        await fanoutSection(report, name, who, options, loads, {
          runs,
          sweep: flags.sweep === true,
          limits,
        });
      }
    }
  }

  if (wants("connections")) {
    const counts = (flags.connections ?? (quick ? "500" : "1000,5000")).split(",").map(Number);
    for (const count of counts)
      await connectionsSection(
        report,
        [...peers, "node-bare"],
        count,
        runs,
        generators,
        flags.quietWait * 1000,
      );
  }

  if (wants("reqrep"))
    await reqrepSection(report, quick ? 10 : flags.concurrency, durationMs, runs, generators);

  // Several nodes need Redis: only when asked for by name.
  if (scenario === "nodes") await nodesSection(report, flags, durationMs, runs, generators);

  if (scenario === "profile" || (flags.profile && (wants("fanout") || scenario === "all")))
    await profileSection(
      report,
      durationMs,
      generators,
      flags.rate ? Number(flags.rate.split(",")[0]) : (STANDARD_SHAPES[0] as Shape).target,
      flags.quietWait * 1000,
    );

  report.notes.push(
    `Load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (other work on the machine shows here).`,
  );
  if (report.notes.length > 0)
    report.sections.push(`## Notes\n\n${report.notes.map((note) => `- ${note}`).join("\n")}\n`);

  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const out = flags.out ?? join(ROOT, "bench", "results", stamp);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "REPORT.md"), report.sections.join("\n"));
  writeFileSync(join(out, "results.csv"), csv(report.csvRows));
  for (const chart of report.charts) writeFileSync(join(out, chart.file), chart.svg);
  process.stdout.write(`${report.sections.join("\n")}\nwritten to ${out}\n`);
}

function generatorNote(report: Report, what: string, cpu: number): void {
  if (cpu >= GENERATOR_SATURATED)
    report.notes.push(
      `${what}: a generator process used ${cpu.toFixed(0)}% of a core — the generator saturated, so the server's figure there is a lower bound.`,
    );
}

async function fanoutSection(
  report: Report,
  name: string,
  who: readonly PeerName[],
  options: FanoutOptions,
  loads: readonly Load[],
  how: { runs: number; sweep: boolean; limits: BreakLimits },
): Promise<void> {
  const title = `${name}: ${options.clients} clients in ${options.rooms} room(s), ${options.senders} senders`;
  const metric = (text: string, better: Metric["better"]): Metric => ({ metric: text, better, values: {} });
  const target = `~${OFFERED_TARGET / 1000}k/s offered`;
  const lowest = loads.find((load): load is number => load !== "closed");
  const low = lowest !== undefined ? `${Math.round(lowest / 1000)}k/s offered` : "";
  const metrics = {
    closed: metric("closed loop: deliveries/s", "higher"),
    closedP99: metric("closed loop: p99 (ms)", "lower"),
    saturation: metric("saturation point: highest offered rate not broken (deliveries/s)", "higher"),
    atSaturation: metric("delivered at the saturation point (deliveries/s)", "higher"),
    p99: metric(`p99 at ${target} (ms)`, "lower"),
    p50: metric(`p50 at ${target} (ms)`, "lower"),
    cpuPerDelivery: metric(`server CPU per delivery at ${target} (µs)`, "lower"),
    cpu: metric(`server CPU at ${target} (% of a core)`, "lower"),
    lowP99: metric(`p99 at ${low} (ms)`, "lower"),
    lowP50: metric(`p50 at ${low} (ms)`, "lower"),
    rss: metric("server RSS idle, clients registered (MB)", "lower"),
    rssLoad: metric("server RSS after the last run (MB)", "lower"),
  };
  // Runs interleave the servers (run 1 of each, then run 2 of each, …), so that a slow spell on the
  // machine falls on all of them. In a sweep, each server's run 1 climbs; its later runs repeat the loads
  // it reached.
  const perRun = new Map<PeerName, FanoutRow[][]>(who.map((peer) => [peer, []]));
  const plans = new Map<PeerName, Load[]>(who.map((peer) => [peer, [...loads]]));
  for (let run = 0; run < how.runs; run++) {
    for (const peer of who) {
      log(`${title}: ${peer}, run ${run + 1} of ${how.runs}${how.sweep ? " (sweep)" : ""}`);
      const plan = plans.get(peer) as Load[];
      try {
        const got = await fanout(peer, options, plan, how.sweep ? how.limits : undefined, log);
        perRun.get(peer)?.push(got);
        // A climb that broke stopped there (the closed loop still ran): the later runs repeat what it reached.
        if (run === 0 && how.sweep) {
          const open = plan.filter((load) => load !== "closed");
          const reached = open.slice(0, got.filter((row) => row.loop === "open").length);
          plans.set(peer, plan.includes("closed") ? [...reached, "closed"] : reached);
        }
      } catch (err) {
        log(`  failed: ${(err as Error).message}`);
        report.notes.push(`${title}, ${peer}, run ${run + 1}: ${(err as Error).message}`);
      }
    }
  }
  const rows: FanoutRow[] = [];
  const series: Series[] = [];
  for (const peer of who) {
    const runs = perRun.get(peer) ?? [];
    const plan = plans.get(peer) ?? [];
    const medians: FanoutRow[] = [];
    for (let i = 0; i < plan.length; i++) {
      const atLoad = runs.map((got) => got[i]).filter((row): row is FanoutRow => row !== undefined);
      if (atLoad.length > 0) medians.push(medianRow(atLoad));
    }
    rows.push(...medians);
    report.csvRows.push(...medians.map((row) => ({ ...row, broken: broken(row, how.limits) ? "yes" : "" })));
    const open = medians.filter((row) => row.loop === "open");
    const closed = medians.find((row) => row.loop === "closed");
    series.push({ name: peer, points: open.map((row) => [row.offered, row.p99]) });
    const unbroken = open.filter((row) => !broken(row, how.limits));
    const top = unbroken.at(-1);
    if (how.sweep) {
      metrics.saturation.values[peer] = top?.offered ?? 0;
      metrics.atSaturation.values[peer] = top?.delivered ?? 0;
    }
    if (closed) {
      metrics.closed.values[peer] = closed.delivered;
      metrics.closedP99.values[peer] = closed.p99;
    }
    const near = open.find((row) => Math.abs(row.offered - OFFERED_TARGET) / OFFERED_TARGET < 0.1);
    if (near) {
      metrics.p99.values[peer] = near.p99;
      metrics.p50.values[peer] = near.p50;
      metrics.cpuPerDelivery.values[peer] = near.serverUsPerDelivery;
      metrics.cpu.values[peer] = near.serverCpu;
    }
    const first = open[0];
    if (first && first !== near) {
      metrics.lowP99.values[peer] = first.p99;
      metrics.lowP50.values[peer] = first.p50;
    }
    if (medians[0]) metrics.rss.values[peer] = medians[0].rssIdleMb;
    const last = medians.at(-1);
    if (last) metrics.rssLoad.values[peer] = last.rssLoadMb;
    const busyGenerator = medians.find((row) => row.generatorCpu >= GENERATOR_SATURATED);
    if (busyGenerator)
      generatorNote(
        report,
        `${title}, ${peer}, ${busyGenerator.loop === "closed" ? "closed loop" : `from ${Math.round(busyGenerator.offered / 1000)}k/s offered`}`,
        busyGenerator.generatorCpu,
      );
    const disturbed = medians.filter((row) => row.busyBefore >= 25);
    if (disturbed.length > 0)
      report.notes.push(
        `${title}, ${peer}: ${disturbed.length} load(s) started while other work kept the machine ${Math.max(...disturbed.map((row) => row.busyBefore)).toFixed(0)}% busy (the harness waited up to ${(options.quietWaitMs ?? 90_000) / 1000} s for quiet).`,
      );
    const busyMachine = medians.find((row) => row.machineCpu >= MACHINE_SATURATED);
    if (busyMachine)
      report.notes.push(
        `${title}, ${peer}: ${busyMachine.loop === "closed" ? "in the closed loop" : `from ${Math.round(busyMachine.offered / 1000)}k/s offered`} the machine's cores were ${busyMachine.machineCpu.toFixed(0)}% busy (server ${busyMachine.serverCpu.toFixed(0)}% of a core, busiest generator process ${busyMachine.generatorCpu.toFixed(0)}%, other work ${busyMachine.othersCpu.toFixed(0)}%): server and generator compete for the same cores there.`,
      );
    const firstBroken = open.find((row) => broken(row, how.limits));
    if (how.sweep && firstBroken)
      report.notes.push(
        `${title}, ${peer}: broke at ${Math.round(firstBroken.offered / 1000)}k/s offered (p99 ${firstBroken.p99.toFixed(1)} ms, lost ${firstBroken.lostPct.toFixed(2)}%, delivered ${Math.round(firstBroken.delivered / 1000)}k/s, server ${firstBroken.serverCpu.toFixed(0)}% of a core, generator ${firstBroken.generatorCpu.toFixed(0)}%, machine ${firstBroken.machineCpu.toFixed(0)}%).`,
      );
  }
  const summary = Object.values(metrics).filter((m) => Object.keys(m.values).length > 0);
  report.sections.push(`## ${title}\n\n${markdownTable(comparisonTable(summary, who))}`);
  report.sections.push(
    `<details><summary>every load (medians)</summary>\n\n${markdownTable(
      rows.map(({ scenario: _s, ...row }) => ({
        ...row,
        broken: row.loop === "open" && broken(row as FanoutRow, how.limits) ? "yes" : "",
      })),
    )}\n</details>\n`,
  );
  report.sections.push(generatorTable(title, rows));
  const file = `${name}-${options.clients}c-${options.rooms}r.svg`;
  report.charts.push({ file, svg: latencyChart(title, series) });
  report.sections.push(`![${title}: p99 latency against offered rate](${file})\n`);
}

/** What the generator itself cost and how late it sent, per server and load (medians). */
function generatorTable(title: string, rows: readonly FanoutRow[]): string {
  const table = rows.map((row) => ({
    peer: row.peer,
    load: row.loop === "closed" ? "closed loop" : `${Math.round(row.offered / 1000)}k/s`,
    delivered: row.delivered,
    "generator µs/delivery": row.generatorUsPerDelivery,
    "busiest generator process (% of a core)": row.generatorCpu,
    "send lag p99 (ms)": row.loop === "closed" ? "" : row.sendLagP99,
    "server µs/delivery": row.serverUsPerDelivery,
    "machine busy (% of all cores)": row.machineCpu,
    "other work (% of a core)": row.othersCpu,
  }));
  return `<details><summary>${title}: the generator's own cost and delay</summary>\n\n${markdownTable(table)}\n</details>\n`;
}

async function connectionsSection(
  report: Report,
  servers: readonly PeerName[],
  count: number,
  runs: number,
  generators: number,
  quietWaitMs: number,
): Promise<void> {
  // Interleaved: run 1 of every server, then run 2, … Medians per server.
  const perPeer = new Map<PeerName, ConnectionsRow[]>(servers.map((peer) => [peer, []]));
  for (let run = 0; run < runs; run++)
    for (const peer of servers) {
      log(`connections: ${peer}, ${count} idle clients at once, run ${run + 1} of ${runs}`);
      try {
        const row = await connections(peer, count, generators, { quietWaitMs });
        log(
          `  registered in ${row.registerMs.toFixed(0)} ms (p99 ${row.registerP99.toFixed(0)} ms), ${row.failed} failed; RSS per connection ${row.rssAfterBurstKb.toFixed(2)} KB 2 s after, ${row.rssIdleKb.toFixed(2)} KB idle`,
        );
        perPeer.get(peer)?.push(row);
      } catch (err) {
        log(`  failed: ${(err as Error).message}`);
        report.notes.push(`connections ${count}, ${peer}, run ${run + 1}: ${(err as Error).message}`);
      }
    }
  const rows: Row[] = [...perPeer.values()].filter((got) => got.length > 0).map((got) => medianRow(got));
  const bare = rows.find((row) => row.peer === "node socket (bare)");
  const timesBare = (row: Row, key: string) =>
    bare ? Number(((row[key] as number) / (bare[key] as number)).toFixed(2)) : "";
  for (const row of rows) {
    row["idle × bare"] = timesBare(row, "rssIdleKb");
    row["after burst × bare"] = timesBare(row, "rssAfterBurstKb");
  }
  const irc = servers.filter((peer) => peer !== "node-bare");
  const value = (peer: string, key: string) =>
    rows.find((row) => row.peer === peer)?.[key] as number | undefined;
  const metrics: Metric[] = [
    {
      metric: "all registered after (ms)",
      better: "lower",
      values: Object.fromEntries(irc.map((peer) => [peer, value(peer, "registerMs")])),
    },
    {
      metric: "registration time per client, p99 (ms)",
      better: "lower",
      values: Object.fromEntries(irc.map((peer) => [peer, value(peer, "registerP99")])),
    },
    {
      metric: "RSS per connection, 2 s after the burst (KB)",
      better: "lower",
      values: Object.fromEntries(irc.map((peer) => [peer, value(peer, "rssAfterBurstKb")])),
    },
    {
      metric: "RSS per connection, idle 20 s (KB)",
      better: "lower",
      values: Object.fromEntries(irc.map((peer) => [peer, value(peer, "rssIdleKb")])),
    },
    {
      metric: "clients that failed to register",
      better: "lower",
      values: Object.fromEntries(irc.map((peer) => [peer, value(peer, "failed")])),
    },
  ];
  report.sections.push(
    `## connections: ${count.toLocaleString("en-US")} idle registered clients, connecting at once\n\n${markdownTable(comparisonTable(metrics, irc))}\n${markdownTable(rows)}`,
  );
  report.csvRows.push(...rows.map((row) => ({ scenario: `connections ${count}`, ...row })));
}

async function reqrepSection(
  report: Report,
  c: number,
  durationMs: number,
  runs: number,
  generators: number,
): Promise<void> {
  const models = [
    "evented",
    "threaded",
    "single",
    ...(hasClusterModel() ? (["cluster"] as const) : []),
  ] as const;
  const servers = [
    { peer: "node-echo" as const },
    ...(["echo", "calc"] as const).flatMap((service) =>
      models.map((model) => ({
        peer: "tcpchat" as const,
        options: { service, model, ...(model === "cluster" ? { workers: 2 } : {}) },
      })),
    ),
  ];
  const rows: ReqRepRow[] = [];
  for (const server of servers) {
    const concurrency = server.peer === "tcpchat" && server.options.model === "single" ? 1 : c;
    const what =
      server.peer === "tcpchat" ? `${server.options.service} under ${server.options.model}` : "raw node echo";
    log(`reqrep: ${what}, ${concurrency} clients`);
    try {
      const row = await repeat(runs, () => reqrep(server, concurrency, durationMs, generators));
      rows.push(row);
      generatorNote(report, `reqrep ${what}`, row.generatorCpu);
    } catch (err) {
      log(`  failed: ${(err as Error).message}`);
      report.notes.push(`reqrep ${what}: ${(err as Error).message}`);
    }
  }
  const floor = rows.find((row) => row.server === "raw node echo");
  const withFloor = rows.map((row) => ({
    ...row,
    "× raw node echo": floor ? Number((row.repliesPerSecond / floor.repliesPerSecond).toFixed(2)) : "",
  }));
  report.sections.push(
    `## reqrep: request/response over line services (${c} clients; single: 1)\n\n${markdownTable(withFloor)}`,
  );
  report.csvRows.push(...withFloor.map((row) => ({ scenario: "reqrep", ...row })));
}

/** Fan-out with the members spread over 1, 2 and 3 nodes on the Redis bus: the cost of the bus. */
async function nodesSection(
  report: Report,
  flags: BenchFlags,
  durationMs: number,
  runs: number,
  generators: number,
): Promise<void> {
  const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
  const clients = flags.clients ?? 1000;
  const rooms = flags.rooms ?? 10;
  const options: FanoutOptions = {
    clients,
    rooms,
    senders: flags.senders ?? 2 * rooms,
    durationMs,
    generators,
    protocol: "irc",
  };
  const rates = (flags.rate ?? "250000,500000").split(",").map(Number);
  const rows: NodesRow[] = [];
  for (const rate of rates) {
    for (const count of [1, 2, 3]) {
      log(`nodes: ${count} node(s), ${clients} clients in ${rooms} rooms, ${rate}/s offered`);
      const runsOf: NodesRow[] = [];
      for (let i = 0; i < runs; i++) runsOf.push(await fanoutOnNodes(count, options, rate, redisUrl));
      rows.push(medianOf(runsOf));
    }
  }
  report.sections.push(
    `## nodes: fan-out over several tcpchat nodes on one Redis bus (${redisUrl})\n\n${clients} IRC clients in ${rooms} rooms, dealt to the nodes in turn, so every room has members on every node. One node runs alone (no bus). Redis figures are per message sent (INFO stats deltas over the run; heartbeats included).\n\n${markdownTable(rows)}`,
  );
  report.csvRows.push(...rows.map((row) => ({ scenario: "nodes", ...row })));
}

/** Medians of each numeric field. */
function medianOf<T extends Record<string, number>>(rows: T[]): T {
  const first = rows[0] as T;
  const out: Record<string, number> = {};
  for (const key of Object.keys(first)) {
    const values = rows.map((row) => row[key] as number).sort((a, b) => a - b);
    out[key] = values[Math.floor(values.length / 2)] as number;
  }
  return out as T;
}

/** A CPU profile of tcpchat under fan-out (1,000 clients in 10 rooms), summarised by self time. */
async function profileSection(
  report: Report,
  durationMs: number,
  generators: number,
  rate: number,
  quietWaitMs: number,
): Promise<void> {
  const dir = join(ROOT, "bench", "results", "tmp");
  mkdirSync(dir, { recursive: true });
  const before = new Set(readdirSync(dir));
  process.env.TCPCHAT_BENCH_PROFILE = dir;
  log(`profile: tcpchat under fan-out, 1000 clients in 10 rooms, ${rate}/s offered`);
  try {
    await fanout(
      "tcpchat",
      {
        clients: 1000,
        rooms: 10,
        senders: 10,
        durationMs: Math.max(durationMs, 5000),
        generators,
        protocol: "irc",
        quietWaitMs,
      },
      [rate],
      undefined,
      log,
    );
  } finally {
    delete process.env.TCPCHAT_BENCH_PROFILE;
  }
  const fresh = readdirSync(dir)
    .filter((file) => file.endsWith(".cpuprofile") && !before.has(file))
    .map((file) => join(dir, file))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  const file = fresh[0];
  if (!file) {
    report.notes.push("profile: tcpchat wrote no .cpuprofile (did it exit cleanly on SIGTERM?)");
    return;
  }
  const rows = topSelfTime(readProfile(file), 20);
  report.sections.push(
    `## Where tcpchat's time goes under fan-out (CPU profile, ${Math.round(rate / 1000)}k/s offered, 1,000 clients in 10 rooms)\n\nSelf time, % of the busy samples. Profile: \`${file.replace(ROOT, "")}\` (read it with \`node bench/profile-top.mjs <file>\` or Chrome DevTools).\n\n${markdownTable(rows)}`,
  );
  try {
    copyFileSync(file, join(dir, "latest-fanout.cpuprofile"));
  } catch {}
}
