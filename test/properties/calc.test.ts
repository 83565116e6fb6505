// Properties of the calculator: Python's integer arithmetic checked against BigInt on random expressions
// (floor division and modulo by the divisor's sign, shifts, bitwise operations on negatives, powers),
// true division against JavaScript's doubles, and any input answered with a value or an `ERROR` line,
// never an internal error.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { evaluate } from "../../src/protocol/calc/index.js";
import { PROPERTY_RUNS } from "../support/properties.js";

class DivisionByZero extends Error {}

/** An int expression written fully parenthesised, with its value computed with Python's rules on BigInt. */
interface IntExpr {
  text: string;
  /** Computes lazily: the first division by zero, left to right, throws as Python's would. */
  value(): bigint;
}

const floorDiv = (a: bigint, b: bigint): bigint => {
  if (b === 0n) throw new DivisionByZero();
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};
const BINARY: Record<string, (a: bigint, b: bigint) => bigint> = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "//": floorDiv,
  "%": (a, b) => a - b * floorDiv(a, b),
  "&": (a, b) => a & b,
  "|": (a, b) => a | b,
  "^": (a, b) => a ^ b,
};

const leaf: fc.Arbitrary<IntExpr> = fc
  .oneof(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -1_000_000, max: 1_000_000 }))
  .map((n) => ({ text: n < 0 ? `(${n})` : String(n), value: () => BigInt(n) }));

const intExpr: fc.Arbitrary<IntExpr> = fc.letrec<{ expr: IntExpr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.tuple(tie("expr"), fc.constantFrom(...Object.keys(BINARY)), tie("expr")).map(([a, op, b]) => ({
      text: `(${a.text}) ${op} (${b.text})`,
      value: () => (BINARY[op] as (x: bigint, y: bigint) => bigint)(a.value(), b.value()),
    })),
    fc.tuple(tie("expr"), fc.integer({ min: 0, max: 3 })).map(([a, k]) => ({
      text: `(${a.text}) ** ${k}`,
      value: () => a.value() ** BigInt(k),
    })),
    fc.tuple(tie("expr"), fc.constantFrom("<<", ">>"), fc.integer({ min: 0, max: 12 })).map(([a, op, k]) => ({
      text: `(${a.text}) ${op} ${k}`,
      value: () => (op === "<<" ? a.value() << BigInt(k) : a.value() >> BigInt(k)),
    })),
    fc.tuple(fc.constantFrom("-", "~", "+"), tie("expr")).map(([op, a]) => ({
      text: `${op}(${a.text})`,
      value: () => (op === "-" ? -a.value() : op === "~" ? ~a.value() : a.value()),
    })),
  ),
})).expr;

/** Tokens of the calculator and of what it refuses, for inputs that reach deep into the parser. */
const TOKENS = [
  ..."0123456789",
  "1_000",
  "0x1f",
  "0o7",
  "0b101",
  "1.5",
  ".5",
  "1e3",
  "2e-3",
  "1e308",
  "inf",
  "nan",
  "j",
  "+",
  "-",
  "*",
  "/",
  "//",
  "%",
  "**",
  "<<",
  ">>",
  "&",
  "|",
  "^",
  "~",
  "(",
  ")",
  ",",
  " ",
  "<",
  "==",
  "!=",
  "not ",
  " and ",
  " or ",
  "True",
  "False",
  "None",
  "abs(",
  "pow(",
  "round(",
  "int(",
  "float(",
  "divmod(",
  "min(",
  "max(",
  "bool(",
  "__import__(",
  "'a'",
];

describe("calc properties", () => {
  it("computes int arithmetic as Python does (checked against BigInt)", () => {
    fc.assert(
      fc.property(intExpr, (expr) => {
        let expected: string;
        try {
          expected = expr.value().toString();
        } catch (err) {
          if (!(err instanceof DivisionByZero)) throw err;
          expected = "ERROR division by zero";
        }
        const result = evaluate(expr.text);
        assert.equal(result.ok ? result.value : result.error, expected, expr.text);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it("divides ints into the nearest double, as Python's true division does", () => {
    const int = fc.integer({ min: -(2 ** 40), max: 2 ** 40 });
    fc.assert(
      fc.property(int, int, (a, b) => {
        const result = evaluate(`${a} / ${b}`);
        if (b === 0) assert.deepEqual(result, { ok: false, error: "ERROR division by zero" });
        else {
          assert.ok(result.ok, `${a} / ${b}: ${JSON.stringify(result)}`);
          assert.equal(Number(result.value), a / b, `${a} / ${b} gave ${result.value}`);
          assert.match(result.value, /[.e]/, "a float, printed as one");
        }
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it("answers anything with a value or an ERROR line, and never fails inside", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(fc.constantFrom(...TOKENS), { maxLength: 16 }).map((tokens) => tokens.join("")),
          fc.string({ maxLength: 30 }),
        ),
        (text) => {
          const result = evaluate(text);
          if (result.ok) assert.ok(result.value.length > 0, text);
          else {
            assert.match(result.error, /^ERROR \S/, text);
            assert.notEqual(result.error, "ERROR internal error", text);
          }
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
