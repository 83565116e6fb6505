// Properties of the IRC parser and writer: a message written by formatMessage reads back as itself
// (parse∘encode), any line is read without throwing with its byte counts right, and every line the server
// writes fits IRC's 512 bytes without a character cut in two.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  encodeLine,
  escapeTagValue,
  formatMessage,
  type IrcOutput,
  MAX_BODY_BYTES,
  MAX_PARAMS,
  MAX_SERVER_TAG_BYTES,
  parseIrcLine,
  unescapeTagValue,
} from "../../src/protocol/irc/message.js";
import { PROPERTY_RUNS } from "../support/properties.js";

/** Text any IRC line may carry: everything but NUL, CR and LF, surrogate pairs and all. */
const lineText = (constraints: { minLength?: number; maxLength?: number } = {}) =>
  fc
    .string({
      unit: fc.oneof(
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
        fc.constantFrom(" ", ":", ";", "\\", "@"),
      ),
      ...constraints,
    })
    .map((s) => s.replace(/[\0\r\n]/g, "_"));

/** A middle parameter (and a source): non-empty, no space, not starting with ':'. */
const word = lineText({ minLength: 1, maxLength: 12 })
  .map((s) => s.replace(/ /g, "_").replace(/^:/, "_"))
  .filter((s) => s.length > 0);

const tagKey = fc.stringMatching(/^\+?[A-Za-z0-9][A-Za-z0-9./-]{0,10}$/);

const message: fc.Arbitrary<IrcOutput> = fc.record({
  tags: fc.dictionary(
    tagKey,
    fc.string({ unit: "grapheme", maxLength: 12 }).map((s) => s.replace(/\0/g, "_")),
    { maxKeys: 4 },
  ),
  source: fc.option(word, { nil: null }),
  command: fc.oneof(fc.stringMatching(/^[A-Z]{1,12}$/), fc.stringMatching(/^[0-9]{3}$/)),
  params: fc
    .tuple(
      fc.array(word, { maxLength: MAX_PARAMS - 1 }),
      fc.option(lineText({ maxLength: 30 }), { nil: undefined }),
    )
    .map(([middles, last]) => (last === undefined ? middles : [...middles, last])),
});

describe("IRC message properties", () => {
  it("reads back what it writes: tags, source, command and every parameter (parse∘encode)", () => {
    fc.assert(
      fc.property(message, fc.boolean(), (msg, trailing) => {
        const line = formatMessage(msg, trailing);
        const parsed = parseIrcLine(line);
        assert.ok(parsed !== null, JSON.stringify(line));
        assert.deepEqual({ ...parsed.tags }, { ...msg.tags });
        assert.equal(parsed.source, msg.source);
        assert.equal(parsed.command, msg.command);
        assert.deepEqual(parsed.params, msg.params);
        assert.equal(parsed.forbidden, false);
        const tagPart = line.startsWith("@") ? line.slice(0, line.indexOf(" ")) : "";
        assert.equal(parsed.tagBytes, Buffer.byteLength(tagPart));
        assert.equal(
          parsed.bodyBytes,
          Buffer.byteLength(line) - Buffer.byteLength(tagPart) - (tagPart ? 1 : 0),
        );
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it("unescapes every tag value it escapes", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (value) => {
        const escaped = escapeTagValue(value);
        assert.doesNotMatch(escaped, /[; \r\n]/);
        assert.equal(unescapeTagValue(escaped), value);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it("reads any line without throwing: null only for spaces, byte counts within the line, NUL and CR flagged", () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.oneof(
            fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
            fc.constantFrom(" ", ":", "@", ";", "=", "\\", "\0", "\r"),
          ),
          maxLength: 80,
        }),
        (line) => {
          const parsed = parseIrcLine(line);
          if (parsed === null) {
            assert.match(line, /^ *$/);
            return;
          }
          assert.ok(parsed.tagBytes + parsed.bodyBytes <= Buffer.byteLength(line));
          assert.ok(parsed.params.length <= MAX_PARAMS);
          assert.equal(parsed.forbidden, /[\0\r]/.test(line));
          assert.doesNotMatch(parsed.command, /[a-z ]/, "upper-cased, one word");
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it("writes every line within 512 bytes with CR LF, cut only between characters, tags kept when they fit", () => {
    fc.assert(
      fc.property(
        // Bodies around the limit too: fast-check's strings are short unless asked.
        fc.oneof(lineText({ maxLength: 40 }), lineText({ minLength: 160, maxLength: 560 })),
        fc.oneof(
          fc.constant(""),
          fc.string({ unit: "grapheme", maxLength: 40 }),
          fc.string({ unit: "grapheme-ascii", minLength: 8180, maxLength: 8200 }),
        ),
        (body, tags) => {
          const out = encodeLine(body, tags);
          assert.ok(out.endsWith("\r\n"));
          const kept = tags !== "" && Buffer.byteLength(tags) + 1 <= MAX_SERVER_TAG_BYTES;
          const written = kept ? out.slice(tags.length + 2, -2) : out.slice(0, -2);
          if (kept) assert.ok(out.startsWith(`@${tags} `));
          assert.ok(body.startsWith(written), "a prefix of the body");
          assert.ok(Buffer.byteLength(written) <= MAX_BODY_BYTES);
          // Cut only where the next character would not fit, never inside a surrogate pair.
          if (written.length < body.length) {
            const next = body.codePointAt(written.length) as number;
            assert.ok(
              Buffer.byteLength(written) + Buffer.byteLength(String.fromCodePoint(next)) > MAX_BODY_BYTES,
            );
          }
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
