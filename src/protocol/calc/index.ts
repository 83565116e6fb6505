// A calculator with Python 3's arithmetic, for the `calc` service. The lab servers ran each line through
// Python's eval, which ran any code a client sent and let `9**9**9` stall the server. This parses the
// arithmetic part of Python's grammar and evaluates it with bounded integers and a bounded amount of work:
// nothing can run code, and every answer comes quickly (measured worst cases: see the calc tests' notes).
import { CalcError } from "./errors.js";
import { Evaluator } from "./evaluate.js";
import { parse } from "./parser.js";
import { formatValue } from "./value.js";
import { WorkMeter } from "./work.js";

export { CALC_FUNCTIONS } from "./functions.js";
export { WORK_BUDGET as CALC_WORK_BUDGET } from "./work.js";

export interface CalcLimits {
  /** Largest int, in bits, of any result along the way. */
  maxIntBits: number;
  /** Deepest nesting of parentheses, calls, unary signs, `not` and powers' right sides. */
  maxDepth: number;
  /** Longest expression, in characters. */
  maxLength: number;
}

export const DEFAULT_CALC_LIMITS: CalcLimits = Object.freeze({
  // 30,103 decimal digits (Python prints at most 4,300 by default). On the 2-core machine this was measured
  // on, Node 20, one operation on ints this long takes at most a few milliseconds, printing one about 4 ms.
  maxIntBits: 100_000,
  // Python's own parser stops at 200 nested parentheses; the parser's stack stays a few thousand frames.
  maxDepth: 200,
  // Room for any arithmetic a person types; a request line may be 4096 bytes.
  maxLength: 2000,
});

export type CalcResult = { ok: true; value: string } | { ok: false; error: string };

/**
 * Within the default limits, but slow: about 0.3 s on the 2-core machine the limits were measured on (a
 * modular power with a 6,000-bit modulus and an exponent of 6,000 one bits, most of the work budget). The
 * tests use it to show that one slow request holds up every client of an event loop and only its own client
 * under threads.
 */
export const SLOW_EXPRESSION = "pow(3, 2**6000 - 1, 2**6000 - 1557) % 7";

const ONLY_SPACE = /^[ \t\f\v\r\n]*$/;

/** What Python 3 prints for print(eval(expr)), or the error line ("ERROR ..."). Never throws. */
export function evaluate(expr: string, limits: Partial<CalcLimits> = {}): CalcResult {
  const maxIntBits = limits.maxIntBits ?? DEFAULT_CALC_LIMITS.maxIntBits;
  const maxDepth = limits.maxDepth ?? DEFAULT_CALC_LIMITS.maxDepth;
  const maxLength = limits.maxLength ?? DEFAULT_CALC_LIMITS.maxLength;
  if (ONLY_SPACE.test(expr)) return { ok: false, error: "ERROR empty expression" };
  try {
    const tree = parse(expr, { maxDepth, maxLength });
    const evaluator = new Evaluator(maxIntBits, new WorkMeter());
    const value = evaluator.eval(tree);
    evaluator.chargeFormat(value);
    return { ok: true, value: formatValue(value) };
  } catch (err) {
    if (err instanceof CalcError) return { ok: false, error: `ERROR ${err.message}` };
    // Out of reach within the limits (a stack overflow needs limits raised far beyond them), but a
    // server must answer rather than throw.
    if (err instanceof RangeError) return { ok: false, error: "ERROR expression too complex" };
    return { ok: false, error: "ERROR internal error" };
  }
}
