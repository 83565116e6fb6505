// Python's tokens, the arithmetic subset: numbers (with underscores, 0x/0o/0b, floats), names, operators.
// Reading stops at the length limit, so a huge line costs no more than a long one: what lies past the limit
// becomes one "too-long" token, reported only if the parser gets that far. A 10,000-deep "((((" is thus
// reported as too deeply nested, which is the first thing wrong with it.
import { syntaxError } from "./errors.js";

export interface Token {
  type: "num" | "name" | "op" | "end" | "too-long";
  text: string;
  /** 1-based, as the error messages count. */
  column: number;
}

// Longest first, so that "**" is not read as "*" "*".
const OPERATORS = [
  "**",
  "//",
  "<<",
  ">>",
  "<=",
  ">=",
  "==",
  "!=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "~",
  "&",
  "|",
  "^",
  "<",
  ">",
  "(",
  ")",
  ",",
];
const DIGITS = String.raw`\d(?:_?\d)*`;
const EXPONENT = `(?:[eE][+-]?${DIGITS})`;
const NUMBER = new RegExp(
  "^(?:" +
    [
      "0[xX](?:_?[0-9a-fA-F])+",
      "0[oO](?:_?[0-7])+",
      "0[bB](?:_?[01])+",
      `(?:${DIGITS})?\\.${DIGITS}${EXPONENT}?`, // .5  1.5  1.5e3
      `${DIGITS}\\.?${EXPONENT}?`, // 1  1.  1e3  1.e3
    ].join("|") +
    ")",
);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
// Python's whitespace between tokens; a line's own CR/LF may still be attached when it arrives here.
const SPACE = /[ \t\f\v\r\n]/;
const ONLY_SPACE = /^[ \t\f\v\r\n]*$/;

export function tokenize(text: string, maxLength: number): Token[] {
  const tokens: Token[] = [];
  const tooLong = (): Token[] => {
    const message = `expression longer than ${maxLength} characters`;
    tokens.push({ type: "too-long", text: message, column: maxLength + 1 });
    return tokens;
  };
  let at = 0;
  while (at < text.length) {
    const c = text.charAt(at);
    if (SPACE.test(c)) {
      at++;
      continue;
    }
    if (at >= maxLength) {
      if (ONLY_SPACE.test(text.slice(at))) break;
      return tooLong();
    }
    // Match within the allowed window only (plus one character, to see what follows a token).
    const rest = text.slice(at, maxLength + 1);
    const token = readToken(rest, c, at + 1);
    if (at + token.text.length > maxLength) return tooLong();
    tokens.push(token);
    at += token.text.length;
  }
  tokens.push({ type: "end", text: "", column: text.length + 1 });
  return tokens;
}

function readToken(rest: string, c: string, column: number): Token {
  if (/[0-9]/.test(c) || (c === "." && /^\.[0-9]/.test(rest))) {
    const text = (NUMBER.exec(rest) as RegExpExecArray)[0];
    // Python refuses "1abc", "0x", "1__0", "1_": a number must not run into a name or an underscore.
    if (/[A-Za-z0-9_]/.test(rest.charAt(text.length)))
      throw syntaxError(`invalid number at column ${column}`);
    // "00" is zero, but "007" and "0_7" are errors (Python 2's octal).
    if (/^0[0-9_]*[1-9]/.test(text) && !/[.eExXoObB]/.test(text)) {
      throw syntaxError(`leading zeros in a number at column ${column}`);
    }
    return { type: "num", text, column };
  }
  const name = NAME.exec(rest);
  if (name) return { type: "name", text: name[0], column };
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (op) return { type: "op", text: op, column };
  const char = String.fromCodePoint(rest.codePointAt(0) ?? 0);
  throw syntaxError(`unexpected character '${char}' at column ${column}`);
}
