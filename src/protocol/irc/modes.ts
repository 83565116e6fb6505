// Channel and user mode strings: reading `+ov-k nick1 nick2 key` into changes, and writing changes back.
// Pure. The kinds follow ISUPPORT CHANMODES=beI,k,l,imnst and PREFIX=(ov)@+.

export interface ModeChangeText {
  sign: "+" | "-";
  mode: string;
  param?: string;
}

/** CHANMODES type A: a list; without a parameter, a query of the list. */
export const LIST_MODES = "beI";
/** CHANMODES type B: always a parameter (`-k` takes one when given). */
export const KEY_MODES = "k";
/** CHANMODES type C: a parameter when set only. */
export const SET_PARAM_MODES = "l";
/** CHANMODES type D: flags. */
export const FLAG_MODES = "imnst";
/** Member status, each with a nickname: PREFIX=(ov)@+. */
export const PREFIX_MODES = "ov";
export const PREFIX_SYMBOLS = "@+";
/** ISUPPORT CHANMODES. */
export const CHANMODES = `${LIST_MODES},${KEY_MODES},${SET_PARAM_MODES},${FLAG_MODES}`;
/** User modes: +i invisible, +o operator, +w wallops, +B bot (ISUPPORT BOT=B). */
export const USER_MODES = "iowB";

export interface ParsedModes {
  changes: ModeChangeText[];
  /** Letters that are no channel mode, each once, in order. */
  unknown: string[];
}

/**
 * Read a channel mode string and its arguments. At most `maxParamModes` changes that take a parameter are
 * kept (ISUPPORT MODES); the rest are dropped, as servers do. A change whose parameter is missing is kept
 * without one, for the caller to refuse (a `b` without one is a list query).
 */
export function parseChannelModes(
  modestring: string,
  args: readonly string[],
  maxParamModes: number,
): ParsedModes {
  const changes: ModeChangeText[] = [];
  const unknown: string[] = [];
  let sign: "+" | "-" = "+";
  let next = 0;
  let withParam = 0;
  for (const mode of modestring) {
    if (mode === "+" || mode === "-") {
      sign = mode;
      continue;
    }
    const takes =
      PREFIX_MODES.includes(mode) ||
      LIST_MODES.includes(mode) ||
      KEY_MODES.includes(mode) ||
      (SET_PARAM_MODES.includes(mode) && sign === "+");
    if (!takes && !FLAG_MODES.includes(mode) && !SET_PARAM_MODES.includes(mode)) {
      if (!unknown.includes(mode)) unknown.push(mode);
      continue;
    }
    if (!takes) {
      changes.push({ sign, mode });
      continue;
    }
    const param = args[next];
    if (param !== undefined) next++;
    if (param !== undefined || !LIST_MODES.includes(mode)) withParam++;
    if (withParam > maxParamModes) continue;
    // An empty parameter is none for a list or a status, and an invalid one for a key or a limit.
    const none =
      param === undefined || (param === "" && !KEY_MODES.includes(mode) && !SET_PARAM_MODES.includes(mode));
    changes.push(none ? { sign, mode } : { sign, mode, param });
  }
  return { changes, unknown };
}

/** Changes as they are written in a MODE line: `["+ov-k", "a", "b", "*"]`. */
export function formatModeChanges(changes: readonly ModeChangeText[]): string[] {
  let letters = "";
  let sign = "";
  const params: string[] = [];
  for (const change of changes) {
    if (change.sign !== sign) {
      sign = change.sign;
      letters += sign;
    }
    letters += change.mode;
    if (change.param !== undefined) params.push(change.param);
  }
  return [letters, ...params];
}

export interface UserModeChange {
  sign: "+" | "-";
  mode: string;
}

/** Read a user mode string; letters that are no user mode are returned apart, each once. */
export function parseUserModes(modestring: string): { changes: UserModeChange[]; unknown: string[] } {
  const changes: UserModeChange[] = [];
  const unknown: string[] = [];
  let sign: "+" | "-" = "+";
  for (const mode of modestring) {
    if (mode === "+" || mode === "-") sign = mode;
    else if (USER_MODES.includes(mode)) changes.push({ sign, mode });
    else if (!unknown.includes(mode)) unknown.push(mode);
  }
  return { changes, unknown };
}
