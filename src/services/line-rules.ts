// Rules every line service shares: how a session ends, and what a line that cannot be read gets.
import { LineError } from "../protocol/line-framer.js";
import { isOneOf } from "./wording.js";

export const GOODBYES = ["bye", "exit", "quit"] as const;

/** `bye`, `exit` or `quit`, in any case, with any surrounding spaces. */
export function isGoodbye(line: string): boolean {
  return isOneOf(line, GOODBYES);
}

export const GOODBYE_REPLY = "Bye";
export const BUSY_REPLY = "ERROR busy: serving another client, try again later";
export const SHUTDOWN_REPLY = "Server shutting down";

export const LINE_ERROR_REPLIES: Record<LineError, string> = {
  [LineError.TooLong]: "ERROR line too long",
  [LineError.InvalidUtf8]: "ERROR invalid UTF-8",
};
