// Entries of a room's mask lists (+b, +e, +I): a nick!user@host glob, or an extended ban (ISUPPORT
// `EXTBAN=,am`, `ACCOUNTEXTBAN=a`), written without a prefix as InspIRCd writes them:
//   a:<account>  matches users logged in to an account the glob matches; never a user logged in to none.
//   m:<entry>    acts instead of matching: in +b it keeps who <entry> matches from speaking (+m's way: voice
//                and operators speak) but not from joining; in +e it exempts from those mute bans only.
//                <entry> is a mask or an a: entry (`m:a:troll`). It means nothing in +I, which refuses it.
import { fold } from "./casemap.js";
import { globMatch } from "./glob.js";
import type { ListMode } from "./room.js";
import type { User } from "./user.js";

/** ISUPPORT EXTBAN's types, and ACCOUNTEXTBAN's. */
export const EXTBAN_TYPES = "am";
export const ACCOUNT_EXTBAN = "a";

const ACCOUNT_PREFIX = "a:";
const MUTE_PREFIX = "m:";

/** Who an entry is checked against: the user's mask and account, folded once for a whole list. */
export interface ListSubject {
  mask: string;
  account: string | null;
}

export function listSubject(user: User): ListSubject {
  return { mask: fold(user.mask), account: user.account === null ? null : fold(user.account) };
}

/**
 * What an entry does to `subject`: "all" (a ban keeps it out and mutes it; an exception exempts it from
 * every ban), "mute" (an m: entry: a mute ban, or an exception from mute bans), or null when it does not
 * match.
 */
export function entryHolds(entry: string, subject: ListSubject): "all" | "mute" | null {
  if (entry.startsWith(MUTE_PREFIX)) return covers(entry.slice(MUTE_PREFIX.length), subject) ? "mute" : null;
  return covers(entry, subject) ? "all" : null;
}

/** Whether a matching entry (a mask, or a:<account>) covers the subject. */
function covers(entry: string, subject: ListSubject): boolean {
  if (!entry.startsWith(ACCOUNT_PREFIX)) return globMatch(fold(entry), subject.mask);
  return subject.account !== null && globMatch(fold(entry.slice(ACCOUNT_PREFIX.length)), subject.account);
}

/**
 * An entry as a list keeps it: a mask completed (`nick` → `nick!*@*`), an extended ban with its prefix;
 * null when it cannot be one (an a: or m: with nothing after it, an m: in +I).
 */
export function normaliseEntry(mode: ListMode, param: string): string | null {
  if (param.startsWith(MUTE_PREFIX)) {
    const inner = param.slice(MUTE_PREFIX.length);
    if (mode === "I" || inner.startsWith(MUTE_PREFIX)) return null;
    const matching = normaliseMatching(inner);
    return matching === null ? null : MUTE_PREFIX + matching;
  }
  return normaliseMatching(param);
}

function normaliseMatching(entry: string): string | null {
  if (entry.startsWith(ACCOUNT_PREFIX)) return entry.length > ACCOUNT_PREFIX.length ? entry : null;
  return entry === "" ? null : normaliseMask(entry);
}

/** `nick` → `nick!*@*`, `nick!user` → `nick!user@*`, as servers complete ban masks. */
export function normaliseMask(mask: string): string {
  if (!mask.includes("!") && !mask.includes("@")) return `${mask}!*@*`;
  if (!mask.includes("@")) return `${mask}@*`;
  if (!mask.includes("!")) return `*!${mask}`;
  return mask;
}
