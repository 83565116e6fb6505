// CAP LS 302 and CAP LIST over several lines: with a long server name the list does not fit one line, so it
// is split between capabilities, every line but the last marked `*`, none over 512 bytes; before 302, one.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../../src/models/index.js";
import { CAPABILITIES } from "../../../src/rooms/irc/caps.js";
import { capLines } from "../../../src/rooms/irc/registration.js";
import { LineClient, withoutCr } from "../../support/line-client.js";
import { startRoomsServer } from "../../support/rooms.js";

const NAME = `${"n".repeat(60)}.${"a".repeat(60)}.${"m".repeat(60)}.test`;

describe("CAP lists over several lines", { timeout: 30_000 }, () => {
  let server: RunningServer;
  const open: LineClient[] = [];
  before(async () => {
    server = await startRoomsServer("evented", { serverName: NAME });
  });
  after(async () => {
    for (const c of open) c.destroy();
    await server.shutdown();
  });

  it("splits between words, within the budget", () => {
    assert.deepEqual(capLines("aa bb cc dd", 5), ["aa bb", "cc dd"]);
    assert.deepEqual(capLines("aa bb cc", 4), ["aa", "bb", "cc"]);
    assert.deepEqual(capLines("", 10), [""]);
  });

  it("sends CAP LS 302 and CAP LIST in `*` continuation lines; CAP LS without 302 in one", async () => {
    const c = await LineClient.connect(server.port);
    open.push(c);
    c.write("CAP LS\r\n");
    const one = withoutCr((await c.until(/ CAP \* LS /)).at(-1) as string);
    assert.match(one, new RegExp(`^:${NAME} CAP \\* LS :account-notify `));
    c.write("CAP LS 302\r\n");
    const lines = (await c.until(/ CAP \* LS :/)).map(withoutCr);
    assert.ok(lines.length >= 2, lines.join("\n"));
    for (const line of lines.slice(0, -1)) assert.match(line, new RegExp(`^:${NAME} CAP \\* LS \\* :\\S`));
    assert.match(lines.at(-1) as string, new RegExp(`^:${NAME} CAP \\* LS :\\S`));
    for (const line of lines)
      assert.ok(Buffer.byteLength(line) <= 510, `${Buffer.byteLength(line)}: ${line}`);
    const caps = lines.flatMap((line) => line.slice(line.lastIndexOf(" :") + 2).split(" "));
    const names = caps.map((cap) => cap.replace(/=.*/, ""));
    // Every capability once, with its value, in the order of the list (the one line before 302 is cut
    // to 512 bytes: such a client cannot take more).
    assert.deepEqual(names, [...CAPABILITIES.keys()]);
    assert.ok(caps.includes("draft/multiline=max-bytes=4096,max-lines=100"), caps.join(" "));
    c.write(`CAP REQ :${names.filter((name) => name !== "sasl" && !name.startsWith("sts")).join(" ")}\r\n`);
    await c.until(/ CAP \* ACK /);
    c.write("CAP LIST\r\n");
    const listed = (await c.until(/ CAP \* LIST :/)).map(withoutCr);
    assert.ok(listed.length >= 2, listed.join("\n"));
    assert.match(listed[0] as string, new RegExp(`^:${NAME} CAP \\* LIST \\* :account-notify `));
    for (const line of listed) assert.ok(Buffer.byteLength(line) <= 510);
  });
});
