// IRC messages: parsing one framed line, and writing one. Pure, no I/O.
//
//   message = ["@" tags SPACE] [":" source SPACE] command *(SPACE param) [SPACE ":" trailing]
//
// As in Modern IRC and RFC 2812: runs of spaces separate parameters, a parameter starting with ':' takes the
// rest of the line, and after 14 middle parameters the rest of the line is the 15th even without ':'.
// Tags follow IRCv3 message-tags: `key[=value]` split by ';', values escaped (`\:` `\s` `\\` `\r` `\n`).

/** One message from a client. Plain data: under `threaded` it crosses a MessagePort. */
export interface IrcInput {
  /** Tag values unescaped; a tag without a value is "". The last of a repeated key wins. */
  tags: Record<string, string>;
  /** The `:source` a client may send (ignored by servers), or null. */
  source: string | null;
  /** Upper-cased (ASCII); "" when the line held only tags or a source. */
  command: string;
  params: string[];
  /** UTF-8 bytes of the line without its tags: what the 512-byte limit counts (510 + CR LF). */
  bodyBytes: number;
  /** UTF-8 bytes of the tags, '@' included, the space after excluded; 0 without tags. */
  tagBytes: number;
  /** The line holds NUL or CR, which no IRC message may carry (they would end or cut the line elsewhere). */
  forbidden: boolean;
}

/** A message to write; `params` are written as they are, the last one as trailing when it must be. */
export interface IrcOutput {
  tags?: Readonly<Record<string, string>> | null;
  source?: string | null;
  command: string;
  params?: readonly string[];
}

/** RFC 2812: at most 15 parameters, the 15th taking the rest of the line. */
export const MAX_PARAMS = 15;
/** Bytes of a line without tags and without CR LF. */
export const MAX_BODY_BYTES = 510;
/** Bytes of the tags a client may send (IRCv3: 4096 with '@' and the space; we count without the space). */
export const MAX_CLIENT_TAG_BYTES = 4095;

const SPACE = 0x20;
const FORBIDDEN = /[\0\r]/;

/** Parse one line without its terminator; null when it is empty or only spaces. */
export function parseIrcLine(line: string): IrcInput | null {
  const end = line.length;
  let at = skipSpaces(line, 0);
  if (at === end) return null;

  const tags: Record<string, string> = {};
  let tagBytes = 0;
  if (line.charCodeAt(at) === 0x40 /* @ */) {
    const space = indexOfSpace(line, at);
    const raw = line.slice(at + 1, space);
    tagBytes = utf8Length(line, at, space);
    parseTags(raw, tags);
    at = skipSpaces(line, space);
  }
  const bodyStart = at;

  let source: string | null = null;
  if (at < end && line.charCodeAt(at) === 0x3a /* : */) {
    const space = indexOfSpace(line, at);
    source = line.slice(at + 1, space);
    at = skipSpaces(line, space);
  }

  let command = "";
  if (at < end) {
    const space = indexOfSpace(line, at);
    command = upperAscii(line.slice(at, space));
    at = skipSpaces(line, space);
  }

  const params: string[] = [];
  while (at < end) {
    if (line.charCodeAt(at) === 0x3a /* : */) {
      params.push(line.slice(at + 1));
      break;
    }
    if (params.length === MAX_PARAMS - 1) {
      params.push(trimEndSpaces(line.slice(at)));
      break;
    }
    const space = indexOfSpace(line, at);
    params.push(line.slice(at, space));
    at = skipSpaces(line, space);
  }

  return {
    tags,
    source,
    command,
    params,
    bodyBytes: utf8Length(line, bodyStart, end),
    tagBytes,
    forbidden: FORBIDDEN.test(line),
  };
}

/** Split the tag part (without '@') into `out`. Keys are kept as sent; empty keys are dropped. */
export function parseTags(raw: string, out: Record<string, string>): void {
  for (const item of raw.split(";")) {
    if (item === "") continue;
    const eq = item.indexOf("=");
    const key = eq === -1 ? item : item.slice(0, eq);
    if (key === "" || key === "__proto__") continue;
    out[key] = eq === -1 ? "" : unescapeTagValue(item.slice(eq + 1));
  }
}

const UNESCAPES: Record<string, string> = { ":": ";", s: " ", "\\": "\\", r: "\r", n: "\n" };

export function unescapeTagValue(value: string): string {
  if (!value.includes("\\")) return value;
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c !== "\\") {
      out += c;
      continue;
    }
    i++;
    if (i === value.length) break; // a lone trailing backslash is dropped
    const next = value[i] as string;
    out += UNESCAPES[next] ?? next;
  }
  return out;
}

const ESCAPES: Record<string, string> = { ";": "\\:", " ": "\\s", "\\": "\\\\", "\r": "\\r", "\n": "\\n" };

export function escapeTagValue(value: string): string {
  return value.replace(/[; \\\r\n]/g, (c) => ESCAPES[c] ?? c);
}

/** `@a=b;c` without the trailing space; "" when there are none. */
export function formatTags(tags: Readonly<Record<string, string>>): string {
  let out = "";
  for (const key in tags) {
    const value = tags[key] as string;
    out += out === "" ? "@" : ";";
    out += value === "" ? key : `${key}=${escapeTagValue(value)}`;
  }
  return out;
}

/**
 * Write a message, without CR LF. Every parameter but the last must be a middle (non-empty, no space, not
 * starting with ':'); the last is written as trailing when it has to be, or when `trailing` is set.
 */
export function formatMessage(message: IrcOutput, trailing = false): string {
  let out = "";
  if (message.tags) {
    const tags = formatTags(message.tags);
    if (tags !== "") out = `${tags} `;
  }
  if (message.source) out += `:${message.source} `;
  out += message.command;
  const params = message.params ?? [];
  const last = params.length - 1;
  for (let i = 0; i < last; i++) out += ` ${params[i]}`;
  if (last >= 0) {
    const param = params[last] as string;
    out += trailing || needsTrailing(param) ? ` :${param}` : ` ${param}`;
  }
  return out;
}

/** Bytes of the tags a server may send, '@' included, the space after excluded (IRCv3: 8191 with it). */
export const MAX_SERVER_TAG_BYTES = 8190;

/**
 * The one way a line leaves the server: `body` (source, command and parameters) cut to 510 bytes at a
 * character boundary, `tags` (formatted, without '@') kept if they fit their budget, and CR LF.
 */
export function encodeLine(body: string, tags = ""): string {
  // Three bytes a code unit at most: only a long body needs counting.
  let safe = body;
  if (body.length > MAX_BODY_BYTES / 3 && utf8Length(body) > MAX_BODY_BYTES)
    safe = truncateUtf8(body, MAX_BODY_BYTES);
  if (tags === "" || (tags.length > MAX_SERVER_TAG_BYTES / 3 && utf8Length(tags) + 1 > MAX_SERVER_TAG_BYTES))
    return `${safe}\r\n`;
  return `@${tags} ${safe}\r\n`;
}

/** Whether a parameter can only be written as the trailing one. */
export function needsTrailing(param: string): boolean {
  return param === "" || param.charCodeAt(0) === 0x3a || param.includes(" ");
}

/** Text from elsewhere (the seed protocol) made safe for one IRC line: NUL, CR and LF become spaces. */
export function lineSafe(text: string): string {
  return /[\0\r\n]/.test(text) ? text.replace(/[\0\r\n]/g, " ") : text;
}

/** The longest prefix of `text` of at most `maxBytes` UTF-8 bytes, never cutting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let size: number;
    let width = 1;
    if (code < 0x80) size = 1;
    else if (code < 0x800) size = 2;
    else if (isSurrogatePair(text, i)) {
      size = 4;
      width = 2;
    } else size = 3;
    if (bytes + size > maxBytes) return text.slice(0, i);
    bytes += size;
    i += width - 1;
  }
  return text;
}

/** UTF-8 length of `text[start, end)`, counting a lone surrogate as the 3 bytes of U+FFFD. */
export function utf8Length(text: string, start = 0, end = text.length): number {
  let bytes = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (i + 1 < end && isSurrogatePair(text, i)) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isSurrogatePair(text: string, i: number): boolean {
  const high = text.charCodeAt(i);
  if (high < 0xd800 || high > 0xdbff) return false;
  const low = text.charCodeAt(i + 1);
  return low >= 0xdc00 && low <= 0xdfff;
}

function indexOfSpace(line: string, from: number): number {
  const at = line.indexOf(" ", from);
  return at === -1 ? line.length : at;
}

function skipSpaces(line: string, from: number): number {
  let at = from;
  while (at < line.length && line.charCodeAt(at) === SPACE) at++;
  return at;
}

function trimEndSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === SPACE) end--;
  return text.slice(0, end);
}

function upperAscii(word: string): string {
  return /[a-z]/.test(word) ? word.replace(/[a-z]+/g, (s) => s.toUpperCase()) : word;
}
