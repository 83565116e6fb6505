// What the fuzzer feeds: each target takes bytes as a client (or an operator's file) would send them and
// throws when the code under test throws or breaks a promise it makes about any input.
import { parseConfig } from "../../src/cli/config-file.js";
import { serveCommand } from "../../src/cli/serve.js";
import { evaluate } from "../../src/protocol/calc/index.js";
import {
  encodeLine,
  formatMessage,
  MAX_BODY_BYTES,
  needsTrailing,
  parseIrcLine,
} from "../../src/protocol/irc/message.js";
import { LineFramer } from "../../src/protocol/line-framer.js";
import { SeedReader } from "../../src/protocol/seed-rooms.js";
import { MAX_SEED_ERROR_DETAIL } from "../support/properties.js";

export interface FuzzTarget {
  /** Its folder under test/fuzz/corpus and test/fuzz/crashes. */
  name: string;
  /** Words the mutator puts in more often than chance would. */
  dictionary: readonly string[];
  /** Longest input tried. */
  maxLength: number;
  /** Throws on a bug. */
  run(data: Uint8Array): void;
}

class Broken extends Error {}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Broken(what);
}

/** The lines a connection's framer gives for `data`, ended. */
function lines(data: Uint8Array, max: number): string[] {
  const out: string[] = [];
  const framer = new LineFramer(max, { line: (line) => out.push(line), lineError: () => {} });
  framer.push(data);
  framer.end();
  return out;
}

const CONFIG_OPTIONS = serveCommand().options;

export const TARGETS: readonly FuzzTarget[] = [
  {
    name: "irc-line",
    dictionary: [
      "\r\n",
      "\n",
      " :",
      "@",
      ";",
      "=",
      "\\s",
      "\\:",
      ":nick!user@host ",
      "PRIVMSG ",
      "JOIN ",
      "#",
      "+",
      "\u00e9",
      "\u{1f600}",
    ],
    maxLength: 10_000,
    run(data) {
      for (const line of lines(data, 8704)) {
        const message = parseIrcLine(line);
        if (message === null || message.forbidden) continue;
        check(message.params.length <= 15, "at most 15 parameters");
        // Written back as the server writes (a client's source is never kept, so "" is none), it reads
        // back the same. A command word that cannot open a line or be a middle parameter (empty, or ':'
        // or '@' after an empty source) is refused as unknown, and never written where it would matter.
        if (needsTrailing(message.command) || message.command.startsWith("@")) continue;
        const again = parseIrcLine(formatMessage({ ...message, source: message.source || null }));
        check(
          again !== null &&
            again.command === message.command &&
            (again.source ?? "") === (message.source ?? "") &&
            JSON.stringify(again.params) === JSON.stringify(message.params) &&
            JSON.stringify(Object.entries(again.tags).sort()) ===
              JSON.stringify(Object.entries(message.tags).sort()),
          `read back differently: ${JSON.stringify(line.slice(0, 200))}`,
        );
        // What the server writes from a client's words stays one line of at most 512 bytes.
        const out = encodeLine(
          formatMessage({ source: message.source, command: message.command || "X", params: message.params }),
        );
        check(
          Buffer.byteLength(out) <= MAX_BODY_BYTES + 2 && out.indexOf("\n") === out.length - 1,
          "one line, 512 bytes",
        );
      }
    },
  },
  {
    name: "seed-blocks",
    dictionary: [
      "\n",
      "\r\n",
      ": ",
      "JOIN_CHATROOM: ",
      "CLIENT_IP: ",
      "PORT: ",
      "CLIENT_NAME: ",
      "CHAT: ",
      "JOIN_ID: ",
      "MESSAGE: ",
      "LEAVE_CHATROOM: ",
      "DISCONNECT: ",
      "HELO ",
      "KILL_SERVICE",
    ],
    maxLength: 6000,
    run(data) {
      const reader = new SeedReader();
      for (const line of lines(data, 4096)) for (const input of reader.push(line)) checkSeed(input);
      const last = reader.end();
      if (last) checkSeed(last);
    },
  },
  {
    name: "calc",
    dictionary: [
      "**",
      "//",
      "<<",
      ">>",
      "(",
      ")",
      ",",
      "e308",
      "9999",
      ".5",
      "0x",
      "_",
      "-",
      "~",
      "not ",
      " and ",
      "pow(",
      "round(",
      "divmod(",
      "int(",
      "float(",
      "min(",
      "max(",
      "abs(",
      "bool(",
      "True",
      "inf",
    ],
    maxLength: 2100,
    run(data) {
      const result = evaluate(Buffer.from(data).toString("utf8"));
      if (!result.ok)
        check(result.error.startsWith("ERROR ") && result.error !== "ERROR internal error", result.error);
    },
  },
  {
    name: "config",
    dictionary: [
      "\n",
      " = ",
      "[limits]\n",
      "[listen]\n",
      '"',
      "'",
      '"""',
      "[",
      "]",
      "{",
      "}",
      ",",
      "#",
      "port",
      "oper",
      "max-line",
      "flood-limit",
      "true",
      "1.5",
      "-1",
      "1979-05-27T07:32:00Z",
      "\\u00e9",
    ],
    maxLength: 4000,
    run(data) {
      const text = Buffer.from(data).toString("utf8");
      const { problems } = parseConfig(text, CONFIG_OPTIONS, "/nonexistent-base");
      const count = text.split(/\r?\n/).length;
      for (const p of problems)
        check(p.line === undefined || (p.line >= 1 && p.line <= count), `line ${p.line}`);
    },
  },
];

function checkSeed(input: ReturnType<SeedReader["push"]>[number]): void {
  if (input.kind === "error")
    check(input.detail.length <= MAX_SEED_ERROR_DETAIL, "an error quotes a short piece of the line");
}
