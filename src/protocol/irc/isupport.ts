// RPL_ISUPPORT (005): what this server supports, as `KEY=value` tokens, a few to a line.
import { CHANMODES, PREFIX_MODES, PREFIX_SYMBOLS } from "./modes.js";

export interface IsupportValues {
  network: string;
  casemapping: string;
  nickLength: number;
  channelLength: number;
  topicLength: number;
  awayLength: number;
  kickLength: number;
  /** KEYLEN: the longest channel key. */
  keyLength: number;
  userLength: number;
  maxChannels: number;
  /** Parameter-taking channel modes in one MODE command. */
  modes: number;
  maxBans: number;
  /** MONITOR: nicks one client may follow. */
  monitor: number;
  /** Messages one CHATHISTORY may ask for. */
  chathistory: number;
  /** EXTBAN's types (no prefix), and the one that matches accounts (ACCOUNTEXTBAN). */
  extbans: string;
  accountExtban: string;
  /** Targets per command (TARGMAX), by command. */
  targmax: Readonly<Record<string, number>>;
}

/** Tokens per 005 line: 13 fit with room to spare (Modern IRC). */
const TOKENS_PER_LINE = 13;

export function isupportTokens(values: IsupportValues): string[] {
  const targmax = Object.entries(values.targmax)
    .map(([command, n]) => `${command}:${n}`)
    .join(",");
  return [
    `AWAYLEN=${values.awayLength}`,
    "BOT=B",
    `CASEMAPPING=${values.casemapping}`,
    `CHANLIMIT=#:${values.maxChannels}`,
    `CHANMODES=${CHANMODES}`,
    `CHANNELLEN=${values.channelLength}`,
    `CHATHISTORY=${values.chathistory}`,
    "ELIST=CMNTU",
    "CHANTYPES=#",
    `KEYLEN=${values.keyLength}`,
    `KICKLEN=${values.kickLength}`,
    `MAXLIST=b:${values.maxBans},e:${values.maxBans},I:${values.maxBans}`,
    "EXCEPTS=e",
    "INVEX=I",
    `EXTBAN=,${values.extbans}`,
    `ACCOUNTEXTBAN=${values.accountExtban}`,
    `MODES=${values.modes}`,
    `MONITOR=${values.monitor}`,
    "MSGREFTYPES=timestamp,msgid",
    `NETWORK=${values.network}`,
    `NICKLEN=${values.nickLength}`,
    `PREFIX=(${PREFIX_MODES})${PREFIX_SYMBOLS}`,
    "STATUSMSG=@+",
    `TARGMAX=${targmax}`,
    `TOPICLEN=${values.topicLength}`,
    `USERLEN=${values.userLength}`,
    "UTF8ONLY",
    "WHOX",
  ];
}

/** The tokens in groups, one group per 005 line. */
export function isupportLines(tokens: readonly string[]): string[][] {
  const lines: string[][] = [];
  for (let i = 0; i < tokens.length; i += TOKENS_PER_LINE) lines.push(tokens.slice(i, i + TOKENS_PER_LINE));
  return lines;
}
