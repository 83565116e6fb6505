// The values of an expression, as Python has them: int (bigint), float (number), bool (a kind of int) and
// the tuple that divmod() returns; how they print, compare and convert.
import { CalcError } from "./errors.js";
import { formatFloat } from "./format.js";
import type { CompareOp } from "./parser.js";

export type Value = bigint | number | boolean | Tuple;
export interface Tuple {
  tuple: Value[];
}

export const typeName = (v: Value): string =>
  typeof v === "bigint" ? "int" : typeof v === "number" ? "float" : typeof v === "boolean" ? "bool" : "tuple";

/** What Python's print() shows (a tuple shows its items' repr, which for numbers is the same). */
export function formatValue(v: Value): string {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return formatFloat(v);
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v.tuple.length === 1) return `(${formatValue(v.tuple[0] as Value)},)`;
  return `(${v.tuple.map(formatValue).join(", ")})`;
}

export function truthy(v: Value): boolean {
  if (typeof v === "object") return v.tuple.length > 0;
  return typeof v === "boolean" ? v : typeof v === "bigint" ? v !== 0n : v !== 0;
}

/** The number in a value (bools are the ints 0 and 1); a tuple is a TypeError with `message`. */
export function numeric(v: Value, message: string): bigint | number {
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "object") throw new CalcError(message);
  return v;
}

/** int to float as Python converts it: correctly rounded (ties to even), an error past the float range. */
export function toFloat(v: bigint | number): number {
  if (typeof v === "number") return v;
  const f = Number(v);
  if (!Number.isFinite(f)) throw new CalcError("int too large to convert to float");
  return f;
}

export function bitLength(n: bigint): number {
  if (n === 0n) return 0;
  const hex = (n < 0n ? -n : n).toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(Number.parseInt(hex.charAt(0), 16)));
}

/** Python's comparisons: int against float compares exact values; tuples compare item by item. */
export function compare(op: CompareOp, lv: Value, rv: Value): boolean {
  if (typeof lv === "object" || typeof rv === "object") return compareTuples(op, lv, rv);
  const a = typeof lv === "boolean" ? (lv ? 1n : 0n) : lv;
  const b = typeof rv === "boolean" ? (rv ? 1n : 0n) : rv;
  // Mixed bigint/number comparisons in JavaScript are exact (and false against NaN), as Python's are.
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "==":
      // biome-ignore lint/suspicious/noDoubleEquals: int == float compares the exact values, as in Python
      return a == b;
    case "!=":
      // biome-ignore lint/suspicious/noDoubleEquals: see above
      return a != b;
  }
}

function compareTuples(op: CompareOp, lv: Value, rv: Value): boolean {
  if (typeof lv !== "object" || typeof rv !== "object") {
    if (op === "==" || op === "!=") return op === "!=";
    throw new CalcError(`'${op}' not supported between instances of '${typeName(lv)}' and '${typeName(rv)}'`);
  }
  const [a, b] = [lv.tuple, rv.tuple];
  // The first items that differ decide; if there are none, the lengths do.
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i] as Value, b[i] as Value];
    if (compare("==", x, y)) continue;
    if (op === "==") return false;
    if (op === "!=") return true;
    return compare(op, x, y);
  }
  return compare(op, BigInt(a.length), BigInt(b.length));
}
