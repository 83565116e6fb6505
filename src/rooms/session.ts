// A rooms client's session: it tells the protocol from the first line, parses what the client sends, and
// posts it to the hub. Parsing is pure, so under `threaded` it runs in the client's worker.
import { type IrcInput, parseIrcLine } from "../protocol/irc/message.js";
import type { LineError } from "../protocol/line-framer.js";
import { SEED_COMMANDS, type SeedInput, SeedReader } from "../protocol/seed-rooms.js";
import type { HubLink, Session } from "../services/service.js";
import type { LineConnection } from "../transport/line-connection.js";
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
  return new RoomsSession(hub);
}

/** A class rather than closures: thousands of idle connections each hold one. */
class RoomsSession implements Session {
  private protocol: "seed" | "irc" | null = null;
  private seed: SeedReader | null = null;

  constructor(private readonly hub: HubLink) {}

  private post(message: RoomsPost): void {
    this.hub.post(message);
  }

  line(text: string): void {
    if (this.protocol === null) {
      this.protocol = detectProtocol(text);
      // A seed request takes several lines: its front-end speaks to the client from the first.
      if (this.protocol === "seed") this.post({ t: "seed" });
    }
    if (this.protocol === "seed") {
      this.seed ??= new SeedReader();
      for (const request of this.seed.push(text))
        this.post({ t: "input", input: { protocol: "seed", request } });
    } else {
      const message = parseIrcLine(text);
      if (message) this.post({ t: "input", input: { protocol: "irc", message } });
    }
  }

  lineError(error: LineError): void {
    this.seed?.discard();
    this.post({ t: "line-error", error });
  }

  end(): void {
    const request = this.seed?.end();
    if (request) this.post({ t: "input", input: { protocol: "seed", request } });
    this.post({ t: "input", input: { protocol: "end" } });
  }

  closed(): void {}
}
