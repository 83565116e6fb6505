// echo: each message back unchanged (seed 001 and 003, server4).
import { type ReplyOptions, replyService } from "./reply-service.js";
import type { Service } from "./service.js";

export function echoService(options: ReplyOptions = {}): Service {
  return replyService("echo", (line) => line, options);
}
