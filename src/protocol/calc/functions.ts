// The functions an expression may call, and nothing else: a name is looked up in this switch, never on a
// JavaScript object, so no name can reach anything but these. Python's builtins of the same names, for
// numbers: abs, round (ties to even, round(x, n)), min, max (of two or more numbers, or of one tuple),
// pow (2 arguments, or 3 for modular powers of ints), int, float (of numbers, not strings), divmod, bool.
import { CalcError } from "./errors.js";
import { type Evaluator, unsupported } from "./evaluate.js";
import { compare, numeric, toFloat, truthy, typeName, type Value } from "./value.js";

export const CALC_FUNCTIONS: readonly string[] = Object.freeze([
  "abs",
  "round",
  "min",
  "max",
  "pow",
  "int",
  "float",
  "divmod",
  "bool",
]);

/** Python's wording for a tuple where a number belongs, by function (% is the type). */
const NOT_A_NUMBER: ReadonlyMap<string, string> = new Map([
  ["abs", "bad operand type for abs(): '%'"],
  ["round", "type % doesn't define __round__ method"],
  ["int", "int() argument must be a string, a bytes-like object or a real number, not '%'"],
  ["float", "float() argument must be a string or a real number, not '%'"],
]);

/** Calls `name` with the arguments `evalArgs` gives, evaluated only once the name is known. */
export function callFunction(ev: Evaluator, name: string, evalArgs: () => Value[]): Value {
  if (!CALC_FUNCTIONS.includes(name)) throw new CalcError(`name '${name}' is not defined`);
  const args = evalArgs();
  const arity = (min: number, max: number) => {
    if (args.length >= min && args.length <= max) return;
    const wanted = min === max ? `${min}` : max === min + 1 ? `${min} or ${max}` : `${min} to ${max}`;
    throw new CalcError(`${name}() takes ${wanted} argument${max === 1 ? "" : "s"} (${args.length} given)`);
  };
  const arg = (i: number) => args[i] as Value;
  const num = (i: number) => {
    const wording = NOT_A_NUMBER.get(name) ?? `bad operand type for ${name}(): '%'`;
    return numeric(arg(i), wording.replace("%", typeName(arg(i))));
  };
  switch (name) {
    case "abs": {
      arity(1, 1);
      const v = num(0);
      return typeof v === "number" ? Math.abs(v) : v < 0n ? -v : v;
    }
    case "round": {
      arity(1, 2);
      const ndigits = args.length === 2 ? num(1) : null;
      if (typeof ndigits === "number")
        throw new CalcError("'float' object cannot be interpreted as an integer");
      return ev.round(num(0), ndigits);
    }
    case "min":
    case "max":
      return extreme(ev, name, args);
    case "pow": {
      arity(2, 3);
      if (args.length === 2) return ev.binary("**", arg(0), arg(1));
      // Python's order: a float refuses a modulus before a tuple refuses everything.
      if (args.some((v) => typeof v === "number")) {
        throw new CalcError("pow() 3rd argument not allowed unless all arguments are integers");
      }
      if (args.some((v) => typeof v === "object")) throw new CalcError(unsupported("** or pow()", ...args));
      // Only ints and bools are left.
      return ev.modPow(num(0) as bigint, num(1) as bigint, num(2) as bigint);
    }
    case "int": {
      arity(0, 1);
      if (args.length === 0) return 0n;
      const v = num(0);
      if (typeof v === "bigint") return v;
      if (Number.isNaN(v)) throw new CalcError("cannot convert float NaN to integer");
      if (!Number.isFinite(v)) throw new CalcError("cannot convert float infinity to integer");
      return BigInt(Math.trunc(v));
    }
    case "float":
      arity(0, 1);
      return args.length === 0 ? 0 : toFloat(num(0));
    case "divmod":
      arity(2, 2);
      if (args.some((v) => typeof v === "object")) throw new CalcError(unsupported("divmod()", ...args));
      return { tuple: [ev.binary("//", arg(0), arg(1)), ev.binary("%", arg(0), arg(1))] };
    case "bool":
      arity(0, 1);
      return args.length === 0 ? false : truthy(arg(0));
  }
  throw new CalcError(`name '${name}' is not defined`);
}

/** min() or max(): the first of the smallest or largest, of the arguments or of a single tuple's items. */
function extreme(ev: Evaluator, name: "min" | "max", args: Value[]): Value {
  let items = args;
  if (args.length === 0) throw new CalcError(`${name} expected at least 1 argument, got 0`);
  if (args.length === 1) {
    const only = args[0] as Value;
    if (typeof only !== "object") throw new CalcError(`'${typeName(only)}' object is not iterable`);
    items = only.tuple;
  }
  let best = items[0] as Value;
  for (const v of items.slice(1)) {
    ev.chargeLinear(v, best);
    if (compare(name === "min" ? "<" : ">", v, best)) best = v;
  }
  return best;
}
