// The configuration file: TOML whose keys are the long options of the command that reads it.
//
//   port = 6667                      # --port 6667
//   oper = ["alice:secret"]          # --oper, repeatable: an array
//   allow-kill = true                # a switch: true or false
//   flood-limit = false              # --no-flood-limit (the key `no-flood-limit = true` works too)
//   [listen]                         # host, port, backlog may sit here instead
//   [limits]                         # the limits may sit here instead
//
// Every value goes through the option's own parser, so the file accepts exactly what the command line
// does. Every problem is reported, each with its line, not only the first.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InvalidArgumentError, type Option } from "commander";
import { parse, TomlError } from "smol-toml";

/** Sections that may hold some keys, where grouping them reads better. A key may also sit at the top. */
export const SECTIONS: Readonly<Record<string, readonly string[]>> = {
  listen: [
    "host",
    "port",
    "backlog",
    "plain",
    "no-plain",
    "tls-cert",
    "tls-key",
    "tls-port",
    "sts-duration",
    "web",
    "no-web",
    "web-port",
    "web-origin",
    "web-trust-proxy",
    "web-proxy-header",
  ],
  limits: [
    "max-line",
    "max-send-queue",
    "idle-timeout",
    "message-gap",
    "max-threads",
    "max-clients-per-ip",
    "limit-loopback",
    "max-clients",
    "connect-rate",
    "registration-timeout",
    "max-rooms-per-user",
    "max-members-per-room",
    "flood-limit",
    "no-flood-limit",
    "flood-burst",
    "flood-rate",
    "ping-interval",
  ],
};

/** Options that make no sense in a file: the file itself, and what a command does rather than is. */
const NOT_IN_FILE = new Set(["config", "help", "version", "list"]);
/** Options given several times on the command line: an array (or one string) in the file. */
const REPEATABLE = new Set(["oper", "web-origin", "web-trust-proxy"]);
/** Options naming files: a relative path is relative to the configuration file's folder. */
const PATH_KEYS = new Set(["motd-file", "tls-cert", "tls-key", "data-dir"]);

export interface ConfigProblem {
  /** 1-based; absent when the problem has no one place. */
  line?: number;
  message: string;
}

export class ConfigFileError extends Error {
  constructor(
    readonly path: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(problems.map((p) => formatProblem(path, p)).join("\n"));
  }
}

export function formatProblem(path: string, problem: ConfigProblem): string {
  return problem.line === undefined
    ? `${path}: ${problem.message}`
    : `${path}:${problem.line}: ${problem.message}`;
}

/** Option values by attribute name (`maxClientsPerIp`), as commander would have parsed them. */
export type ConfigValues = Record<string, unknown>;

/** Reads and checks a file; throws ConfigFileError with every problem found. */
export function readConfigFile(path: string, options: readonly Option[]): ConfigValues {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === "ENOENT" ? "no such file" : e.code === "EACCES" ? "permission denied" : e.message;
    throw new ConfigFileError(path, [{ message: `cannot read: ${why}` }]);
  }
  const { values, problems } = parseConfig(text, options, dirname(resolve(path)));
  if (problems.length > 0) throw new ConfigFileError(path, problems);
  return values;
}

/** The values of a configuration text, or what is wrong with it. Pure but for the options' own checks. */
export function parseConfig(
  text: string,
  options: readonly Option[],
  baseDir: string,
): { values: ConfigValues; problems: ConfigProblem[] } {
  let document: Record<string, unknown>;
  try {
    document = parse(text);
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const message = (err.message.split("\n")[0] ?? "").replace(/^Invalid TOML document: /, "");
    return { values: {}, problems: [{ line: err.line, message: `invalid TOML: ${message}` }] };
  }
  const lines = keyLines(text);
  const keys = optionKeys(options);
  const values: ConfigValues = {};
  const problems: ConfigProblem[] = [];
  /** Where each option was set: once only, at the top or in its section. */
  const setAt = new Map<string, string[]>();
  const problem = (path: string[], message: string) => problems.push({ line: lines.find(path), message });

  const take = (path: string[], value: unknown) => {
    const key = path.at(-1) as string;
    const found = keys.get(key);
    if (!found) {
      const near = closest(key, [...keys.keys(), ...Object.keys(SECTIONS)]);
      problem(path, `unknown key '${key}'${near ? ` (did you mean '${near}'?)` : ""}`);
      return;
    }
    const name = found.option.attributeName();
    const first = setAt.get(name);
    if (first) {
      problem(path, `'${key}' sets what line ${lines.find(first)} already set`);
      return;
    }
    setAt.set(name, path);
    const error = setValue(values, found, key, value, baseDir);
    if (error) problem(path, `${key}: ${error}`);
  };

  for (const [key, value] of Object.entries(document)) {
    const section = SECTIONS[key];
    if (section && isTable(value)) {
      for (const [inner, innerValue] of Object.entries(value)) {
        if (section.includes(inner)) take([key, inner], innerValue);
        else if (keys.has(inner))
          problem([key, inner], `'${inner}' does not belong in [${key}]: put it ${placeOf(inner)}`);
        else take([key, inner], innerValue);
      }
    } else if (isTable(value) && !keys.has(key)) {
      problem([key], `unknown section [${key}] (sections: ${Object.keys(SECTIONS).join(", ")})`);
    } else {
      take([key], value);
    }
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { values, problems };
}

function placeOf(key: string): string {
  const section = Object.entries(SECTIONS).find(([, keys]) => keys.includes(key));
  return section ? `in [${section[0]}] or at the top` : "at the top, before any [section]";
}

interface KeyOption {
  option: Option;
  /** `flood-limit` for the option `--no-flood-limit`: the value is the switch's state, not its negation. */
  positive: boolean;
}

function optionKeys(options: readonly Option[]): Map<string, KeyOption> {
  const keys = new Map<string, KeyOption>();
  for (const option of options) {
    const long = option.long?.replace(/^--/, "");
    if (!long || NOT_IN_FILE.has(long)) continue;
    keys.set(long, { option, positive: false });
    if (option.negate) keys.set(long.replace(/^no-/, ""), { option, positive: true });
  }
  return keys;
}

/** Converts one value with its option's parser into `values`; returns what is wrong with it, if anything. */
function setValue(
  values: ConfigValues,
  { option, positive }: KeyOption,
  key: string,
  value: unknown,
  baseDir: string,
): string | null {
  const name = option.attributeName();
  if (option.negate || (!option.required && !option.optional)) {
    if (typeof value !== "boolean") return `expected true or false, got ${describe(value)}`;
    values[name] = option.negate ? (positive ? value : !value) : value;
    return null;
  }
  const items = REPEATABLE.has(key) ? (Array.isArray(value) ? value : [value]) : [value];
  let parsed: unknown;
  for (const item of items) {
    const scalar = typeof item === "string" || (typeof item === "number" && Number.isFinite(item));
    if (!scalar || (REPEATABLE.has(key) && typeof item !== "string")) {
      return `expected ${REPEATABLE.has(key) ? "a string or an array of strings" : "a string or a number"}, got ${describe(item)}`;
    }
    let text = String(item);
    if (PATH_KEYS.has(key)) text = resolve(baseDir, text);
    if (option.argChoices && !option.argChoices.includes(text)) {
      return `expected one of ${option.argChoices.join(", ")}, got ${JSON.stringify(text)}`;
    }
    try {
      parsed = option.parseArg ? option.parseArg(text, parsed) : text;
    } catch (err) {
      if (err instanceof InvalidArgumentError) return err.message.replace(/\.$/, "");
      throw err;
    }
  }
  values[name] = parsed;
  return null;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (isTable(value)) return "a table";
  if (value instanceof Date) return "a date";
  return `${typeof value === "string" ? "the string" : typeof value === "boolean" ? "the boolean" : "the number"} ${JSON.stringify(value)}`;
}

/** The closest name within two edits, for "did you mean". */
function closest(word: string, names: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const name of names) {
    const d = editDistance(word, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        (row[j] as number) + 1,
        (next[j - 1] as number) + 1,
        (row[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length] as number;
}

/**
 * Where each key is written: TOML parsers give positions for syntax errors only, so the lines are found
 * again by reading the text for table headers and `key =` starts (skipping multi-line strings).
 */
function keyLines(text: string) {
  const at = new Map<string, number>();
  const bare = `(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')`;
  const header = new RegExp(String.raw`^\s*\[\s*(${bare}(?:\s*\.\s*${bare})*)\s*\]`);
  const keyStart = new RegExp(String.raw`^\s*(${bare}(?:\s*\.\s*${bare})*)\s*=`);
  const split = (dotted: string) =>
    (dotted.match(new RegExp(bare, "g")) ?? []).map((part) => part.replace(/^["']|["']$/g, ""));
  let table: string[] = [];
  let inMultiline: string | null = null;
  text.split(/\r?\n/).forEach((line, index) => {
    if (inMultiline) {
      if (line.split(inMultiline).length % 2 === 0) inMultiline = null;
      return;
    }
    const h = header.exec(line);
    const k = h ? null : keyStart.exec(line);
    if (h) {
      table = split(h[1] as string);
      if (!at.has(table.join("."))) at.set(table.join("."), index + 1);
    } else if (k) {
      const path = [...table, ...split(k[1] as string)].join(".");
      if (!at.has(path)) at.set(path, index + 1);
    }
    for (const quotes of ['"""', "'''"]) {
      if (line.split(quotes).length % 2 === 0) inMultiline = quotes;
    }
  });
  return {
    /** The line of `path`, or of the nearest enclosing table or inline table written down. */
    find(path: string[]): number | undefined {
      for (let n = path.length; n > 0; n--) {
        const line = at.get(path.slice(0, n).join("."));
        if (line !== undefined) return line;
      }
      return undefined;
    },
  };
}
