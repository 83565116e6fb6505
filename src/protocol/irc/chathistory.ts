// IRCv3 draft/chathistory, the command's words: `CHATHISTORY <subcommand> ...` read into a request, or the
// FAIL it earns (https://ircv3.net/specs/extensions/chathistory). Pure: no I/O, no rooms.
//
//   CHATHISTORY LATEST <target> <* | timestamp=… | msgid=…> <limit>
//   CHATHISTORY BEFORE|AFTER|AROUND <target> <timestamp=… | msgid=…> <limit>
//   CHATHISTORY BETWEEN <target> <timestamp=… | msgid=…> <timestamp=… | msgid=…> <limit>
//   CHATHISTORY TARGETS <timestamp=…> <timestamp=…> <limit>

/** A point in a conversation: a moment (milliseconds since the epoch), or a message by its msgid. */
export type MessageRef = { time: number } | { msgid: string };

export type ChathistoryRequest =
  | { sub: "LATEST"; target: string; after: MessageRef | null; limit: number }
  | { sub: "BEFORE" | "AFTER" | "AROUND"; target: string; ref: MessageRef; limit: number }
  | { sub: "BETWEEN"; target: string; from: MessageRef; to: MessageRef; limit: number }
  | { sub: "TARGETS"; from: number; to: number; limit: number };

/** The FAIL codes a request can earn before any history is read. */
export type ChathistoryFailCode = "UNKNOWN_COMMAND" | "NEED_MORE_PARAMS" | "INVALID_PARAMS";

export interface ChathistoryFail {
  code: ChathistoryFailCode;
  /** The FAIL's parameters after its code: the subcommand, and what was wrong. */
  context: string[];
  description: string;
}

/** Parameters each subcommand needs, itself included. */
const ARITY: Readonly<Record<string, number>> = {
  LATEST: 4,
  BEFORE: 4,
  AFTER: 4,
  AROUND: 4,
  BETWEEN: 5,
  TARGETS: 4,
};

/** Longest msgid taken: far above any this server makes, far below a line. */
const MAX_MSGID = 100;

/**
 * Read a CHATHISTORY command's parameters. A limit above `maxLimit` is lowered to it (the server's
 * CHATHISTORY ISUPPORT value); a limit that is not a whole number above 0 is refused.
 */
export function parseChathistory(
  params: readonly string[],
  maxLimit: number,
): ChathistoryRequest | ChathistoryFail {
  const given = params[0];
  if (given === undefined || given === "") return fail("NEED_MORE_PARAMS", ["*"], "Missing parameters");
  const sub = given.toUpperCase();
  const arity = ARITY[sub];
  if (arity === undefined) return fail("UNKNOWN_COMMAND", [given], "Unknown command");
  if (params.length < arity || params.slice(1, arity).some((p) => p === ""))
    return fail("NEED_MORE_PARAMS", [sub], "Missing parameters");
  const limit = parseLimit(params[arity - 1] as string, maxLimit);
  if (limit === null) return fail("INVALID_PARAMS", [sub, params[arity - 1] as string], "Invalid limit");
  const [, a = "", b = "", c = ""] = params;
  switch (sub) {
    case "LATEST": {
      if (b === "*") return { sub, target: a, after: null, limit };
      const after = parseRef(b);
      return after ? { sub, target: a, after, limit } : invalidRef(sub, b);
    }
    case "BEFORE":
    case "AFTER":
    case "AROUND": {
      const ref = parseRef(b);
      return ref ? { sub, target: a, ref, limit } : invalidRef(sub, b);
    }
    case "BETWEEN": {
      const from = parseRef(b);
      if (!from) return invalidRef(sub, b);
      const to = parseRef(c);
      return to ? { sub, target: a, from, to, limit } : invalidRef(sub, c);
    }
    default: {
      // TARGETS takes moments only.
      const from = parseRef(a);
      if (!from || !("time" in from)) return invalidRef(sub, a);
      const to = parseRef(b);
      if (!to || !("time" in to)) return invalidRef(sub, b);
      return { sub: "TARGETS", from: from.time, to: to.time, limit };
    }
  }
}

export function isChathistoryFail(result: ChathistoryRequest | ChathistoryFail): result is ChathistoryFail {
  return "code" in result;
}

/** `timestamp=YYYY-MM-DDThh:mm:ss.sssZ` or `msgid=…`; null for anything else. */
export function parseRef(text: string): MessageRef | null {
  if (text.startsWith("timestamp=")) {
    const time = parseTimestamp(text.slice("timestamp=".length));
    return time === null ? null : { time };
  }
  if (text.startsWith("msgid=")) {
    const msgid = text.slice("msgid=".length);
    return msgid !== "" && msgid.length <= MAX_MSGID ? { msgid } : null;
  }
  return null;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;

/** A server-time timestamp (milliseconds optional) as milliseconds since the epoch; null if it is none. */
export function parseTimestamp(text: string): number | null {
  const m = TIMESTAMP.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = "0"] = m;
  const ms = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number(frac.padEnd(3, "0")),
  );
  // Date.UTC rolls 2026-02-31 over into March: a field out of range is no timestamp.
  const back = new Date(ms);
  const fields = [back.getUTCFullYear(), back.getUTCMonth() + 1, back.getUTCDate(), back.getUTCHours()];
  if (fields.join() !== [y, mo, d, h].map(Number).join()) return null;
  if (back.getUTCMinutes() !== Number(mi) || back.getUTCSeconds() !== Number(s)) return null;
  return ms;
}

/** Milliseconds since the epoch as server-time writes them. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

function parseLimit(text: string, max: number): number | null {
  if (!/^\d{1,9}$/.test(text)) return null;
  const n = Number(text);
  return n === 0 ? null : Math.min(n, max);
}

function invalidRef(sub: string, given: string): ChathistoryFail {
  return fail("INVALID_PARAMS", [sub, given], "Invalid message reference");
}

function fail(code: ChathistoryFailCode, context: string[], description: string): ChathistoryFail {
  return { code, context, description };
}
