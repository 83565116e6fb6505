// Python 3's expression grammar, the arithmetic part, into a tree: a recursive-descent parser with one
// function per precedence level, loosest first. Every construct that nests (parentheses, calls, unary
// signs, `not`, the right side of `**`) counts towards the depth limit, so no input can exhaust the stack.
import { CalcError, syntaxError } from "./errors.js";
import { type Token, tokenize } from "./lexer.js";

export type Node =
  | { kind: "int"; text: string }
  | { kind: "float"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "unary"; op: UnaryOp; operand: Node }
  | { kind: "binary"; op: BinaryOp; left: Node; right: Node }
  | { kind: "compare"; first: Node; rest: Array<{ op: CompareOp; operand: Node }> }
  | { kind: "bool-op"; op: "and" | "or"; left: Node; right: Node }
  | { kind: "name"; name: string }
  | { kind: "call"; name: string; args: Node[] };

export type UnaryOp = "+" | "-" | "~" | "not";
export type BinaryOp = "+" | "-" | "*" | "/" | "//" | "%" | "**" | "<<" | ">>" | "&" | "|" | "^";
export type CompareOp = "<" | "<=" | ">" | ">=" | "==" | "!=";

const COMPARE_OPS: ReadonlySet<string> = new Set(["<", "<=", ">", ">=", "==", "!="]);
/** Binary operators by precedence, loosest first (Python's bitwise_or ... term). */
const LEVELS: ReadonlyArray<ReadonlySet<string>> = [
  new Set(["|"]),
  new Set(["^"]),
  new Set(["&"]),
  new Set(["<<", ">>"]),
  new Set(["+", "-"]),
  new Set(["*", "/", "//", "%"]),
];
/** Python's keywords can never be names; the ones this grammar does not use are syntax errors. */
const KEYWORDS: ReadonlySet<string> = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except finally for " +
    "from global if import in is lambda nonlocal not or pass raise return try while with yield"
  ).split(" "),
);

export interface ParseLimits {
  maxDepth: number;
  maxLength: number;
}

export function parse(text: string, limits: ParseLimits): Node {
  const tokens = tokenize(text, limits.maxLength);
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos] as Token;
  const next = () => tokens[pos++] as Token;
  const isOp = (t: Token, op: string) => t.type === "op" && t.text === op;
  const isWord = (t: Token, word: string) => t.type === "name" && t.text === word;
  const unexpected = (t: Token): never => {
    if (t.type === "too-long") throw new CalcError(t.text);
    if (t.type === "end") throw syntaxError("unexpected end of input");
    throw syntaxError(`unexpected '${t.text}' at column ${t.column}`);
  };
  const expect = (op: string) => {
    if (!isOp(peek(), op)) unexpected(peek());
    next();
  };
  const nested = <T>(parseInner: () => T): T => {
    if (++depth > limits.maxDepth) throw new CalcError("expression too deeply nested");
    const inner = parseInner();
    depth--;
    return inner;
  };

  const disjunction = (): Node => {
    let left = conjunction();
    while (isWord(peek(), "or")) {
      next();
      left = { kind: "bool-op", op: "or", left, right: conjunction() };
    }
    return left;
  };
  const conjunction = (): Node => {
    let left = inversion();
    while (isWord(peek(), "and")) {
      next();
      left = { kind: "bool-op", op: "and", left, right: inversion() };
    }
    return left;
  };
  const inversion = (): Node => {
    if (!isWord(peek(), "not")) return comparison();
    next();
    return { kind: "unary", op: "not", operand: nested(inversion) };
  };
  // 1 < 2 < 3 is one node, so that it means 1 < 2 and 2 < 3 with 2 evaluated once.
  const comparison = (): Node => {
    const first = binary(0);
    const rest: Array<{ op: CompareOp; operand: Node }> = [];
    while (peek().type === "op" && COMPARE_OPS.has(peek().text)) {
      const op = next().text as CompareOp;
      rest.push({ op, operand: binary(0) });
    }
    return rest.length === 0 ? first : { kind: "compare", first, rest };
  };
  // Left-associative levels, built as loops: long chains like 1+1+...+1 do not nest.
  const binary = (level: number): Node => {
    const ops = LEVELS[level];
    if (!ops) return factor();
    let left = binary(level + 1);
    while (peek().type === "op" && ops.has(peek().text)) {
      const op = next().text as BinaryOp;
      left = { kind: "binary", op, left, right: binary(level + 1) };
    }
    return left;
  };
  const factor = (): Node => {
    const t = peek();
    if (t.type !== "op" || (t.text !== "+" && t.text !== "-" && t.text !== "~")) return power();
    next();
    return { kind: "unary", op: t.text, operand: nested(factor) };
  };
  // `**` binds tighter than a unary sign on its left (-2**2 is -4) and takes one on its right (2**-1), and
  // is right-associative (2**3**2 is 2**9).
  const power = (): Node => {
    const base = atom();
    if (!isOp(peek(), "**")) return base;
    next();
    return { kind: "binary", op: "**", left: base, right: nested(factor) };
  };
  const atom = (): Node => {
    const t = next();
    if (t.type === "num") return number(t.text);
    if (t.type === "name") {
      if (t.text === "True" || t.text === "False") return { kind: "bool", value: t.text === "True" };
      if (KEYWORDS.has(t.text)) return unexpected(t);
      if (!isOp(peek(), "(")) return { kind: "name", name: t.text };
      next();
      return { kind: "call", name: t.text, args: nested(callArguments) };
    }
    if (isOp(t, "(")) {
      const inner = nested(disjunction);
      expect(")");
      return inner;
    }
    return unexpected(t);
  };
  // After the "(": arguments separated by commas, a trailing comma allowed, up to the ")".
  const callArguments = (): Node[] => {
    const args: Node[] = [];
    while (!isOp(peek(), ")")) {
      args.push(disjunction());
      if (isOp(peek(), ",")) next();
      else if (!isOp(peek(), ")")) unexpected(peek());
    }
    next();
    return args;
  };

  const tree = disjunction();
  if (peek().type !== "end") unexpected(peek());
  return tree;
}

function number(text: string): Node {
  const clean = text.replace(/_/g, "");
  if (!/^0[xXoObB]/.test(clean) && /[.eE]/.test(clean)) return { kind: "float", value: Number(clean) };
  // Ints stay text until evaluated: converting a long literal costs work, which the evaluator charges.
  return { kind: "int", text: clean };
}
