// A process's CPU time and resident memory, from /proc (Linux).
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { setPriority } from "node:os";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface ProcSample {
  /** user + system CPU seconds so far. */
  cpuSeconds: number;
  rssBytes: number;
  at: number;
}

export function sampleProc(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    return {
      cpuSeconds: (utime + stime) / TICKS_PER_SECOND,
      rssBytes: rss ? Number(rss[1]) * 1024 : 0,
      at: performance.now(),
    };
  } catch {
    return null;
  }
}

/** CPU use between two samples, in % of one core. */
export function cpuPercent(from: ProcSample, to: ProcSample): number {
  const seconds = (to.at - from.at) / 1000;
  return seconds > 0 ? ((to.cpuSeconds - from.cpuSeconds) / seconds) * 100 : 0;
}

/** The pid that owns a listening TCP port on 127.0.0.1, found through /proc/net/tcp and /proc/<pid>/fd. */
export function pidListeningOn(port: number): number | null {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  let inode: string | null = null;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address ends with :PORT; state 0A is LISTEN.
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === "0A") inode = cols[9] ?? null;
    }
  }
  if (!inode) return null;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${entry}/fd/${fd}`) === `socket:[${inode}]`) return Number(entry);
      } catch {}
    }
  }
  return null;
}

/** `pid` and every process below it (a cluster's workers, say). */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const children = readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, "utf8").trim();
      if (children) out.push(...children.split(/\s+/).map(Number));
    } catch {}
  }
  return out;
}

/** CPU and memory of `pid` and its descendants together. */
export function treeSample(pid: number): ProcSample | null {
  const samples = processTree(pid)
    .map(sampleProc)
    .filter((s): s is ProcSample => s !== null);
  if (samples.length === 0) return null;
  return {
    cpuSeconds: samples.reduce((sum, s) => sum + s.cpuSeconds, 0),
    rssBytes: samples.reduce((sum, s) => sum + s.rssBytes, 0),
    at: performance.now(),
  };
}

/** The whole machine's CPU counters (/proc/stat): busy and total jiffies over every core. */
export interface MachineSample {
  busy: number;
  total: number;
}

export function sampleMachine(): MachineSample | null {
  try {
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number);
    if (!cpu || cpu.length < 4) return null;
    const total = cpu.reduce((sum, n) => sum + n, 0);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** The machine's CPU use between two samples, in % of all its cores. */
export function machineBusyPercent(from: MachineSample | null, to: MachineSample | null): number {
  if (!from || !to || to.total <= from.total) return 0;
  return ((to.busy - from.busy) / (to.total - from.total)) * 100;
}

/**
 * Waits (up to `maxWaitMs`) until the machine is quiet: less than `threshold` % of all cores busy over
 * half a second, while the benchmark itself is between runs. Returns the last busy share seen, for the
 * report: other work on the machine disturbs a measurement.
 */
export async function waitForQuiet(threshold = 25, maxWaitMs = 90_000): Promise<number> {
  if (maxWaitMs <= 0) return 0;
  const deadline = performance.now() + maxWaitMs;
  for (;;) {
    const from = sampleMachine();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const busy = machineBusyPercent(from, sampleMachine());
    if (busy < threshold || performance.now() >= deadline) return busy;
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
}

/**
 * The scheduling priority (nice value) of every process a benchmark measures: the servers and the
 * generator alike. On a machine shared with other work, a raised priority (below 0) keeps that work from
 * taking the cores in the middle of a measurement; 0 leaves them as started.
 */
let benchPriority = 0;
let restoring = false;

/**
 * Sets the priority for the processes started from now on. Where the kernel groups processes by session
 * for scheduling (autogroup), nice values only weigh within a group and the groups share the cores
 * equally, so this process's group (the harness, its servers and generator) gets the priority too.
 * Returns false if the system refused.
 */
export function setBenchPriority(nice: number): boolean {
  benchPriority = nice;
  if (nice === 0) return true;
  let ok = prioritise(process.pid);
  try {
    // "/autogroup-158 nice 0": the group outlives this process (it is the session's), so its nice value
    // is put back on exit.
    const before = /nice (-?\d+)/.exec(readFileSync("/proc/self/autogroup", "utf8"))?.[1];
    writeFileSync("/proc/self/autogroup", String(nice));
    if (before !== undefined && !restoring) {
      restoring = true;
      process.once("exit", () => {
        try {
          writeFileSync("/proc/self/autogroup", before);
        } catch {}
      });
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") ok = false;
  }
  return ok;
}

/**
 * Applies the benchmark's priority to `pid`, its threads (Linux sets a nice value per thread) and its
 * child processes; false if the system refused (not root, say).
 */
export function prioritise(pid: number | undefined): boolean {
  if (benchPriority === 0 || pid === undefined) return true;
  let ok = true;
  for (const process of processTree(pid)) {
    let tasks: string[] = [String(process)];
    try {
      tasks = readdirSync(`/proc/${process}/task`);
    } catch {}
    for (const task of tasks) {
      try {
        setPriority(Number(task), benchPriority);
      } catch {
        ok = false;
      }
    }
  }
  return ok;
}
