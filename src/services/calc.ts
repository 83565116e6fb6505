// calc: a calculator with Python 3's arithmetic (seeds 001 and 003, servers 1–3), without Python's eval.
// `Hi` is answered `Hello`, the handshake of seed 003's clients.
import { type CalcLimits, evaluate } from "../protocol/calc/index.js";
import { type ReplyOptions, replyService } from "./reply-service.js";
import type { Service } from "./service.js";

export interface CalcOptions extends ReplyOptions {
  limits?: Partial<CalcLimits>;
}

export function calcService(options: CalcOptions = {}): Service {
  const limits = options.limits;
  return replyService(
    "calc",
    (line) => {
      if (line.trim().toLowerCase() === "hi") return "Hello";
      const result = evaluate(line, limits);
      return result.ok ? result.value : result.error;
    },
    options,
  );
}
