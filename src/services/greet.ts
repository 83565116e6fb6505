// greet: the server speaks first. Seed 000's "Server to client" sends a banner and closes; its
// "Server to client - client to server" sends a greeting, prints the one reply it gets, and closes.
import type { Logger } from "pino";
import type { LineError } from "../protocol/line-framer.js";
import type { LineConnection } from "../transport/line-connection.js";
import { LINE_ERROR_REPLIES } from "./line-rules.js";
import type { Service, Session } from "./service.js";

export const GREET_THEN = ["close", "read-one"] as const;
export type GreetThen = (typeof GREET_THEN)[number];

export interface GreetOptions {
  greeting: string;
  afterGreeting: GreetThen;
  log: Logger;
}

export const DEFAULT_GREETING = "Hi, Hello!";

export function greetService(options: GreetOptions): Service {
  const { greeting, afterGreeting, log } = options;
  return {
    name: "greet",
    open(conn: LineConnection): Session {
      if (afterGreeting === "close") conn.close(greeting);
      else conn.send(greeting);
      return {
        line(text: string) {
          log.info({ conn: conn.id }, `client says: ${text}`);
          conn.close();
        },
        lineError(error: LineError) {
          conn.send(LINE_ERROR_REPLIES[error]);
        },
        end() {
          conn.close();
        },
        closed() {},
      };
    },
  };
}
