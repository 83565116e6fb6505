// Evaluates a parsed expression with Python 3's arithmetic. Ints are BigInts whose size is foreseen
// before each operation (a power, shift or product that would pass the bit limit is refused, not
// computed), and the work of each operation is charged to the expression's budget beforehand, so that
// nothing an expression asks for can take long.
import { CalcError } from "./errors.js";
import { floatDivmod, floatPow, roundFloat } from "./float-math.js";
import { CALC_FUNCTIONS, callFunction } from "./functions.js";
import { floorDiv, floorMod, log2Abs, modPow, popCount, roundInt, trueDivide } from "./int-math.js";
import type { BinaryOp, Node, UnaryOp } from "./parser.js";
import { bitLength, compare, numeric, toFloat, truthy, typeName, type Value } from "./value.js";
import { cost, type WorkMeter } from "./work.js";

const TOO_LARGE = "result too large";

/** Python's TypeError for operands an operator does not take. */
export const unsupported = (op: string, ...operands: Value[]): string =>
  `unsupported operand type(s) for ${op}: ${operands.map((v) => `'${typeName(v)}'`).join(operands.length > 2 ? ", " : " and ")}`;

export class Evaluator {
  constructor(
    private readonly maxIntBits: number,
    private readonly work: WorkMeter,
  ) {}

  eval(node: Node): Value {
    switch (node.kind) {
      case "int":
        this.work.charge(cost.decimal(node.text.length * 4));
        return this.checkInt(BigInt(node.text));
      case "float":
      case "bool":
        return node.value;
      case "name":
        // Python would show `<built-in function abs>`; a function is only good for calling here.
        if (CALC_FUNCTIONS.includes(node.name))
          throw new CalcError(`functions must be called: ${node.name}(...)`);
        throw new CalcError(`name '${node.name}' is not defined`);
      case "unary":
        return this.unary(node.op, this.eval(node.operand));
      case "binary":
        return this.binary(node.op, this.eval(node.left), this.eval(node.right));
      case "bool-op": {
        // `and` and `or` return one of their operands, and evaluate the right one only when needed.
        const left = this.eval(node.left);
        if (truthy(left) === (node.op === "and")) return this.eval(node.right);
        return left;
      }
      case "compare": {
        // a < b < c is a < b and b < c, with b evaluated once and c only if a < b.
        let left = this.eval(node.first);
        for (const { op, operand } of node.rest) {
          const right = this.eval(operand);
          this.chargeLinear(left, right);
          if (!compare(op, left, right)) return false;
          left = right;
        }
        return true;
      }
      case "call":
        // The name is checked before the arguments are evaluated, as Python looks it up first.
        return callFunction(this, node.name, () => node.args.map((arg) => this.eval(arg)));
    }
  }

  /** The work of printing a value, charged before it is printed. */
  chargeFormat(v: Value): void {
    if (typeof v === "bigint") this.work.charge(cost.decimal(bitLength(v)));
    else if (typeof v === "object") for (const item of v.tuple) this.chargeFormat(item);
  }

  checkInt(n: bigint): bigint {
    if (bitLength(n) > this.maxIntBits) throw new CalcError(TOO_LARGE);
    return n;
  }

  /** Charges an operation linear in the longest of the values: comparisons. */
  chargeLinear(...values: Value[]): void {
    let bits = 0;
    for (const v of values) if (typeof v === "bigint") bits = Math.max(bits, bitLength(v));
    this.work.charge(cost.linear(bits));
  }

  unary(op: UnaryOp, v: Value): Value {
    if (op === "not") return !truthy(v);
    const n = numeric(v, `bad operand type for unary ${op}: '${typeName(v)}'`);
    if (typeof n === "number") {
      if (op === "~") throw new CalcError("bad operand type for unary ~: 'float'");
      return op === "-" ? -n : n;
    }
    this.chargeLinear(n);
    if (op === "~") return -n - 1n;
    return op === "-" ? -n : n;
  }

  binary(op: BinaryOp, lv: Value, rv: Value): Value {
    const message = unsupported(op === "**" ? "** or pow()" : op, lv, rv);
    const a = numeric(lv, message);
    const b = numeric(rv, message);
    const bitwise = op === "&" || op === "|" || op === "^";
    // Bitwise operators keep bools bools: True & False is False.
    if (bitwise && typeof lv === "boolean" && typeof rv === "boolean") {
      return op === "&" ? lv && rv : op === "|" ? lv || rv : lv !== rv;
    }
    if (typeof a === "bigint" && typeof b === "bigint") return this.intOp(op, a, b);
    if (bitwise || op === "<<" || op === ">>") throw new CalcError(message);
    // An int meeting a float becomes a float (an error if it is too large for one).
    return this.floatOp(op, toFloat(a), toFloat(b));
  }

  private intOp(op: BinaryOp, a: bigint, b: bigint): Value {
    const max = this.maxIntBits;
    const [la, lb] = [bitLength(a), bitLength(b)];
    const charge = (us: number) => this.work.charge(us);
    switch (op) {
      case "+":
        charge(cost.linear(Math.max(la, lb)));
        return this.checkInt(a + b);
      case "-":
        charge(cost.linear(Math.max(la, lb)));
        return this.checkInt(a - b);
      case "*":
        // A product has at least la + lb - 1 bits.
        if (la + lb - 1 > max) throw new CalcError(TOO_LARGE);
        charge(cost.multiply(la, lb));
        return this.checkInt(a * b);
      case "/": {
        if (b === 0n) throw new CalcError("division by zero");
        const bits = Math.max(la, lb);
        charge(cost.divide(bits + 66, bits));
        return trueDivide(a, b);
      }
      case "//":
      case "%":
        if (b === 0n) throw new CalcError("division by zero");
        charge(cost.divide(la, lb));
        return op === "//" ? floorDiv(a, b) : floorMod(a, b);
      case "**":
        return this.intPow(a, b);
      case "<<": {
        if (b < 0n) throw new CalcError("negative shift count");
        if (a === 0n) return 0n;
        if (BigInt(la) + b > BigInt(max)) throw new CalcError(TOO_LARGE);
        charge(cost.linear(la + Number(b)));
        return a << b;
      }
      case ">>":
        if (b < 0n) throw new CalcError("negative shift count");
        charge(cost.linear(la));
        // Shifting by more than the length leaves the sign: BigInt would reject a huge count.
        if (b >= BigInt(la)) return a < 0n ? -1n : 0n;
        return a >> b;
      case "&":
        charge(cost.linear(Math.max(la, lb)));
        return a & b;
      case "|":
        charge(cost.linear(Math.max(la, lb)));
        return a | b;
      case "^":
        charge(cost.linear(Math.max(la, lb)));
        return a ^ b;
    }
  }

  private intPow(a: bigint, b: bigint): Value {
    // A negative exponent makes a float, as in Python: 2**-1 is 0.5, 0**-1 divides by zero.
    if (b < 0n) {
      this.work.charge(cost.float);
      return floatPow(toFloat(a), toFloat(b));
    }
    if (b === 0n) return 1n;
    if (a === 0n || a === 1n) return a;
    if (a === -1n) return b % 2n === 0n ? 1n : -1n;
    // |a|**b has floor(b·log2|a|) + 1 bits: foreseen to a fraction of a bit, so 9**9**9 and 2**10**100 are
    // refused at once. A borderline estimate is computed and checked exactly.
    const bits = Number(b) * log2Abs(a);
    if (bits >= this.maxIntBits + 1) throw new CalcError(TOO_LARGE);
    this.work.charge(cost.power(bits + 1));
    return this.checkInt(a ** b);
  }

  private floatOp(op: BinaryOp, a: number, b: number): number {
    switch (op) {
      case "+":
        return a + b;
      case "-":
        return a - b;
      case "*":
        return a * b;
      case "/":
        if (b === 0) throw new CalcError("division by zero");
        return a / b;
      case "//":
        if (b === 0) throw new CalcError("division by zero");
        return floatDivmod(a, b)[0];
      case "%":
        if (b === 0) throw new CalcError("division by zero");
        return floatDivmod(a, b)[1];
      case "**":
        this.work.charge(cost.float);
        return floatPow(a, b);
      default:
        throw new CalcError(`unsupported operand type(s) for ${op}: 'float' and 'float'`);
    }
  }

  /** pow(base, exp, mod) for ints, its work foreseen from the sizes of exp and mod. */
  modPow(base: bigint, exp: bigint, mod: bigint): bigint {
    if (mod === 0n) throw new CalcError("pow() 3rd argument cannot be 0");
    const modBits = bitLength(mod);
    const e = exp < 0n ? -exp : exp;
    // A negative exponent first inverts the base: Euclid's algorithm, about one step per bit of mod.
    if (exp < 0n) this.work.charge(modBits * 3 * cost.linear(modBits));
    this.work.charge(cost.modPow(modBits, bitLength(e), popCount(e)));
    return modPow(base, exp, mod);
  }

  /** round(v, ndigits) for an int or a float. */
  round(v: bigint | number, ndigits: bigint | null): Value {
    if (typeof v === "number") {
      this.work.charge(cost.float);
      return roundFloat(v, ndigits);
    }
    if (ndigits === null || ndigits >= 0n) return v;
    // When the power of ten is needed at all, it is about as long as v: a power, a division, a product.
    const bits = bitLength(v);
    this.work.charge(cost.power(bits) + cost.divide(bits, bits) + cost.multiply(bits, bits));
    return this.checkInt(roundInt(v, -ndigits));
  }
}
