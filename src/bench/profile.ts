// Where a CPU profile's time went: the functions with the most self time in a V8 .cpuprofile (what
// `node --cpu-prof` writes), as rows for the report.
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export type ProfileRow = { function: string; where: string; selfMs: number; selfPct: number };

/** Shortens a script URL to its path inside the project (or node's own `node:…`). */
function place(url: string, line: number): string {
  if (!url) return "";
  const short = url.replace(/^file:\/\//, "").replace(/^.*\/(src|dist|node_modules)\//, "$1/");
  return `${short}:${line + 1}`;
}

/** The `count` functions with the most self time; percentages of the busy (not idle) samples. */
export function topSelfTime(profile: CpuProfile, count = 15): ProfileRow[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, { function: string; where: string; micros: number }>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const micros = profile.timeDeltas[i] ?? 0;
    if (!frame || frame.functionName === "(idle)") return;
    busy += micros;
    const name = frame.functionName || "(anonymous)";
    const where = place(frame.url, frame.lineNumber);
    const key = `${name} ${where}`;
    const entry = self.get(key) ?? { function: name, where, micros: 0 };
    entry.micros += micros;
    self.set(key, entry);
  });
  return [...self.values()]
    .sort((a, b) => b.micros - a.micros)
    .slice(0, count)
    .map((entry) => ({
      function: entry.function,
      where: entry.where,
      selfMs: Math.round(entry.micros / 1000),
      selfPct: busy > 0 ? Number(((entry.micros / busy) * 100).toFixed(1)) : 0,
    }));
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
}
