// Python's float arithmetic where it differs from JavaScript's: floor division and modulo, powers (with
// CPython's special cases and errors) and round(). Ported from CPython's floatobject.c so that results
// agree to the last bit, including signed zeros, infinities and NaN.
import { CalcError } from "./errors.js";
import { exactFloat, powAbs } from "./float-pow.js";
import { roundHalfEven } from "./int-math.js";

/** CPython's _float_div_mod: [x // y, x % y] for y ≠ 0. */
export function floatDivmod(vx: number, wx: number): [number, number] {
  // `!== 0` rather than truthiness: in C a NaN is true, in JavaScript false.
  let mod = vx % wx;
  let div = (vx - mod) / wx;
  if (mod !== 0) {
    if (wx < 0 !== mod < 0) {
      mod += wx;
      div -= 1;
    }
  } else {
    mod = wx < 0 ? -0 : 0;
  }
  let floordiv: number;
  if (div !== 0) {
    floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1;
  } else {
    const q = vx / wx;
    floordiv = q < 0 || Object.is(q, -0) ? -0 : 0;
  }
  return [floordiv, mod];
}

const isOddInteger = (x: number) => Math.abs(x) % 2 === 1;

/** CPython's float_pow: x ** y for floats. */
export function floatPow(x: number, y: number): number {
  if (y === 0) return 1;
  if (Number.isNaN(x)) return x;
  // JavaScript says 1 ** NaN and 1 ** ±Infinity are NaN; C and Python say 1.
  if (Number.isNaN(y)) return x === 1 ? 1 : y;
  if (!Number.isFinite(y)) {
    const ax = Math.abs(x);
    if (ax === 1) return 1;
    return y > 0 === ax > 1 ? Math.abs(y) : 0;
  }
  if (!Number.isFinite(x)) {
    if (y > 0) return isOddInteger(y) ? x : Math.abs(x);
    return isOddInteger(y) ? (x < 0 ? -0 : 0) : 0;
  }
  if (x === 0) {
    // Python: "0.0 cannot be raised to a negative power", a ZeroDivisionError.
    if (y < 0) throw new CalcError("division by zero");
    return isOddInteger(y) ? x : 0;
  }
  if (x === 1) return 1;
  let negate = false;
  if (x < 0) {
    if (y !== Math.floor(y)) throw new CalcError("complex result not supported");
    negate = isOddInteger(y);
  }
  const magnitude = Math.abs(x) === 1 ? 1 : powAbs(x, y);
  // The C library's pow sets ERANGE on overflow, which Python raises as OverflowError; underflow is 0.
  if (magnitude === Number.POSITIVE_INFINITY) throw new CalcError("result too large");
  return negate ? -magnitude : magnitude;
}

/** round(x) (to an int) and round(x, n) (to a float) as Python's float.__round__: ties to even, exactly. */
export function roundFloat(x: number, ndigits: bigint | null): bigint | number {
  if (ndigits === null) {
    if (Number.isNaN(x)) throw new CalcError("cannot convert float NaN to integer");
    if (!Number.isFinite(x)) throw new CalcError("cannot convert float infinity to integer");
  } else {
    // CPython's NDIGITS_MAX and NDIGITS_MIN: beyond them the answer is x itself or a signed zero.
    if (ndigits > 323n || x === 0 || !Number.isFinite(x)) return x;
    if (ndigits < -308n) return 0 * x;
  }
  const n = ndigits ?? 0n;
  // x = mantissa × 2^exp2 exactly; scale by 10^n and round that rational to an integer.
  const [mantissa, exp2] = exactFloat(x);
  let num = mantissa * (n >= 0n ? 10n ** n : 1n);
  let den = n >= 0n ? 1n : 10n ** -n;
  if (exp2 >= 0) num <<= BigInt(exp2);
  else den <<= BigInt(-exp2);
  const rounded = roundHalfEven(num, den);
  if (ndigits === null) return rounded;
  // The decimal digits, read back as the nearest float, as CPython does with dtoa and strtod.
  const result = Number(`${rounded}e${-n}`);
  if (!Number.isFinite(result)) throw new CalcError("rounded value too large to represent");
  return result === 0 && x < 0 ? -0 : result;
}
