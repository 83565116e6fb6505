// `tcpchat bench <scenario>`: load tcpchat and its peers (ngircd, InspIRCd, raw Node) in the same session,
// take medians of several runs, and write a report (markdown, CSV, SVG) to bench/results/<time>/.
import { execSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { Command, Option } from "commander";
import { median } from "../bench/histogram.js";
import { availablePeers, type PeerName, ROOT } from "../bench/peers.js";
import { csv, latencyChart, markdownTable, type Row, type Series } from "../bench/report.js";
import {
  connections,
  type FanoutOptions,
  type FanoutRow,
  fanout,
  type ReqRepRow,
  reqrep,
} from "../bench/scenarios.js";
import { parseCount } from "./parse.js";

const SCENARIOS = ["fanout", "seed-rooms", "connections", "reqrep", "all"] as const;
type Scenario = (typeof SCENARIOS)[number];

interface BenchFlags {
  peers?: string;
  clients?: number;
  rooms?: number;
  senders?: number;
  rate?: string;
  duration: number;
  runs: number;
  generators: number;
  concurrency: number;
  quick?: boolean;
  out?: string;
}

/** Medians of the numeric fields of several runs' rows; the text fields of the first. */
function medianRow<T extends Row>(rows: T[]): T {
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

function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  let kernel = "";
  try {
    kernel = execSync("uname -r").toString().trim();
  } catch {}
  return `${cpus().length} × ${cpu}, Linux ${kernel}, Node ${process.version}`;
}

export function benchCommand(): Command {
  return new Command("bench")
    .description("benchmark tcpchat beside ngircd, InspIRCd and raw Node; writes bench/results/<time>/")
    .addOption(new Option("--scenario <name>", "what to measure").choices(SCENARIOS).default("all"))
    .option(
      "--peers <list>",
      "servers to compare, comma-separated (default: tcpchat and every peer installed)",
    )
    .option(
      "--clients <n>",
      "fanout: clients (default 1000); connections: idle clients (default 5000)",
      parseCount,
    )
    .option("--rooms <n>", "fanout: rooms the clients are spread over (default 10)", parseCount)
    .option("--senders <n>", "fanout: clients that send (default 2 per room)", parseCount)
    .option(
      "--rate <list>",
      "fanout: offered deliveries per second, comma-separated to sweep (default 100000,250000,500000)",
    )
    .option("--duration <seconds>", "seconds each run sends for", parseCount, 5)
    .option("--runs <n>", "runs of each measurement; the report gives medians", parseCount, 3)
    .option("--generators <n>", "load-generator processes", parseCount, 2)
    .option("--concurrency <n>", "reqrep: clients at once", parseCount, 50)
    .option("--quick", "a small run of every scenario (npm run bench)")
    .option("--out <dir>", "where the report goes (default: bench/results/<time>)")
    .action(async (flags: BenchFlags & { scenario: Scenario }) => {
      await runBench(flags.scenario, flags);
    });
}

async function runBench(scenario: Scenario, flags: BenchFlags): Promise<void> {
  const quick = flags.quick === true;
  const peers = (flags.peers?.split(",") as PeerName[] | undefined) ?? availablePeers();
  const runs = quick ? 1 : flags.runs;
  const duration = (quick ? 2 : flags.duration) * 1000;
  const sections: string[] = [
    `# tcpchat benchmark\n\nMachine: ${machine()}. Generator: ${flags.generators} processes. Medians of ${runs} run(s).\n`,
  ];
  const csvRows: Row[] = [];
  const log = (text: string) => process.stderr.write(`${text}\n`);
  const charts: Array<{ file: string; svg: string }> = [];

  const fanoutScenarios = (protocol: "irc" | "seed"): Array<Omit<FanoutOptions, "rate">> => {
    const base = { durationMs: duration, generators: flags.generators, protocol };
    if (flags.clients || flags.rooms || quick)
      return [
        {
          ...base,
          clients: flags.clients ?? (quick ? 200 : 1000),
          rooms: flags.rooms ?? (quick ? 2 : 10),
          senders: flags.senders ?? 2 * (flags.rooms ?? (quick ? 2 : 10)),
        },
      ];
    return [
      { ...base, clients: 1000, rooms: 10, senders: 20 },
      { ...base, clients: 500, rooms: 1, senders: 10 },
    ];
  };
  const rates = (flags.rate ?? (quick ? "50000" : "100000,250000,500000")).split(",").map(Number);

  for (const protocol of ["irc", "seed"] as const) {
    const name = protocol === "irc" ? "fanout" : "seed-rooms";
    if (scenario !== name && scenario !== "all") continue;
    const who = protocol === "irc" ? peers : peers.filter((peer) => peer === "tcpchat");
    for (const options of fanoutScenarios(protocol)) {
      const rows: FanoutRow[] = [];
      const series: Series[] = [];
      for (const peer of who) {
        const points: Series["points"] = [];
        for (const rate of rates) {
          log(`${name}: ${peer}, ${options.clients} clients in ${options.rooms} rooms, ${rate}/s offered`);
          try {
            const row = await repeat(runs, () => fanout(peer, { ...options, rate }));
            rows.push(row);
            points.push([row.offered, row.p99]);
            csvRows.push({ ...row });
          } catch (err) {
            log(`  failed: ${(err as Error).message}`);
          }
        }
        series.push({ name: peer, points });
      }
      const title = `${name}: ${options.clients} clients, ${options.rooms} room(s)`;
      sections.push(`## ${title}\n\n${markdownTable(withRatios(rows))}`);
      const file = `${name}-${options.clients}c-${options.rooms}r.svg`;
      charts.push({ file, svg: latencyChart(title, series) });
      sections.push(`![${title}](${file})\n`);
    }
  }

  if (scenario === "connections" || scenario === "all") {
    const count = flags.clients ?? (quick ? 1000 : 5000);
    const rows: Row[] = [];
    for (const peer of [...peers, "node-bare" as const]) {
      log(`connections: ${peer}, ${count} idle clients`);
      try {
        rows.push((await repeat(runs, () => connections(peer, count, flags.generators))) as unknown as Row);
      } catch (err) {
        log(`  failed: ${(err as Error).message}`);
      }
    }
    const bare = rows.find((row) => row.peer === "node socket (bare)");
    for (const row of rows)
      row["× bare socket"] = bare
        ? Number(((row.rssPerConnKb as number) / (bare.rssPerConnKb as number)).toFixed(2))
        : "";
    sections.push(`## connections: ${count} idle registered clients\n\n${markdownTable(rows)}`);
    csvRows.push(...rows.map((row) => ({ scenario: "connections", ...row })));
  }

  if (scenario === "reqrep" || scenario === "all") {
    const rows: ReqRepRow[] = [];
    const c = quick ? 10 : flags.concurrency;
    const servers = [
      { peer: "node-echo" as const },
      ...(["evented", "threaded", "single", "cluster"] as const).map((model) => ({
        peer: "tcpchat" as const,
        options: { service: "echo" as const, model, ...(model === "cluster" ? { workers: 2 } : {}) },
      })),
      { peer: "tcpchat" as const, options: { service: "calc" as const, model: "evented" as const } },
    ];
    for (const server of servers) {
      const concurrency = server.peer === "tcpchat" && server.options.model === "single" ? 1 : c;
      log(
        `reqrep: ${server.peer === "tcpchat" ? `${server.options.service} under ${server.options.model}` : "raw node echo"}, ${concurrency} clients`,
      );
      try {
        rows.push(await repeat(runs, () => reqrep(server, concurrency, duration, flags.generators)));
      } catch (err) {
        log(`  failed: ${(err as Error).message}`);
      }
    }
    const floor = rows.find((row) => row.server === "raw node echo");
    const withFloor = rows.map((row) => ({
      ...row,
      "× raw node": floor ? Number((row.repliesPerSecond / floor.repliesPerSecond).toFixed(2)) : "",
    }));
    sections.push(`## reqrep: request/response over line services\n\n${markdownTable(withFloor)}`);
    csvRows.push(...withFloor.map((row) => ({ scenario: "reqrep", ...row })));
  }

  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const out = flags.out ?? join(ROOT, "bench", "results", stamp);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "REPORT.md"), sections.join("\n"));
  writeFileSync(join(out, "results.csv"), csv(csvRows));
  for (const chart of charts) writeFileSync(join(out, chart.file), chart.svg);
  process.stdout.write(`${sections.join("\n")}\nwritten to ${out}\n`);
}

/** Each row's delivered rate against the best peer other than tcpchat at the same offered rate. */
function withRatios(rows: FanoutRow[]): Row[] {
  return rows.map((row) => {
    const peers = rows.filter(
      (other) => other.peer !== "tcpchat" && Math.abs(other.offered - row.offered) / row.offered < 0.2,
    );
    const best = Math.max(0, ...peers.map((other) => other.delivered));
    return {
      ...row,
      "× best peer": best > 0 && row.peer === "tcpchat" ? Number((row.delivered / best).toFixed(2)) : "",
    };
  });
}
