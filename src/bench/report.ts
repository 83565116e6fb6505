// Benchmark results as people and programs read them: markdown tables with ratios against the peers, CSV,
// and an SVG chart of latency against offered rate (written by hand: no dependency).

export type Row = Record<string, string | number>;

function cell(value: string | number): string {
  if (typeof value === "string") return value;
  if (Number.isInteger(value) || Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  return value.toFixed(value < 10 ? 2 : 1);
}

export function markdownTable(rows: readonly Row[]): string {
  const first = rows[0];
  if (!first) return "(no results)\n";
  const columns = Object.keys(first);
  const lines = [`| ${columns.join(" | ")} |`, `|${columns.map(() => "---").join("|")}|`];
  for (const row of rows) lines.push(`| ${columns.map((column) => cell(row[column] ?? "")).join(" | ")} |`);
  return `${lines.join("\n")}\n`;
}

/** CSV with a column for every key any row has (rows of different scenarios differ), in first-seen order. */
export function csv(rows: readonly Row[]): string {
  if (rows.length === 0) return "";
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const quote = (value: string | number) => {
    const text = String(value);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `${[columns.join(","), ...rows.map((row) => columns.map((c) => quote(row[c] ?? "")).join(","))].join("\n")}\n`;
}

export interface Metric {
  metric: string;
  /** Whether more is better (throughput) or less (latency, memory, time). */
  better: "higher" | "lower";
  /** Value per server; a missing one is left blank. */
  values: Record<string, number | undefined>;
}

/**
 * tcpchat beside each peer, one metric a row, with the ratio tcpchat ÷ peer. A ratio above 1 is better for
 * tcpchat when more is better, below 1 when less is.
 */
export function comparisonTable(metrics: readonly Metric[], peers: readonly string[]): Row[] {
  const others = peers.filter((peer) => peer !== "tcpchat");
  return metrics.map((m) => {
    const row: Row = { metric: m.metric, better: m.better };
    for (const peer of peers) row[peer] = round(m.values[peer]);
    const ours = m.values.tcpchat;
    for (const peer of others) {
      const theirs = m.values[peer];
      row[`tcpchat ÷ ${peer}`] =
        ours !== undefined && theirs !== undefined && theirs > 0
          ? Number((ours / theirs).toPrecision(3))
          : "";
    }
    return row;
  });
}

function round(value: number | undefined): number | string {
  if (value === undefined || !Number.isFinite(value)) return "";
  return Math.abs(value) >= 100 ? Math.round(value) : Number(value.toFixed(2));
}

export interface Series {
  name: string;
  /** [offered rate, latency in ms] */
  points: Array<[number, number]>;
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];

/** A line chart: x = offered deliveries/s, y = p99 latency (ms, log scale). */
export function latencyChart(title: string, series: readonly Series[]): string {
  const width = 720;
  const height = 420;
  const left = 70;
  const right = 160;
  const top = 40;
  const bottom = 50;
  const all = series.flatMap((s) => s.points);
  const maxX = niceCeiling(Math.max(1, ...all.map(([x]) => x)));
  const minY = Math.max(0.05, Math.min(...all.map(([, y]) => y), 1));
  const maxY = Math.max(minY * 10, ...all.map(([, y]) => y));
  const x = (v: number) => left + (v / maxX) * (width - left - right);
  const y = (v: number) =>
    top +
    (1 - (Math.log10(Math.max(v, minY)) - Math.log10(minY)) / (Math.log10(maxY) - Math.log10(minY))) *
      (height - top - bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="black"/>`,
    `<text x="${(left + width - right) / 2}" y="${height - 12}" text-anchor="middle">offered deliveries per second</text>`,
    `<text x="16" y="${(top + height - bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(top + height - bottom) / 2})">p99 latency (ms, log)</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (maxX * i) / 4;
    parts.push(`<text x="${x(v)}" y="${height - bottom + 16}" text-anchor="middle">${formatRate(v)}</text>`);
  }
  for (let exp = Math.floor(Math.log10(minY)); exp <= Math.ceil(Math.log10(maxY)); exp++) {
    const v = 10 ** exp;
    if (v < minY || v > maxY) continue;
    parts.push(`<line x1="${left - 4}" y1="${y(v)}" x2="${width - right}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 8}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  }
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const points = [...s.points].sort((a, b) => a[0] - b[0]);
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(" ")}"/>`,
    );
    for (const [px, py] of points)
      parts.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3" fill="${color}"/>`);
    parts.push(
      `<rect x="${width - right + 16}" y="${top + i * 20}" width="12" height="12" fill="${color}"/>`,
    );
    parts.push(`<text x="${width - right + 34}" y="${top + i * 20 + 11}">${escapeXml(s.name)}</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above `v`: an axis that ends on a round number. */
function niceCeiling(v: number): number {
  const power = 10 ** Math.floor(Math.log10(v));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= v * 0.999) ?? 10;
  return step * power;
}

function formatRate(v: number): string {
  if (v >= 1e6) return `${Number((v / 1e6).toFixed(2))}M`;
  return v >= 1e3 ? `${Math.round(v / 1e3)}k` : String(Math.round(v));
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
