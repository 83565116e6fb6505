// The shape shared by echo, upper and calc: one reply per request.
import type { LineError } from "../protocol/line-framer.js";
import type { LineConnection } from "../transport/line-connection.js";
import { GOODBYE_REPLY, GOODBYES, LINE_ERROR_REPLIES } from "./line-rules.js";
import type { Service, Session } from "./service.js";
import { isOneOf, type Wording } from "./wording.js";

export type Reply = (line: string) => string;

export interface ReplyOptions {
  /** Put before every reply, e.g. the worker thread's id (`serve --show-thread`). */
  prefix?: string;
  /** The original program's words (a lab preset); absent: the clean ones. */
  wording?: Wording | null;
  /** The thread the session runs in, for a wording that names it. */
  threadId?: number;
}

/** How a session ends and what an unreadable line gets, from a wording or the clean defaults. */
interface Endings {
  goodbyes: readonly string[];
  goodbyeReply: string | undefined;
  oneShot: boolean;
  lineError: (error: LineError) => string;
}

export function replyService(
  name: string,
  reply: Reply,
  options: ReplyOptions = {},
  lineErrorReply?: string,
): Service {
  const prefix = options.prefix ?? "";
  const wording = options.wording ?? null;
  const endings: Endings = wording
    ? {
        goodbyes: wording.goodbyes,
        goodbyeReply: wording.goodbyeReply,
        oneShot: wording.oneShot === true,
        lineError: (error) => lineErrorReply ?? LINE_ERROR_REPLIES[error],
      }
    : {
        goodbyes: GOODBYES,
        goodbyeReply: GOODBYE_REPLY,
        oneShot: false,
        lineError: (error) => LINE_ERROR_REPLIES[error],
      };
  return {
    name,
    open(conn: LineConnection): Session {
      return {
        line(text: string) {
          if (isOneOf(text, endings.goodbyes)) {
            const last = endings.goodbyeReply;
            conn.close(last === undefined ? undefined : prefix + last);
          } else if (endings.oneShot) {
            conn.close(prefix + reply(text));
          } else {
            conn.send(prefix + reply(text));
          }
        },
        lineError(error: LineError) {
          conn.send(prefix + endings.lineError(error));
        },
        end() {
          // Every line already received has been answered: replies are synchronous.
          conn.close();
        },
        closed() {},
      };
    },
  };
}
