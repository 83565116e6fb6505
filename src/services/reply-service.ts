// The shape shared by echo, upper and calc: one reply line per request line.
import type { LineError } from "../protocol/line-framer.js";
import type { LineConnection } from "../transport/line-connection.js";
import { GOODBYE_REPLY, isGoodbye, LINE_ERROR_REPLIES } from "./line-rules.js";
import type { Service, Session } from "./service.js";

export type Reply = (line: string) => string;

export interface ReplyOptions {
  /** Put before every reply, e.g. the worker thread's id (seed 001's server2). */
  prefix?: string;
}

export function replyService(name: string, reply: Reply, options: ReplyOptions = {}): Service {
  const prefix = options.prefix ?? "";
  return {
    name,
    open(conn: LineConnection): Session {
      return {
        line(text: string) {
          if (isGoodbye(text)) conn.close(prefix + GOODBYE_REPLY);
          else conn.send(prefix + reply(text));
        },
        lineError(error: LineError) {
          conn.send(prefix + LINE_ERROR_REPLIES[error]);
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
