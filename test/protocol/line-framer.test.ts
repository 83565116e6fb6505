import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LineError, LineFramer } from "../../src/protocol/line-framer.js";

type Event = string | { error: LineError };

function frame(chunks: Array<string | Uint8Array>, max = 16, end = false): Event[] {
  const events: Event[] = [];
  const framer = new LineFramer(max, {
    line: (text) => events.push(text),
    lineError: (error) => events.push({ error }),
  });
  for (const chunk of chunks) framer.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  if (end) framer.end();
  return events;
}

/** Every way to cut `bytes` in two, plus one byte at a time. */
function cuts(bytes: Buffer): Buffer[][] {
  const ways: Buffer[][] = [];
  for (let i = 0; i <= bytes.length; i++) ways.push([bytes.subarray(0, i), bytes.subarray(i)]);
  ways.push([...bytes].map((b) => Buffer.from([b])));
  return ways;
}

describe("LineFramer", () => {
  it("splits on LF and drops a CR before it", () => {
    assert.deepEqual(frame(["a\nbc\r\n\n"]), ["a", "bc", ""]);
  });

  it("gives the same lines however the input is cut", () => {
    const input = Buffer.from("2+2\r\nstraße ✓\nx\n\n€€€€€\n");
    const expected = ["2+2", "straße ✓", "x", "", "€€€€€"];
    for (const chunks of cuts(input))
      assert.deepEqual(frame(chunks, 64), expected, `cut ${chunks.map((c) => c.length)}`);
  });

  it("keeps a CR that is not before the LF", () => {
    assert.deepEqual(frame(["a\rb\n", "c\r", "d\n"]), ["a\rb", "c\rd"]);
  });

  it("accepts a line of exactly the limit, with or without CR", () => {
    const line = "x".repeat(16);
    for (const chunks of cuts(Buffer.from(`${line}\r\n${line}\n`))) {
      assert.deepEqual(frame(chunks), [line, line]);
    }
  });

  it("reports an overlong line once and resumes after its LF", () => {
    const input = Buffer.from(`${"y".repeat(17)}\nok\n${"z".repeat(100)}\nfine\n`);
    for (const chunks of cuts(input)) {
      assert.deepEqual(frame(chunks), [
        { error: LineError.TooLong },
        "ok",
        { error: LineError.TooLong },
        "fine",
      ]);
    }
  });

  it("reports a line that never ends as soon as it passes the limit, without holding it", () => {
    const events = frame(Array.from({ length: 1000 }, () => "abcdefgh"));
    assert.deepEqual(events, [{ error: LineError.TooLong }]);
  });

  it("reports invalid UTF-8 and keeps going", () => {
    const bad = Buffer.from([0x61, 0xff, 0x62, 0x0a]);
    const overlong = Buffer.from([0xc0, 0xaf, 0x0a]); // an overlong "/"
    const surrogate = Buffer.from([0xed, 0xa0, 0x80, 0x0a]);
    const cutChar = Buffer.from([0xe2, 0x82, 0x0a]); // € without its last byte
    const input = Buffer.concat([
      bad,
      Buffer.from("ok\n"),
      overlong,
      surrogate,
      cutChar,
      Buffer.from("end\n"),
    ]);
    for (const chunks of cuts(input)) {
      assert.deepEqual(frame(chunks), [
        { error: LineError.InvalidUtf8 },
        "ok",
        { error: LineError.InvalidUtf8 },
        { error: LineError.InvalidUtf8 },
        { error: LineError.InvalidUtf8 },
        "end",
      ]);
    }
  });

  it("survives binary garbage", () => {
    const garbage = Buffer.alloc(4096);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 256;
    const events = frame([garbage, "\nafter\n"], 512);
    assert.equal(events.at(-1), "after");
    const lines = events.filter((e): e is string => typeof e === "string");
    assert.ok(events.length > lines.length, "garbage must produce errors");
    for (const line of lines) assert.ok(!line.includes("\ufffd") && Buffer.byteLength(line) <= 512);
  });

  it("delivers a last line without LF at the end of input, but not half an overlong one", () => {
    assert.deepEqual(frame(["a\nlast"], 16, true), ["a", "last"]);
    assert.deepEqual(frame(["a\n"], 16, true), ["a"]);
    assert.deepEqual(frame(["x".repeat(40)], 16, true), [{ error: LineError.TooLong }]);
  });

  it("delivers nothing after stop()", () => {
    const events: string[] = [];
    const framer: LineFramer = new LineFramer(16, {
      line: (text) => {
        events.push(text);
        if (text === "bye") framer.stop();
      },
      lineError: () => assert.fail("no error expected"),
    });
    framer.push(Buffer.from("a\nbye\nafter\n"));
    framer.end();
    assert.deepEqual(events, ["a", "bye"]);
  });

  it("splits many lines in one chunk", () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `line ${i}`);
    assert.deepEqual(frame([`${lines.join("\n")}\n`]), lines);
  });

  it("delivers what is held as one message on flush(), marked unterminated; lines with LF are marked terminated", () => {
    const events: Array<[string, boolean]> = [];
    const framer = new LineFramer(16, {
      line: (text, terminated) => events.push([text, terminated]),
      lineError: () => assert.fail("no error expected"),
    });
    framer.push(Buffer.from("2+"));
    framer.push(Buffer.from("3"));
    assert.equal(framer.holding, true);
    framer.flush();
    framer.flush(); // nothing held: nothing delivered
    assert.equal(framer.sawLineEnd, false);
    framer.push(Buffer.from("a\r\nb"));
    framer.flush();
    assert.deepEqual(events, [
      ["2+3", false],
      ["a", true],
      ["b", false],
    ]);
    assert.equal(framer.holding, false);
  });

  it("tells a client that ends lines in LF from one that ends them in CR LF, however the input is cut", () => {
    for (const [input, lf, crlf] of [
      ["no end", false, false],
      ["a\nb", true, false],
      ["a\r\n", true, true],
      ["x\ny\r\n", true, true],
      // Past the limit of 16, cut between its CR and LF: the line is dropped, its end still counts.
      [`${"o".repeat(20)}\r\n`, true, true],
      ["a\r\rb\n", true, false],
    ] as const) {
      for (const chunks of cuts(Buffer.from(input))) {
        const framer = new LineFramer(16, { line() {}, lineError() {} });
        for (const chunk of chunks) framer.push(chunk);
        assert.deepEqual(
          [framer.sawLineEnd, framer.sawCrLf],
          [lf, crlf],
          `${input} cut ${chunks.map((c) => c.length)}`,
        );
      }
    }
  });

  it("with deferOverlong, reports an overlong line at its end (LF or flush), then reads the next", () => {
    for (const chunks of cuts(Buffer.from(`${"z".repeat(40)}`))) {
      const events: Array<string | [LineError, boolean | undefined]> = [];
      const framer = new LineFramer(16, {
        line: (text) => events.push(text),
        lineError: (error, terminated) => events.push([error, terminated]),
      });
      framer.deferOverlong = true;
      for (const chunk of chunks) framer.push(chunk);
      assert.deepEqual(events, []);
      framer.flush();
      framer.push(Buffer.from("next"));
      framer.flush();
      framer.push(Buffer.from(`${"y".repeat(20)}\nok\n`));
      assert.deepEqual(events, [[LineError.TooLong, false], "next", [LineError.TooLong, true], "ok"]);
    }
  });

  it("flush() ends the skipping of an overlong line reported at once", () => {
    assert.deepEqual(
      (() => {
        const events: Event[] = [];
        const framer = new LineFramer(16, {
          line: (text) => events.push(text),
          lineError: (error) => events.push({ error }),
        });
        framer.push(Buffer.from("x".repeat(40)));
        framer.flush();
        framer.push(Buffer.from("short"));
        framer.flush();
        return events;
      })(),
      [{ error: LineError.TooLong }, "short"],
    );
  });
});
