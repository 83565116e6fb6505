// The CHATHISTORY command's words, without a server: every subcommand read, and each way a request is
// refused (unknown subcommand, missing parameters, bad limits, bad references, impossible timestamps).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatTimestamp, parseChathistory, parseTimestamp } from "../../../src/protocol/irc/chathistory.js";

const T = "2026-03-04T05:06:07.089Z";
const MS = Date.UTC(2026, 2, 4, 5, 6, 7, 89);

describe("CHATHISTORY parameters", () => {
  it("reads every subcommand, in any case, lowering a limit above the maximum", () => {
    assert.deepEqual(parseChathistory(["latest", "#a", "*", "5"], 100), {
      sub: "LATEST",
      target: "#a",
      after: null,
      limit: 5,
    });
    assert.deepEqual(parseChathistory(["LATEST", "#a", "msgid=x1", "500"], 100), {
      sub: "LATEST",
      target: "#a",
      after: { msgid: "x1" },
      limit: 100,
    });
    for (const sub of ["BEFORE", "AFTER", "AROUND"])
      assert.deepEqual(parseChathistory([sub, "bob", `timestamp=${T}`, "7"], 100), {
        sub,
        target: "bob",
        ref: { time: MS },
        limit: 7,
      });
    assert.deepEqual(parseChathistory(["BETWEEN", "#a", "msgid=a", `timestamp=${T}`, "3"], 100), {
      sub: "BETWEEN",
      target: "#a",
      from: { msgid: "a" },
      to: { time: MS },
      limit: 3,
    });
    assert.deepEqual(
      parseChathistory(["TARGETS", `timestamp=${T}`, "timestamp=2026-01-01T00:00:00Z", "9"], 100),
      {
        sub: "TARGETS",
        from: MS,
        to: Date.UTC(2026, 0, 1),
        limit: 9,
      },
    );
  });

  it("refuses what it cannot read, with the FAIL code and context of the specification", () => {
    const cases: Array<[string[], string, string[]]> = [
      [[], "NEED_MORE_PARAMS", ["*"]],
      [["FETCH", "#a", "*", "1"], "UNKNOWN_COMMAND", ["FETCH"]],
      [["BEFORE", "#a", "msgid=x"], "NEED_MORE_PARAMS", ["BEFORE"]],
      [["BETWEEN", "#a", "msgid=x", "5"], "NEED_MORE_PARAMS", ["BETWEEN"]],
      [["LATEST", "", "*", "5"], "NEED_MORE_PARAMS", ["LATEST"]],
      [["LATEST", "#a", "*", "0"], "INVALID_PARAMS", ["LATEST", "0"]],
      [["LATEST", "#a", "*", "1.5"], "INVALID_PARAMS", ["LATEST", "1.5"]],
      [["LATEST", "#a", "*", "99999999999"], "INVALID_PARAMS", ["LATEST", "99999999999"]],
      [["LATEST", "#a", "id=x", "5"], "INVALID_PARAMS", ["LATEST", "id=x"]],
      [["BEFORE", "#a", "*", "5"], "INVALID_PARAMS", ["BEFORE", "*"]],
      [
        ["AFTER", "#a", `msgid=${"x".repeat(101)}`, "5"],
        "INVALID_PARAMS",
        ["AFTER", `msgid=${"x".repeat(101)}`],
      ],
      [["TARGETS", "msgid=x", `timestamp=${T}`, "5"], "INVALID_PARAMS", ["TARGETS", "msgid=x"]],
      [["TARGETS", `timestamp=${T}`, "*", "5"], "INVALID_PARAMS", ["TARGETS", "*"]],
    ];
    for (const [params, code, context] of cases) {
      const result = parseChathistory(params, 100);
      assert.ok("code" in result, JSON.stringify(params));
      assert.equal(result.code, code, JSON.stringify(params));
      assert.deepEqual(result.context, context, JSON.stringify(params));
    }
  });

  it("takes only real moments in server-time's form", () => {
    assert.equal(parseTimestamp(T), MS);
    assert.equal(parseTimestamp("2026-03-04T05:06:07Z"), Date.UTC(2026, 2, 4, 5, 6, 7));
    assert.equal(parseTimestamp("2026-03-04T05:06:07.5Z"), Date.UTC(2026, 2, 4, 5, 6, 7, 500));
    for (const bad of [
      "2026-02-30T00:00:00.000Z",
      "2026-13-01T00:00:00.000Z",
      "2026-01-01T24:00:00.000Z",
      "2026-01-01T00:60:00.000Z",
      "2026-01-01T00:00:60.000Z",
      "2026-01-01 00:00:00.000Z",
      "2026-01-01T00:00:00.000",
      "2026-01-01T00:00:00.0000Z",
      "1767225600000",
      "",
    ])
      assert.equal(parseTimestamp(bad), null, bad);
    assert.equal(formatTimestamp(MS), T);
  });
});
