// The calculator against Python 3 itself (a table Python produced), and against everything eval allowed.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  CALC_FUNCTIONS,
  DEFAULT_CALC_LIMITS,
  evaluate,
  SLOW_EXPRESSION,
} from "../../src/protocol/calc/index.js";

interface Case {
  expr: string;
  expected?: string;
  error?: string;
}
const table = JSON.parse(readFileSync(new URL("../fixtures/calc-cases.json", import.meta.url), "utf8")) as {
  python: string;
  cases: Case[];
};

describe("calc: Python's answers", () => {
  it(`has a table of at least 200 expressions from Python ${table.python}`, () => {
    assert.ok(table.cases.length >= 200, `${table.cases.length} cases`);
  });

  it("answers every expression of the table as Python does", () => {
    const wrong: string[] = [];
    for (const c of table.cases) {
      const result = evaluate(c.expr);
      const got = result.ok ? result.value : result.error;
      const ok = c.expected !== undefined ? got === c.expected : got.startsWith(c.error ?? "?");
      if (!ok) wrong.push(`${c.expr} → ${got} (Python: ${c.expected ?? c.error})`);
    }
    assert.deepEqual(wrong, []);
  });
});

describe("calc: errors", () => {
  const error = (expr: string) => {
    const result = evaluate(expr);
    assert.equal(result.ok, false, `${expr} should fail, gave ${result.ok && result.value.slice(0, 40)}`);
    return result.ok ? "" : result.error;
  };

  it("names the offending token and its column", () => {
    assert.equal(error("(1+2)*3)"), "ERROR invalid expression: unexpected ')' at column 8");
    assert.equal(error("  (1+2))"), "ERROR invalid expression: unexpected ')' at column 8");
    assert.equal(error("1 +"), "ERROR invalid expression: unexpected end of input");
    assert.equal(error("2 $ 3"), "ERROR invalid expression: unexpected character '$' at column 3");
    assert.equal(error("1 2"), "ERROR invalid expression: unexpected '2' at column 3");
    assert.equal(error(""), "ERROR empty expression");
    assert.equal(error("   "), "ERROR empty expression");
  });

  it("runs no code: names, attributes, calls, strings, lambdas and assignments are refused", () => {
    for (const expr of [
      "__import__('os').system('true')",
      "().__class__",
      "(1).__class__",
      "open('x')",
      "eval('1')",
      "exec",
      "a",
      "x=1",
      "lambda: 1",
      '"abc"',
      "[1]",
      "{}",
      "()",
      "1 if 1 else 2",
      "constructor",
      "toString",
      "__proto__",
    ]) {
      assert.match(
        error(expr),
        /^ERROR (invalid expression|name '.*' is not defined|functions must be called)/,
        expr,
      );
    }
    assert.equal(error("abs"), "ERROR functions must be called: abs(...)");
    assert.equal(error("foo(1)"), "ERROR name 'foo' is not defined");
    assert.deepEqual([...CALC_FUNCTIONS].sort(), [
      "abs",
      "bool",
      "divmod",
      "float",
      "int",
      "max",
      "min",
      "pow",
      "round",
    ]);
  });

  it("refuses results that would stall the server, before computing them", () => {
    for (const bomb of [
      "9**9**9",
      "2**2**2**2**2**2",
      "1<<10**10",
      "10**10**10 % 7",
      "(2**150000)*(2**150001)",
    ]) {
      assert.equal(error(bomb), "ERROR result too large", bomb);
    }
    assert.equal(error(`pow(3, 2**100000, 2**100000+1)`), "ERROR result too large");
    assert.equal(error("2.0**10000"), "ERROR result too large");
    assert.equal(error("2**(10**6)/1"), "ERROR result too large");
  });

  it("keeps ints up to the limit exact", () => {
    const bits = DEFAULT_CALC_LIMITS.maxIntBits;
    const result = evaluate(`2**${bits - 1} % 1000`);
    assert.ok(result.ok);
    assert.equal(evaluate(`2**${bits}`).ok, false);
  });

  it("bounds nesting and length without overflowing the stack", () => {
    const deep = `${"(".repeat(900)}1${")".repeat(900)}`;
    assert.equal(error(deep), "ERROR expression too deeply nested");
    assert.equal(error(`${"-".repeat(1500)}1`), "ERROR expression too deeply nested");
    assert.equal(error(`${"2**".repeat(600)}1`), "ERROR expression too deeply nested");
    assert.match(error(`${"1+".repeat(5000)}1`), /^ERROR expression longer than/);
    assert.equal(evaluate(`${"(".repeat(50)}1${")".repeat(50)}`).ok, true);
  });

  it("explains type errors and bad arguments like Python", () => {
    assert.equal(error("1.5 & 1"), "ERROR unsupported operand type(s) for &: 'float' and 'int'");
    assert.equal(error("~1.5"), "ERROR bad operand type for unary ~: 'float'");
    assert.equal(error("1 << -1"), "ERROR negative shift count");
    assert.equal(error("(-8)**(1/3)"), "ERROR complex result not supported");
    assert.equal(error("pow(2, 3, 0)"), "ERROR pow() 3rd argument cannot be 0");
    assert.equal(error("pow(2, -1, 4)"), "ERROR base is not invertible for the given modulus");
    assert.equal(error("int(1e308*10)"), "ERROR cannot convert float infinity to integer");
    assert.equal(error("float(2**2000)"), "ERROR int too large to convert to float");
    assert.equal(error("abs(1, 2)"), "ERROR abs() takes 1 argument (2 given)");
    // Python takes one argument as an iterable, and numbers are not.
    assert.equal(error("min(1)"), "ERROR 'int' object is not iterable");
    assert.equal(error("min()"), "ERROR min expected at least 1 argument, got 0");
  });

  it("has a slow expression within the limits, for the concurrency tests", () => {
    const result = evaluate(SLOW_EXPRESSION);
    assert.ok(result.ok, SLOW_EXPRESSION);
  });
});
