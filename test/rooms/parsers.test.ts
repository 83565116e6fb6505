// The rooms' two parsers fed directly, with the input cut at every byte: IRC lines and seed blocks read the
// same however the bytes arrive.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeLine, type IrcInput, parseIrcLine } from "../../src/protocol/irc/message.js";
import { type LineError, LineFramer } from "../../src/protocol/line-framer.js";
import { type SeedInput, SeedReader } from "../../src/protocol/seed-rooms.js";

/** Lines (and errors) read from `bytes` cut into two pieces at `cut`, or into single bytes. */
function frame(bytes: Buffer, cuts: number[]): Array<string | { error: LineError }> {
  const out: Array<string | { error: LineError }> = [];
  const framer = new LineFramer(512, {
    line: (text) => out.push(text),
    lineError: (error) => out.push({ error }),
  });
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    framer.push(bytes.subarray(at, cut));
    at = cut;
  }
  framer.end();
  return out;
}

const IRC = Buffer.from(
  [
    "@time=2026-01-01T00:00:00.000Z;+typing=active :nick!u@h PRIVMSG #chan :héllo wörld 🎉",
    "NICK  spaced   ",
    "USER a 0 * :Real Name",
    "@a=b\\sc TAGMSG #x",
    "PING :tok en",
    "",
    "privmsg #x ::colon",
    `PRIVMSG #x :${"é".repeat(300)}`,
  ].join("\r\n") + "\r\n",
);

const SEED = Buffer.from(
  [
    "HELO text",
    "JOIN_CHATROOM: room1",
    "CLIENT_IP: 0",
    "PORT: 0",
    "CLIENT_NAME: ann",
    "CHAT: 1",
    "JOIN_ID: 2",
    "CLIENT_NAME: ann",
    "MESSAGE: hi there: ünïcode",
    "",
    "LEAVE_CHATROOM: 1",
    "JOIN_ID: 2",
    "CLIENT_NAME: ann",
    "DISCONNECT: 0",
    "PORT: 0",
    "CLIENT_NAME: ann",
  ].join("\n") + "\n",
);

function ircMessages(bytes: Buffer, cuts: number[]): Array<IrcInput | null | { error: LineError }> {
  return frame(bytes, cuts).map((line) => (typeof line === "string" ? parseIrcLine(line) : line));
}

function seedRequests(bytes: Buffer, cuts: number[]): SeedInput[] {
  const reader = new SeedReader();
  const out: SeedInput[] = [];
  for (const line of frame(bytes, cuts)) if (typeof line === "string") out.push(...reader.push(line));
  const last = reader.end();
  if (last) out.push(last);
  return out;
}

describe("parsers with input cut at every byte", () => {
  it("reads IRC lines the same however they are cut", () => {
    const whole = ircMessages(IRC, []);
    assert.equal(whole.length, 8);
    assert.deepEqual((whole[0] as IrcInput).tags, { time: "2026-01-01T00:00:00.000Z", "+typing": "active" });
    assert.deepEqual((whole[1] as IrcInput).params, ["spaced"]);
    assert.equal(whole[5], null, "an empty line is no message");
    assert.deepEqual((whole[6] as IrcInput).params, ["#x", ":colon"]);
    assert.deepEqual(whole[7], { error: "line-too-long" });
    for (let cut = 0; cut <= IRC.length; cut++)
      assert.deepEqual(ircMessages(IRC, [cut]), whole, `cut at ${cut}`);
    const bytes = Array.from({ length: IRC.length }, (_, i) => i);
    assert.deepEqual(ircMessages(IRC, bytes), whole, "one byte at a time");
  });

  it("reads seed blocks the same however they are cut", () => {
    const whole = seedRequests(SEED, []);
    assert.deepEqual(
      whole.map((request) => request.kind),
      ["helo", "join", "chat", "leave", "disconnect"],
    );
    assert.deepEqual(whole[2], {
      kind: "chat",
      roomRef: "1",
      joinId: "2",
      name: "ann",
      message: "hi there: ünïcode",
    });
    for (let cut = 0; cut <= SEED.length; cut++)
      assert.deepEqual(seedRequests(SEED, [cut]), whole, `cut at ${cut}`);
    const bytes = Array.from({ length: SEED.length }, (_, i) => i);
    assert.deepEqual(seedRequests(SEED, bytes), whole, "one byte at a time");
  });

  it("writes every IRC line within 512 bytes with CR LF, tags within their budget, never cutting a character", () => {
    assert.equal(encodeLine("PING :x"), "PING :x\r\n");
    assert.equal(encodeLine("PING :x", "time=1"), "@time=1 PING :x\r\n");
    const long = encodeLine(`:s NOTICE n :${"€".repeat(400)}`);
    assert.ok(Buffer.byteLength(long) <= 512);
    assert.ok(long.endsWith("€\r\n"));
    assert.equal(
      encodeLine("PING :x", "t=".padEnd(9000, "x")),
      "PING :x\r\n",
      "tags past 8191 bytes dropped",
    );
  });
});
