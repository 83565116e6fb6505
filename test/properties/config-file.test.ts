// Properties of the configuration file, against `tcpchat serve`'s own options: a file accepts exactly what
// the command line does (each value through the option's parser: the same value, or a problem on its line
// where the command line refuses it), unknown keys are named at their lines, and no text makes it throw.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CommanderError, type Option } from "commander";
import fc from "fast-check";
import { parseConfig, SECTIONS } from "../../src/cli/config-file.js";
import { commandLineOptions } from "../../src/cli/given-options.js";
import { serveCommand } from "../../src/cli/serve.js";
import { PROPERTY_RUNS } from "../support/properties.js";

const OPTIONS = serveCommand().options;
/** Not keys of a file (the file itself, help), or naming files that must exist (tested in test/cli). */
const LEFT_OUT = new Set(["config", "help", "version", "motd-file", "tls-cert", "tls-key", "data-dir"]);
const REPEATABLE = new Set(["oper", "web-origin"]);
const BASE_DIR = "/nonexistent-base";

const longName = (option: Option) => (option.long ?? "").replace(/^--/, "");
const keyed = OPTIONS.filter((option) => option.long && !LEFT_OUT.has(longName(option)));
const valued = keyed.filter((option) => option.required || option.optional);
const switches = keyed.filter((option) => !option.required && !option.optional);

/** A TOML basic string: every character but quotes, backslashes and control characters as it is. */
function tomlString(text: string): string {
  let out = "";
  for (const c of text) {
    const code = c.codePointAt(0) as number;
    out +=
      c === '"' || c === "\\" || code < 0x20 || code === 0x7f
        ? `\\u${code.toString(16).padStart(4, "0")}`
        : c;
  }
  return `"${out}"`;
}

/** `text` as TOML: a number where it reads back as the same text, else a string. */
function tomlValue(text: string, asNumber: boolean): string {
  return asNumber && /^-?\d+(\.\d+)?$/.test(text) && String(Number(text)) === text ? text : tomlString(text);
}

/** Values a user may type for any option: good, bad and strange. */
function candidates(option: Option): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      "0",
      "1",
      "3",
      "80",
      "6667",
      "65535",
      "65536",
      "-1",
      "1.5",
      "0.5",
      "abc",
      "",
      " 7",
      "1e3",
    ),
    fc.constantFrom("alice:secret", "bob:", ":pw", "a:b:c", "debug", "json", "rooms", "evented", "http://x"),
    ...(option.argChoices ? [fc.constantFrom(...option.argChoices)] : []),
    fc.string({ unit: "grapheme", maxLength: 12 }),
    fc.string({ unit: "binary", maxLength: 6 }),
  );
}

/**
 * One setting: an option, its value(s) as typed, written as a number where it can be (as an array, for a
 * repeatable option), at the top or in its section.
 */
interface Setting {
  option: Option;
  texts: string[];
  asNumber: boolean;
  inSection: boolean;
}

const settings: fc.Arbitrary<Setting[]> = fc
  .uniqueArray(fc.constantFrom(...valued), { maxLength: 6, selector: longName })
  .chain((options) =>
    fc.tuple(
      ...options.map((option) =>
        fc.record({
          option: fc.constant(option),
          texts: REPEATABLE.has(longName(option))
            ? fc.array(candidates(option), { minLength: 1, maxLength: 2 })
            : candidates(option).map((text) => [text]),
          asNumber: fc.boolean(),
          inSection: fc.boolean(),
        }),
      ),
    ),
  );

/** What the command line makes of `--key=value` (repeated for each value): the value, or its refusal. */
function commandLine(setting: Setting): { value: unknown } | { refused: string } {
  const command = serveCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  const flag = setting.option.long as string;
  try {
    command.parseOptions(setting.texts.map((text) => `${flag}=${text}`));
  } catch (err) {
    if (err instanceof CommanderError) return { refused: err.message };
    throw err;
  }
  return { value: commandLineOptions(command)[setting.option.attributeName()] };
}

/** The file's lines: top-level keys (unknown ones among them), then each section's. */
function fileOf(list: Setting[], unknown: string[]): { text: string; lineOf: Map<string, number> } {
  const lines: string[] = [];
  const lineOf = new Map<string, number>();
  const put = (key: string, value: string) => {
    lines.push(`${key} = ${value}`);
    lineOf.set(key, lines.length);
  };
  const write = (s: Setting) => {
    const key = longName(s.option);
    // A repeatable option takes an array of strings, or one string; any other a string or a number.
    if (!REPEATABLE.has(key)) put(key, tomlValue(s.texts[0] as string, s.asNumber));
    else if (s.texts.length === 1 && !s.asNumber) put(key, tomlString(s.texts[0] as string));
    else put(key, `[${s.texts.map(tomlString).join(", ")}]`);
  };
  const sectionOf = (s: Setting) =>
    s.inSection
      ? Object.keys(SECTIONS).find((name) => SECTIONS[name]?.includes(longName(s.option)))
      : undefined;
  for (const [i, s] of list.entries()) {
    if (sectionOf(s) === undefined) write(s);
    if (unknown[i] !== undefined) put(unknown[i] as string, "1");
  }
  for (const key of unknown.slice(list.length)) put(key, "1");
  for (const name of Object.keys(SECTIONS)) {
    const inside = list.filter((s) => sectionOf(s) === name);
    if (inside.length === 0) continue;
    lines.push(`[${name}]`);
    for (const s of inside) write(s);
  }
  return { text: lines.join("\n"), lineOf };
}

const knownKeys = new Set([
  ...keyed.map(longName),
  ...keyed.filter((o) => o.negate).map((o) => longName(o).replace(/^no-/, "")),
  ...Object.keys(SECTIONS),
  ...LEFT_OUT,
]);
const unknownKey = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}$/).filter((key) => !knownKeys.has(key));

describe("configuration file properties", () => {
  it("takes each value as the command line does, or names the problem at its line", () => {
    fc.assert(
      fc.property(settings, fc.array(unknownKey, { maxLength: 2 }), (list, unknown) => {
        const names = new Set(list.map((s) => longName(s.option)));
        const strays = unknown.filter((key, i) => !names.has(key) && unknown.indexOf(key) === i);
        const { text, lineOf } = fileOf(list, strays);
        const { values, problems } = parseConfig(text, OPTIONS, BASE_DIR);
        const expectedLines: number[] = strays.map((key) => lineOf.get(key) as number);
        for (const setting of list) {
          const key = longName(setting.option);
          const cli = commandLine(setting);
          if ("refused" in cli) {
            expectedLines.push(lineOf.get(key) as number);
            assert.equal(values[setting.option.attributeName()], undefined, `${key}: no value where refused`);
          } else {
            assert.deepEqual(
              values[setting.option.attributeName()],
              cli.value,
              `${key} = ${JSON.stringify(setting.texts)}`,
            );
          }
        }
        assert.deepEqual(
          problems.map((p) => p.line),
          expectedLines.sort((a, b) => a - b),
          `${text}\n→ ${JSON.stringify(problems)}`,
        );
        for (const key of strays)
          assert.ok(
            problems.some((p) => p.line === lineOf.get(key) && p.message.startsWith(`unknown key '${key}'`)),
          );
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it("takes only true or false for a switch", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...switches),
        fc.constantFrom("1", "0", '"true"', '"yes"', "[]", "[true]", "{}", "1979-05-27"),
        (option, value) => {
          const key = longName(option);
          const { values, problems } = parseConfig(`${key} = ${value}`, OPTIONS, BASE_DIR);
          assert.equal(values[option.attributeName()], undefined);
          assert.equal(problems.length, 1, JSON.stringify(problems));
          assert.equal(problems[0]?.line, 1);
          assert.match(problems[0]?.message ?? "", /^\S+: expected true or false, got /);
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it("sets each switch as its flag does: `key = true`, `key = false`, `no-key = true`", () => {
    fc.assert(
      fc.property(fc.constantFrom(...switches), fc.boolean(), (option, on) => {
        const key = longName(option);
        const name = option.attributeName();
        const { values, problems } = parseConfig(`${key} = ${on}`, OPTIONS, BASE_DIR);
        assert.deepEqual(problems, []);
        const command = serveCommand().exitOverride();
        command.parseOptions(on ? [option.long as string] : []);
        const given = commandLineOptions(command)[name];
        // Unset on the command line is the switch's default: off, or on for a `--no-` switch.
        assert.equal(values[name], given ?? option.negate, `${key} = ${on}`);
        if (option.negate) {
          const positive = parseConfig(`${key.replace(/^no-/, "")} = ${!on}`, OPTIONS, BASE_DIR);
          assert.equal(positive.values[name], values[name]);
        }
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it("reads any text without throwing, each problem on one of its lines", () => {
    const pieces = fc.constantFrom(
      "port",
      "=",
      " ",
      "\n",
      "[",
      "]",
      "limits",
      "listen",
      '"',
      "'",
      "1",
      "true",
      "#",
      ".",
      ",",
      "oper",
      "max-line",
      "x",
      "{",
      "}",
      '"""',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(pieces, { maxLength: 30 }).map((p) => p.join("")),
          fc.string({ unit: "binary", maxLength: 40 }),
        ),
        (text) => {
          const { problems } = parseConfig(text, OPTIONS, BASE_DIR);
          const count = text.split(/\r?\n/).length;
          for (const p of problems) {
            if (p.line !== undefined)
              assert.ok(p.line >= 1 && p.line <= count, `${JSON.stringify(text)}: ${JSON.stringify(p)}`);
            assert.ok(p.message.length > 0);
          }
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
