// K-lines and D-lines as operators write them, for IRC's KLINE/DLINE and the console's /kline and /dline:
// `[duration] <mask or nick> [reason]`. One reading and one wording for both; the core decides and applies.
import { truncateUtf8 } from "../protocol/irc/message.js";
import type { RoomRegistry } from "./core/registry.js";
import {
  formatDuration,
  looksLikeDuration,
  parseDlineMask,
  parseDuration,
  parseKlineMask,
  type ServerBan,
  type ServerBanKind,
} from "./core/server-bans.js";

export const BAN_NAMES: Readonly<Record<ServerBanKind, string>> = { kline: "K-line", dline: "D-line" };

/** The longest reason kept, in bytes (as a QUIT reason). */
const REASON_BYTES = 300;

export type BanRequest =
  | { ban: Omit<ServerBan, "setAt" | "setBy">; durationMs: number | null }
  | { error: string }
  /** Nothing to ban was given. */
  | { missing: true };

/**
 * `args`: an optional duration (minutes, or `1h30m` and the like; 0 for permanent), the mask, the reason.
 * K-lines take `user@host` or a nick (its `*@host`); D-lines an address, a CIDR block, or a nick (its address).
 */
export function readBanRequest(
  registry: RoomRegistry,
  kind: ServerBanKind,
  args: readonly string[],
): BanRequest {
  let at = 0;
  let durationMs: number | null = null;
  const first = args[0];
  if (first !== undefined && looksLikeDuration(first)) {
    const parsed = parseDuration(first);
    if (parsed === undefined)
      return {
        error: `bad duration ${JSON.stringify(first)}: minutes (10) or units (1h30m, 2d, 45s, 1w), up to 10 years; 0 for a permanent ban`,
      };
    durationMs = parsed;
    at = 1;
  }
  const target = args[at];
  if (target === undefined || target === "") return { missing: true };
  const mask = banMask(registry, kind, target);
  if ("error" in mask) return mask;
  const reason = truncateUtf8(args[at + 1]?.trim() || "No reason given", REASON_BYTES);
  const expiresAt = durationMs === null ? null : registry.clock.now() + durationMs;
  return { ban: { kind, mask: mask.mask, reason, expiresAt }, durationMs };
}

/** The mask an operator means: as written, or a user's by nick. */
function banMask(
  registry: RoomRegistry,
  kind: ServerBanKind,
  target: string,
): { mask: string } | { error: string } {
  const written = kind === "kline" ? parseKlineMask(target) : parseDlineMask(target);
  if ("mask" in written || (kind === "kline" && target.includes("@"))) return written;
  const user = registry.findUser(target);
  if (!user) return written;
  if (kind === "kline") return parseKlineMask(`*@${user.hostname}`);
  return parseDlineMask(user.frontend.address?.(user) ?? user.hostname);
}

/** The mask of an UNKLINE or UNDLINE, written as the ban holds it. */
export function liftMask(kind: ServerBanKind, text: string): { mask: string } | { error: string } {
  return kind === "kline" ? parseKlineMask(text) : parseDlineMask(text);
}

/** `Added 10m K-line for *@1.2.3.4: spam`, `Added permanent D-line for 10.0.0.0/8: spam`. */
export function addedText(request: Extract<BanRequest, { ban: unknown }>): string {
  const { ban, durationMs } = request;
  const length = durationMs === null ? "permanent" : formatDuration(durationMs);
  return `Added ${length} ${BAN_NAMES[ban.kind]} for ${ban.mask}: ${ban.reason}`;
}

/** How long a ban has left at `now`, and who set it: `9m30s left, set by alice`. */
export function banTerms(ban: ServerBan, now: number): string {
  const left = ban.expiresAt === null ? "permanent" : `${formatDuration(ban.expiresAt - now)} left`;
  return `${left}, set by ${ban.setBy}`;
}
