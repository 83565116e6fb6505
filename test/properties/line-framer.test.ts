// Properties of the line framer, for any bytes cut anywhere: its lines are the input's lines (one CR before
// the LF dropped), a line over the limit is one error, a line that is not UTF-8 is one error, and how the
// input was cut changes nothing, not even what it tells of the client's line endings.
import assert from "node:assert/strict";
import { isUtf8 } from "node:buffer";
import { describe, it } from "node:test";
import fc from "fast-check";
import { LineError, LineFramer } from "../../src/protocol/line-framer.js";
import { cutAt, cutPlaces, joinBytes, PROPERTY_RUNS } from "../support/properties.js";

const LF = 0x0a;
const CR = 0x0d;

type Event = { line: string; terminated: boolean } | { error: LineError };

/** Bytes rich in line ends, CRs, multi-byte characters and bytes that are not UTF-8. */
const input = fc
  .array(
    fc.oneof(
      fc.constantFrom("\n", "\r\n", "\r"),
      fc.string({ unit: "grapheme", maxLength: 8 }),
      fc.string({ unit: "grapheme-ascii", maxLength: 30 }),
      fc.uint8Array({ maxLength: 3 }),
    ),
    { maxLength: 30 },
  )
  .map(joinBytes);

function run(chunks: Uint8Array[], max: number, deferOverlong: boolean) {
  const events: Event[] = [];
  const framer = new LineFramer(max, {
    line: (line, terminated) => events.push({ line, terminated }),
    lineError: (error) => events.push({ error }),
  });
  framer.deferOverlong = deferOverlong;
  for (const chunk of chunks) framer.push(chunk);
  const seen = { sawLineEnd: framer.sawLineEnd, sawCrLf: framer.sawCrLf };
  framer.end();
  return { events, ...seen };
}

/** What the framer must make of `bytes`, ended: each LF-terminated piece judged, then the rest. */
function expected(bytes: Uint8Array, max: number): Event[] {
  const judge = (piece: Uint8Array, terminated: boolean): Event => {
    const body = piece.at(-1) === CR ? piece.subarray(0, -1) : piece;
    if (body.length > max) return { error: LineError.TooLong };
    if (!isUtf8(body)) return { error: LineError.InvalidUtf8 };
    return { line: Buffer.from(body).toString("utf8"), terminated };
  };
  const events: Event[] = [];
  let start = 0;
  for (let lf = bytes.indexOf(LF); lf !== -1; lf = bytes.indexOf(LF, start)) {
    events.push(judge(bytes.subarray(start, lf), true));
    start = lf + 1;
  }
  if (start < bytes.length) events.push(judge(bytes.subarray(start), false));
  return events;
}

describe("LineFramer properties", () => {
  it("gives the input's lines and one error per bad line, however the input is cut", () => {
    fc.assert(
      fc.property(
        input,
        fc.integer({ min: 1, max: 24 }),
        fc.boolean(),
        cutPlaces,
        (bytes, max, defer, places) => {
          assert.deepEqual(run(cutAt(bytes, places), max, defer).events, expected(bytes, max));
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it("knows whether the client ends lines in LF and in CR LF, however the input is cut", () => {
    fc.assert(
      fc.property(input, fc.integer({ min: 1, max: 24 }), cutPlaces, (bytes, max, places) => {
        const { sawLineEnd, sawCrLf } = run(cutAt(bytes, places), max, false);
        const lfs = [...bytes.keys()].filter((i) => bytes[i] === LF);
        assert.equal(sawLineEnd, lfs.length > 0, "some line ended in LF");
        assert.equal(
          sawCrLf,
          lfs.some((i) => i > 0 && bytes[i - 1] === CR),
          "some line ended in CR LF",
        );
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it("tells a line that grows past the limit without LF once, however it arrives", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 20 }),
        fc.nat({ max: 40 }),
        (chunks, max) => {
          const errors: LineError[] = [];
          const framer = new LineFramer(max, { line: () => {}, lineError: (e) => errors.push(e) });
          const noLf = chunks.map((chunk) => chunk.map((b) => (b === LF ? 0x20 : b)));
          for (const chunk of noLf) framer.push(chunk);
          const total = noLf.reduce((sum, chunk) => sum + chunk.length, 0);
          // Past the limit (and the one byte a CR may add) the line is told once and its bytes dropped.
          assert.deepEqual(errors, total > max + 1 ? [LineError.TooLong] : []);
          assert.equal(framer.holding, total > 0);
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
