// The work an expression may do, estimated before each big-integer operation from its operands' sizes.
// The int bit limit bounds every single operation to a few milliseconds, but a 2,000-character line can
// hold a hundred of them, and a modular power with a large exponent is thousands of multiplications: the
// budget bounds their sum, so no line can hold the server for long. The estimate is a model (deterministic,
// so the same line always gets the same answer), not a clock.
import { CalcError } from "./errors.js";

/**
 * Estimated microseconds an expression may spend: about half a second on the 2-core machine this was
 * calibrated on (Node 20). The model overestimates most operations, so real time stays below it.
 */
export const WORK_BUDGET = 500_000;

/** Microseconds for one b×b-bit multiplication: V8 is Karatsuba/Toom-Cook-like (exponent ~1.6) here. */
function square(bits: number): number {
  return 0.05 + 0.75 * (Math.max(bits, 64) / 1024) ** 1.6;
}

/** Estimated microseconds of the big-integer operations, by operand and result sizes in bits. */
export const cost = {
  /** Addition, comparison, bitwise operators, shifts, negation, bit-length checks. */
  linear: (bits: number): number => 0.05 + bits / 40_000,
  /** n×m bits: n/m multiplications of m×m (n ≥ m), which is linear when one side is small. */
  multiply(n: number, m: number): number {
    const [big, small] = n >= m ? [n, Math.max(m, 64)] : [m, Math.max(n, 64)];
    return (big / small) * square(small);
  },
  /** n bits divided by m bits: measured at about 2.2 multiplications of quotient by divisor. */
  divide(n: number, m: number): number {
    if (n < m) return cost.linear(n);
    return 2.2 * cost.multiply(n - m + 1, m) + cost.linear(n);
  },
  /** A power of `resultBits` bits: repeated squaring, dominated by the last squarings. */
  power: (resultBits: number): number => 3 * square(resultBits / 2) + cost.linear(resultBits),
  /** pow(b, e, m): one modular squaring per bit of e, one modular multiplication per set bit. */
  modPow: (modBits: number, expBits: number, expOnes: number): number =>
    (expBits + expOnes) * 3.2 * square(modBits) + 0.3 * expBits,
  /** Converting between binary and decimal (literals and the printed result). */
  decimal: (bits: number): number => 5 * square(bits),
  /** Float operations done with BigInt (correctly rounded powers, round()): small and bounded. */
  float: 20,
};

/** The budget of one expression. */
export class WorkMeter {
  private spent = 0;

  constructor(private readonly budget: number = WORK_BUDGET) {}

  /** Charge for an operation before doing it. */
  charge(microseconds: number): void {
    this.spent += microseconds;
    if (this.spent > this.budget) throw new CalcError("expression too costly to compute");
  }

  get total(): number {
    return this.spent;
  }
}
