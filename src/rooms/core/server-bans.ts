// Server bans: who may not be on the server at all. A K-line bans a user@host mask, a D-line an address or
// a CIDR block. Each has a reason, its setter and an end (or none). Pure: masks, durations, matching and the
// list itself; the registry decides and applies the operations that change it, the front-ends refuse and
// disconnect. Expiry is read from the injected clock when a ban is looked at, so no timer runs per ban.
import { BlockList, isIP } from "node:net";
import { fold } from "./casemap.js";
import { globMatch } from "./glob.js";
import { compareStamps, type Stamp } from "./operations.js";

export type ServerBanKind = "kline" | "dline";

export interface ServerBan {
  kind: ServerBanKind;
  /** K-line: `user@host`, globs allowed, as given. D-line: an address or `address/prefix`, canonical. */
  mask: string;
  reason: string;
  /** The operator's nick, or the server's name for the console. */
  setBy: string;
  /** Milliseconds since the epoch. */
  setAt: number;
  /** When it ends (milliseconds since the epoch); null for a permanent ban. */
  expiresAt: number | null;
}

/** A ban with the stamp of the operation that set it: what the list, the bus and a store hold. */
export type StampedBan = ServerBan & { stamp: Stamp };

/** Who is checked: the user and host as IRC masks show them, and the address the connection came from. */
export interface BanSubject {
  username: string;
  hostname: string;
  address: string;
}

/** A ban lifted, with the lift's stamp: kept so that an older change to its mask heard later loses. */
export interface LiftedBan {
  kind: ServerBanKind;
  mask: string;
  lifted: Stamp;
}

/** Where bans last between restarts (the durable store), as a small interface: load once, then follow. */
export interface ServerBanStore {
  /** The bans kept (those ended too: they are not in force) and the lifts. */
  load(): Promise<Array<StampedBan | LiftedBan>>;
  /** A ban was set or replaced. */
  saved(ban: StampedBan): void;
  /** A ban was lifted. */
  removed(kind: ServerBanKind, mask: string, stamp: Stamp): void;
}

/** Why a banned user is disconnected or refused, as IRC servers say it: `K-Lined: <reason>`. */
export function banNotice(ban: ServerBan): string {
  return `${ban.kind === "kline" ? "K-Lined" : "D-Lined"}: ${ban.reason}`;
}

/** The longest ban that is not permanent. */
export const MAX_BAN_DURATION_MS = 10 * 365 * 86_400_000;
/** A K-line's `user@host`, at most. */
export const MAX_KLINE_MASK = 128;
/** The broadest D-lines: a /8 of IPv4, a /16 of IPv6. */
const MIN_PREFIX = { 4: 8, 6: 16 } as const;

const MINUTE = 60_000;
const UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/**
 * A ban's duration as IRC servers take it: a plain number is minutes (`10`), or units as InspIRCd writes
 * them (`1h30m`, `2d`, `45s`, `1w`, `1y`). 0 is a permanent ban (null). Undefined when it is no duration.
 */
export function parseDuration(text: string): number | null | undefined {
  if (/^\d+$/.test(text)) {
    const ms = Number(text) * MINUTE;
    return ms === 0 ? null : ms <= MAX_BAN_DURATION_MS ? ms : undefined;
  }
  if (!/^(\d+[smhdwy])+$/i.test(text)) return undefined;
  let ms = 0;
  for (const [, count, unit] of text.matchAll(/(\d+)([smhdwy])/gi))
    ms += Number(count) * (UNITS[(unit as string).toLowerCase()] as number);
  if (ms === 0) return null;
  return ms <= MAX_BAN_DURATION_MS ? ms : undefined;
}

/** Whether a parameter is meant as a duration (and so must be one): digits and units, nothing of a mask. */
export function looksLikeDuration(text: string): boolean {
  return /^\d[0-9a-z]*$/i.test(text) && !/[.:/@]/.test(text);
}

/** `1d2h`, `10m`, `45s`: a duration as short as it can be written. */
export function formatDuration(ms: number): string {
  let rest = Math.round(ms / 1000);
  let out = "";
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
  ] as const) {
    if (rest < size) continue;
    out += `${Math.floor(rest / size)}${unit}`;
    rest %= size;
  }
  return rest > 0 || out === "" ? `${out}${rest}s` : out;
}

// What a K-line's user and host may hold: the characters of user names (USER's, or a seed client's name) and
// of host names and addresses, and the globs.
const KLINE_USER = /^[A-Za-z0-9_.~^`|{}[\]\\*?-]+$/;
const KLINE_HOST = /^[A-Za-z0-9.:*?_-]+$/;

/** A K-line mask checked: `user@host` with globs; not one that names neither (`*@*`). */
export function parseKlineMask(text: string): { mask: string } | { error: string } {
  const at = text.indexOf("@");
  if (at <= 0 || !KLINE_USER.test(text.slice(0, at)) || !KLINE_HOST.test(text.slice(at + 1)))
    return { error: `bad mask ${JSON.stringify(text)}: a K-line takes user@host (* and ? match any)` };
  if (text.length > MAX_KLINE_MASK) return { error: `mask too long: at most ${MAX_KLINE_MASK} characters` };
  if (/^[*?]*$/.test(text.slice(0, at)) && /^[*?.:]*$/.test(text.slice(at + 1)))
    return { error: `mask ${JSON.stringify(text)} is too broad: name a host or an address` };
  return { mask: text };
}

/** A D-line address or CIDR block checked and written canonically (`10.1.2.0/24`, `2001:db8::/32`). */
export function parseDlineMask(text: string): { mask: string } | { error: string } {
  const slash = text.indexOf("/");
  const address = slash === -1 ? plainAddress(text) : text.slice(0, slash);
  const found = isIP(address);
  const bad = { error: `bad address ${JSON.stringify(text)}: a D-line takes an IP address or a CIDR block` };
  if (found === 0) return bad;
  const family = found === 4 ? 4 : 6;
  const full = family === 4 ? 32 : 128;
  let prefix = full;
  if (slash !== -1) {
    const written = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(written) || Number(written) > full) return bad;
    prefix = Number(written);
  }
  if (prefix < MIN_PREFIX[family])
    return { error: `${text} is too broad: at most /${MIN_PREFIX[family]} for IPv${family}` };
  const canonical = networkOf(address, family, prefix);
  return { mask: prefix === full ? canonical : `${canonical}/${prefix}` };
}

/** The first address of the block, written as Node writes addresses. */
function networkOf(address: string, family: 4 | 6, prefix: number): string {
  const bytes = addressBytes(address, family);
  for (let bit = prefix; bit < bytes.length * 8; bit++)
    bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) & ~(0x80 >> (bit & 7));
  if (family === 4) return [...bytes].join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  // The URL parser writes IPv6 in its one canonical form (the longest zero run as ::).
  return new URL(`http://[${groups.join(":")}]`).hostname.slice(1, -1);
}

function addressBytes(address: string, family: 4 | 6): Uint8Array {
  if (family === 4) return Uint8Array.from(address.split(".").map(Number));
  const hostname = new URL(`http://[${address}]`).hostname.slice(1, -1);
  // The URL form of an IPv4-mapped or embedded address ends in hex groups too.
  const [head = "", tail = ""] = hostname.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === "" ? [] : tail.split(":");
  const groups = hostname.includes("::")
    ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right]
    : left;
  return Uint8Array.from(
    groups.flatMap((group) => {
      const n = Number.parseInt(group, 16);
      return [n >> 8, n & 0xff];
    }),
  );
}

/** `::ffff:1.2.3.4` → `1.2.3.4`: an IPv4 client of a dual-stack listener is banned by its IPv4 address. */
export function plainAddress(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

interface Entry {
  ban: StampedBan;
  /** K-line: the folded mask. D-line: the block, to check addresses against. */
  folded: string;
  block: BlockList | null;
}

/**
 * The server's bans, by kind and mask. Every change carries its stamp, and removals keep theirs: the latest
 * change to a mask wins on every node, whatever order they arrive in.
 */
export class ServerBanList {
  private readonly entries = new Map<string, Entry>();
  /** The stamp of the last change to each key, lifted bans included. */
  private readonly stamps = new Map<string, Stamp>();
  /** Told of every change applied, to write it down. */
  store: ServerBanStore | null = null;

  /** Take the bans `store` kept (before any user is here), then tell it of every change. */
  async follow(store: ServerBanStore): Promise<void> {
    this.store = null;
    for (const kept of await store.load()) {
      if ("lifted" in kept) this.remove(kept.kind, kept.mask, kept.lifted);
      else this.set(kept);
    }
    this.store = store;
  }

  /** Set or replace a ban; false when a later change to its mask holds already. */
  set(ban: StampedBan): boolean {
    const key = keyOf(ban.kind, ban.mask);
    if (!this.newer(key, ban.stamp)) return false;
    const folded = fold(ban.mask);
    this.entries.set(key, {
      ban: { ...ban },
      folded,
      block: ban.kind === "dline" ? blockOf(ban.mask) : null,
    });
    this.store?.saved(ban);
    return true;
  }

  /** Lift a ban; false when a later change holds already (or it was never set here, which changes nothing). */
  remove(kind: ServerBanKind, mask: string, stamp: Stamp): boolean {
    const key = keyOf(kind, mask);
    if (!this.newer(key, stamp)) return false;
    const had = this.entries.delete(key);
    this.store?.removed(kind, mask, stamp);
    return had;
  }

  /** The stamp of the last change to `mask` (set or lifted), if any. */
  stampOf(kind: ServerBanKind, mask: string): Stamp | null {
    return this.stamps.get(keyOf(kind, mask)) ?? null;
  }

  /** The ban on `mask` in force at `now`, if any. */
  find(kind: ServerBanKind, mask: string, now: number): StampedBan | null {
    const entry = this.entries.get(keyOf(kind, mask));
    return entry && live(entry.ban, now) ? entry.ban : null;
  }

  /** Bans in force at `now` (of one kind, or all), oldest first; those that have ended are forgotten. */
  active(now: number, kind?: ServerBanKind): StampedBan[] {
    const out: StampedBan[] = [];
    for (const [key, entry] of this.entries) {
      if (!live(entry.ban, now)) this.entries.delete(key);
      else if (!kind || entry.ban.kind === kind) out.push(entry.ban);
    }
    return out.sort((a, b) => a.setAt - b.setAt);
  }

  /** The first ban in force at `now` that `who` falls under: D-lines first, then K-lines. */
  match(who: BanSubject, now: number): StampedBan | null {
    if (this.entries.size === 0) return null;
    const address = plainAddress(who.address);
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    let kline: StampedBan | null = null;
    let masks: string[] | null = null;
    for (const entry of this.entries.values()) {
      if (!live(entry.ban, now)) continue;
      if (entry.block) {
        if (entry.block.check(address, family)) return entry.ban;
        continue;
      }
      if (kline) continue;
      masks ??= subjectMasks(who, address);
      if (masks.some((mask) => globMatch(entry.folded, mask))) kline = entry.ban;
    }
    return kline;
  }

  /** Whether `ban` holds against `who` (it is in force and its mask matches). */
  static covers(ban: ServerBan, who: BanSubject, now: number): boolean {
    if (!live(ban, now)) return false;
    const address = plainAddress(who.address);
    if (ban.kind === "dline") return blockOf(ban.mask).check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
    const pattern = fold(ban.mask);
    return subjectMasks(who, address).some((mask) => globMatch(pattern, mask));
  }

  private newer(key: string, stamp: Stamp): boolean {
    const previous = this.stamps.get(key);
    if (previous && compareStamps(stamp, previous) <= 0) return false;
    this.stamps.set(key, { time: stamp.time, origin: stamp.origin, id: stamp.id });
    return true;
  }
}

function keyOf(kind: ServerBanKind, mask: string): string {
  return `${kind}:${fold(mask)}`;
}

function live(ban: ServerBan, now: number): boolean {
  return ban.expiresAt === null || ban.expiresAt > now;
}

/** A K-line matches the user at its hostname or at its address. */
function subjectMasks(who: BanSubject, address: string): string[] {
  const user = fold(who.username);
  const host = `${user}@${fold(who.hostname)}`;
  const ip = `${user}@${fold(address)}`;
  return host === ip ? [host] : [host, ip];
}

function blockOf(mask: string): BlockList {
  const block = new BlockList();
  const [address = "", prefix] = mask.split("/");
  const type = isIP(address) === 6 ? "ipv6" : "ipv4";
  if (prefix === undefined) block.addAddress(address, type);
  else block.addSubnet(address, Number(prefix), type);
  return block;
}
