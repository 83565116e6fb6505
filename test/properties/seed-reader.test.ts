// Properties of the seed protocol's block reader: every request written as the protocol says reads back as
// itself, however its bytes are cut into lines' chunks; after any garbage, a blank line and a request read
// as that request; nothing throws.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { LineFramer } from "../../src/protocol/line-framer.js";
import { type SeedInput, SeedReader } from "../../src/protocol/seed-rooms.js";
import { cutAt, cutPlaces, MAX_SEED_ERROR_DETAIL, PROPERTY_RUNS } from "../support/properties.js";

type Request = Exclude<SeedInput, { kind: "error" }>;

/** A field's value as the reader gives it back: one line, no spaces around it. */
const value = fc
  .string({
    unit: fc.oneof(
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
      fc.constantFrom(" ", ":", "_"),
    ),
    maxLength: 16,
  })
  .map((s) => s.replace(/[\r\n]/g, " ").trim());

const request: fc.Arbitrary<Request> = fc
  .oneof(
    fc.record({ kind: fc.constant("helo" as const), text: value }),
    fc.record({ kind: fc.constant("join" as const), room: value, clientIp: value, port: value, name: value }),
    fc.record({ kind: fc.constant("leave" as const), roomRef: value, joinId: value, name: value }),
    fc.record({
      kind: fc.constant("chat" as const),
      roomRef: value,
      joinId: value,
      name: value,
      message: value,
    }),
    fc.record({ kind: fc.constant("disconnect" as const), address: value, port: value, name: value }),
    fc.constant({ kind: "kill" as const }),
  )
  // As the reader makes them: plain objects (fast-check's records have no prototype).
  .map((r) => ({ ...r }));

/** Spaces a client may put around a field's colon. */
const spacing = fc.tuple(fc.constantFrom("", " "), fc.constantFrom("", " ", "  "));

/** The lines of a request, as a client writes them. */
function linesOf(r: Request, [before, after]: [string, string]): string[] {
  const field = (key: string, v: string) => `${key}${before}:${after}${v}`;
  switch (r.kind) {
    case "helo":
      return [`HELO ${r.text}`];
    case "join":
      return [
        field("JOIN_CHATROOM", r.room),
        field("CLIENT_IP", r.clientIp),
        field("PORT", r.port),
        field("CLIENT_NAME", r.name),
      ];
    case "leave":
      return [field("LEAVE_CHATROOM", r.roomRef), field("JOIN_ID", r.joinId), field("CLIENT_NAME", r.name)];
    case "chat":
      return [
        field("CHAT", r.roomRef),
        field("JOIN_ID", r.joinId),
        field("CLIENT_NAME", r.name),
        field("MESSAGE", r.message),
        "",
      ];
    case "disconnect":
      return [field("DISCONNECT", r.address), field("PORT", r.port), field("CLIENT_NAME", r.name)];
    case "kill":
      return ["KILL_SERVICE"];
  }
}

/** Lines that are not requests, or pieces of one: what a broken or hostile client sends. */
const garbage = fc.array(
  fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.string({ unit: "binary", minLength: 50, maxLength: 300 }).map((line) => line.replace(/\n/g, "")),
    fc.constantFrom("", " ", "HELO", "HELOx", "KILL_SERVICE now", "CHAT", "CHAT:", "JOIN_CHATROOM: r"),
    fc.constantFrom(
      "CLIENT_IP: 0",
      "PORT: 0",
      "JOIN_ID: 1",
      "CLIENT_NAME: n",
      "MESSAGE: m",
      "LEAVE_CHATROOM: 1",
    ),
  ),
  { maxLength: 8 },
);

/** An error that quotes the client's line keeps the quote short: an error never echoes a flood back. */
function assertReadable(input: SeedInput): void {
  if (input.kind === "error") assert.ok(input.detail.length <= MAX_SEED_ERROR_DETAIL, input.detail);
}

function read(lines: string[]): SeedInput[] {
  const reader = new SeedReader();
  const out = lines.flatMap((line) => reader.push(line));
  const last = reader.end();
  return last ? [...out, last] : out;
}

describe("seed reader properties", () => {
  it("reads back every request as written, however its bytes are cut", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(request, spacing), { maxLength: 6 }),
        fc.constantFrom("\n", "\r\n"),
        cutPlaces,
        (requests, eol, places) => {
          const text = requests
            .map(([r, s]) =>
              linesOf(r, s)
                .map((line) => line + eol)
                .join(""),
            )
            .join("");
          const lines: string[] = [];
          const framer = new LineFramer(4096, {
            line: (line) => lines.push(line),
            lineError: (error) => assert.fail(`the framer refused a line: ${error}`),
          });
          for (const chunk of cutAt(Buffer.from(text), places)) framer.push(chunk);
          framer.end();
          assert.deepEqual(
            read(lines),
            requests.map(([r]) => r),
          );
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it("reads a request after any garbage, with or without a blank line, and reads garbage without throwing", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(garbage, fc.boolean(), request, spacing), { maxLength: 5 }),
        garbage,
        (rounds, tail) => {
          const reader = new SeedReader();
          for (const [junk, blank, r, s] of rounds) {
            for (const line of junk) for (const input of reader.push(line)) assertReadable(input);
            // A blank line ends whatever the garbage left open (an error for a block cut short, or nothing).
            const ended = blank ? reader.push("") : [];
            assert.ok(
              ended.every((input) => input.kind === "error"),
              JSON.stringify(ended),
            );
            // Without it, the request's first line does: one error for the block it cuts short, then the
            // request read whole.
            const read = linesOf(r, s).flatMap((line) => reader.push(line));
            assert.deepEqual(read.at(-1), r, JSON.stringify(read));
            assert.ok(
              read.slice(0, -1).every((input) => input.kind === "error") && read.length <= (blank ? 1 : 2),
              JSON.stringify(read),
            );
          }
          for (const line of tail) for (const input of reader.push(line)) assertReadable(input);
          const last = reader.end();
          if (last) assertReadable(last);
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
