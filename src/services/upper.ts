// upper: each line in upper case (seed 000, `cases`). toUpperCase applies Unicode's full case mapping,
// so one character may become several: "straße" → "STRASSE".
import { type ReplyOptions, replyService } from "./reply-service.js";
import type { Service } from "./service.js";

export function upperService(options: ReplyOptions = {}): Service {
  return replyService("upper", (line) => line.toUpperCase(), options);
}
