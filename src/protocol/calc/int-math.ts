// Python's integer arithmetic where it differs from BigInt's: floor division and modulo, correctly
// rounded true division, half-to-even rounding, modular powers and inverses. Pure: the evaluator checks
// sizes and charges the work before calling these.
import { CalcError } from "./errors.js";
import { roundToFloat } from "./float-pow.js";
import { bitLength } from "./value.js";

/** a // b, rounding towards minus infinity (BigInt's / truncates towards zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** a % b with the sign of b (BigInt's % takes the sign of a). */
export function floorMod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r !== 0n && r < 0n !== b < 0n ? r + b : r;
}

/** log2 |a| for a ≠ 0, to 53 bits, however long a is: to foresee the size of a power. */
export function log2Abs(a: bigint): number {
  const n = a < 0n ? -a : a;
  const bits = bitLength(n);
  if (bits <= 1000) return Math.log2(Number(n));
  return Math.log2(Number(n >> BigInt(bits - 64))) + (bits - 64);
}

/** a / b for ints, correctly rounded to the nearest float as Python does, however large a and b are. */
export function trueDivide(a: bigint, b: bigint): number {
  const negative = a < 0n !== b < 0n;
  const n = a < 0n ? -a : a;
  const d = b < 0n ? -b : b;
  if (n === 0n) return negative ? -0 : 0;
  // Both exact as floats: IEEE division rounds correctly by itself.
  const exact = 2n ** 53n;
  if (n <= exact && d <= exact) return Number(a) / Number(b);
  // Scale so the quotient has 64+ bits, keep a sticky bit for the remainder, round once.
  const shift = 66 - (bitLength(n) - bitLength(d));
  const num = shift >= 0 ? n << BigInt(shift) : n;
  const den = shift >= 0 ? d : d << BigInt(-shift);
  const value = roundToFloat(num / den, -shift, num % den !== 0n);
  if (!Number.isFinite(value)) throw new CalcError("integer division result too large for a float");
  return negative ? -value : value;
}

/** num / den rounded to the nearest integer, ties to even (den > 0). */
export function roundHalfEven(num: bigint, den: bigint): bigint {
  let q = floorDiv(num, den);
  const twice = 2n * (num - q * den);
  if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  return q;
}

/**
 * round(v, -digits) for an int: to a multiple of 10^digits, ties to even. A v too small to reach half of
 * 10^digits rounds to 0 without computing the power (round(1, -10**9) is instant).
 */
export function roundInt(v: bigint, digits: bigint): bigint {
  if (digits <= 0n) return v;
  if (bitLength(v) + 2 <= Number(digits) * Math.log2(10)) return 0n;
  const unit = 10n ** digits;
  return roundHalfEven(v, unit) * unit;
}

/** pow(base, exp, mod) as Python computes it (mod ≠ 0; a negative exp needs an invertible base). */
export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  const m = mod < 0n ? -mod : mod;
  let b = floorMod(base, m);
  let e = exp;
  if (e < 0n) {
    b = inverse(b, m);
    e = -e;
  }
  // Left to right over the exponent's bits, read once: shifting a huge exponent each step would be
  // quadratic in its length.
  let result = 1n % m;
  for (const bit of e.toString(2)) {
    result = (result * result) % m;
    if (bit === "1") result = (result * b) % m;
  }
  if (e === 0n) result = 1n % m;
  // Python's result takes the modulus's sign.
  return mod < 0n && result !== 0n ? result + mod : result;
}

/** The inverse of a modulo m (m > 0), by the extended Euclidean algorithm. */
function inverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new CalcError("base is not invertible for the given modulus");
  return floorMod(oldS, m);
}

/** The number of 1 bits of n ≥ 0. */
export function popCount(n: bigint): number {
  let count = 0;
  for (const bit of n.toString(2)) if (bit === "1") count++;
  return count;
}
