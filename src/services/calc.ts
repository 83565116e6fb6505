// calc: a calculator with Python 3's arithmetic (seeds 001 and 003, servers 1–3), without Python's eval.
// Clean words (`serve`): the result alone, `ERROR …`, and `Hi` answered `Hello` (seed 003's handshake).
// A lab preset's wording puts the result and the errors in its original program's words.
import { type CalcLimits, evaluate } from "../protocol/calc/index.js";
import { type ReplyOptions, replyService } from "./reply-service.js";
import type { Service } from "./service.js";
import { fillIn, type Wording } from "./wording.js";

type Greeting = NonNullable<Wording["greeting"]>;

export interface CalcOptions extends ReplyOptions {
  limits?: Partial<CalcLimits>;
}

const CLEAN_GREETING: Greeting = { ask: "hi", answer: "Hello", anyCase: true };

function isGreeting(text: string, greeting: Greeting): boolean {
  return greeting.anyCase ? text.toLowerCase() === greeting.ask.toLowerCase() : text === greeting.ask;
}

export function calcService(options: CalcOptions = {}): Service {
  const limits = options.limits;
  const wording = options.wording ?? null;
  const thread = options.threadId ?? 0;
  const greeting = wording ? wording.greeting : CLEAN_GREETING;
  const result = wording?.result ?? "{}";
  const error = wording?.error === undefined ? undefined : fillIn(wording.error, "", thread);
  const answer = (line: string): string => {
    if (greeting && isGreeting(line.trim(), greeting)) return greeting.answer;
    const value = evaluate(line, limits);
    if (!value.ok) return error ?? value.error;
    return fillIn(result, value.value, thread);
  };
  return replyService("calc", answer, options, error);
}
