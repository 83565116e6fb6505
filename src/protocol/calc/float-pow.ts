// x ** y for floats, correctly rounded as the C library that CPython calls rounds it. V8's Math.pow can be
// a last bit off (2.5 ** 2.5), so the power is computed as exp(y·ln x) in 200-bit fixed point with BigInt
// and rounded once.
const P = 200n;
const ONE = 1n << P;

/** atanh(z) for a fixed-point z with |z| <= 1/3: z + z³/3 + z⁵/5 + … */
function atanh(z: bigint): bigint {
  const z2 = (z * z) >> P;
  let term = z;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term = (term * z2) >> P;
  }
  return sum;
}

const LN2 = 2n * atanh(ONE / 3n);

/** ln(m / 2^52 · 2^e) for a positive float given as mantissa and exponent. */
function ln(mantissa: bigint, exponent: number): bigint {
  // Normalise the mantissa into [1, 2): m = mantissa · 2^(exponent - e2).
  const bits = mantissa.toString(2).length;
  const e2 = exponent + bits - 1;
  const m = (mantissa << P) >> BigInt(bits - 1);
  // ln m = 2 atanh((m - 1) / (m + 1))
  const z = ((m - ONE) << P) / (m + ONE);
  return BigInt(e2) * LN2 + 2n * atanh(z);
}

/** e^t · 2^0 for fixed-point t, returned as fixed-point value and a binary exponent. */
function exp(t: bigint): [bigint, number] {
  // t = k·ln2 + r with |r| <= ln2/2
  let k = t / LN2;
  let r = t - k * LN2;
  if (r > LN2 / 2n) {
    r -= LN2;
    k += 1n;
  } else if (r < -LN2 / 2n) {
    r += LN2;
    k -= 1n;
  }
  let term = ONE;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n++) {
    sum += term;
    term = (term * r) / (n << P);
  }
  return [sum, Number(k)];
}

/** The float nearest to q · 2^exponent (q > 0), ties to even, with `sticky` for a lost remainder. */
export function roundToFloat(q: bigint, exponent: number, sticky = false): number {
  let value = q;
  let e = exponent;
  let drop = value.toString(2).length - 53;
  // Subnormals keep fewer bits.
  if (drop < -1074 - e) drop = -1074 - e;
  if (drop > 0) {
    const half = 1n << BigInt(drop - 1);
    const rest = value & ((1n << BigInt(drop)) - 1n);
    value >>= BigInt(drop);
    e += drop;
    if (rest > half || (rest === half && (sticky || (value & 1n) === 1n))) value += 1n;
  }
  // Two steps, so that 2^e itself cannot overflow or underflow before the product does.
  const half = Math.trunc(e / 2);
  return Number(value) * 2 ** half * 2 ** (e - half);
}

/** The exact value of a finite float as mantissa × 2^exponent. */
export function exactFloat(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biased === 0) return [sign * fraction, -1074];
  return [sign * (fraction | (1n << 52n)), biased - 1075];
}

/**
 * |x| ** y for finite x ≠ 0, 1 and finite y ≠ 0, correctly rounded; Infinity when it overflows, 0 when it
 * underflows.
 */
export function powAbs(x: number, y: number): number {
  const [xm, xe] = exactFloat(Math.abs(x));
  const [ym, ye] = exactFloat(y);
  let t = ln(xm, xe) * ym;
  t = ye >= 0 ? t << BigInt(ye) : t >> BigInt(-ye);
  // Far outside the range of floats: say so without computing e^t.
  if (t > 710n * ONE) return Number.POSITIVE_INFINITY;
  if (t < -746n * ONE) return 0;
  const [mantissa, k] = exp(t);
  return roundToFloat(mantissa, k - Number(P), true);
}
