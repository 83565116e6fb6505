// A rooms client's session: it tells the protocol from the first line, parses what the client sends, and
// posts it to the hub. Parsing is pure, so under `threaded` it runs in the client's worker.
import { type IrcInput, parseIrcLine } from "../../protocol/irc/message.js";
import { SEED_COMMANDS, type SeedInput, SeedReader } from "../../protocol/seed-rooms.js";
import type { LineConnection } from "../../transport/line-connection.js";
import type { HubLink, Session } from "../service.js";
import type { RoomsPost } from "./hub.js";

export type RoomsInput =
  | { protocol: "seed"; request: SeedInput }
  | { protocol: "irc"; message: IrcInput }
  | { protocol: "end" };

const SEED_FIRST_WORDS: ReadonlySet<string> = new Set(SEED_COMMANDS);

/** The seed protocol's messages start with one of its keywords (`HELO x`, `JOIN_CHATROOM: x`); anything else is IRC. */
export function detectProtocol(firstLine: string): "seed" | "irc" {
  const word = /^[A-Z_]+/.exec(firstLine)?.[0] ?? "";
  const next = firstLine.charAt(word.length);
  return SEED_FIRST_WORDS.has(word) && (next === "" || next === ":" || next === " ") ? "seed" : "irc";
}

export function roomsSession(_conn: LineConnection, hub: HubLink): Session {
  let protocol: "seed" | "irc" | null = null;
  let seed: SeedReader | null = null;
  const post = (message: RoomsPost) => hub.post(message);
  return {
    line(text) {
      protocol ??= detectProtocol(text);
      if (protocol === "seed") {
        seed ??= new SeedReader();
        for (const request of seed.push(text)) post({ t: "input", input: { protocol, request } });
      } else {
        const message = parseIrcLine(text);
        if (message) post({ t: "input", input: { protocol, message } });
      }
    },
    lineError(error) {
      seed?.discard();
      post({ t: "line-error", error });
    },
    end() {
      const request = seed?.end();
      if (request) post({ t: "input", input: { protocol: "seed", request } });
      post({ t: "input", input: { protocol: "end" } });
    },
    closed() {},
  };
}
