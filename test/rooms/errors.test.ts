// The one table per protocol: every failure a client can be told of (the core's refusals and the refusals of
// its input before the core) has one reply in IRC and one in the seed protocol, and a failure met in two
// places (an overlong line at the framer and at the IRC dispatcher, a garbled seed block) reads as the table
// says wherever it is met.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { SeedError } from "../../src/protocol/seed-rooms.js";
import { InputError, type Refusal, RoomError } from "../../src/rooms/core/errors.js";
import { IRC_ERRORS, ircError } from "../../src/rooms/irc/errors.js";
import { SEED_ERRORS, seedError } from "../../src/rooms/seed/errors.js";
import { LineClient, withoutCr } from "../support/line-client.js";
import { connectIrc, SeedClient, startRoomsServer } from "../support/rooms.js";

const EVERY: Refusal[] = [...Object.values(RoomError), ...Object.values(InputError)];
const SEED_CODES = new Set<number>(Object.values(SeedError));

describe("error tables", () => {
  it("give every refusal one IRC reply and one seed error, and nothing else", () => {
    assert.deepEqual(Object.keys(IRC_ERRORS).sort(), [...EVERY].sort());
    assert.deepEqual(Object.keys(SEED_ERRORS).sort(), [...EVERY].sort());
    for (const refusal of EVERY) {
      const [code, ...params] = ircError(refusal, { channel: "#c", nick: "n", command: "CMD", detail: "d" });
      assert.match(code, /^(\d{3}|FAIL)$/, refusal);
      assert.ok(params.length > 0 && params.every((p) => p !== ""), refusal);
      const [seedCode, description] = seedError(refusal, { room: "c", name: "n", detail: "d" });
      assert.ok(SEED_CODES.has(seedCode), refusal);
      assert.ok(description.length > 0 && !description.includes("\n"), refusal);
    }
  });

  it("word a seed request that cannot be read with the parser's detail", () => {
    assert.deepEqual(seedError(InputError.InvalidFormat, { detail: "CHAT expects JOIN_ID next" }), [
      SeedError.InvalidFormat,
      "invalid message format: CHAT expects JOIN_ID next",
    ]);
  });
});

describe("error tables on the wire", { timeout: 30_000 }, () => {
  let server: RunningServer;
  const clients: Array<{ destroy(): void }> = [];
  before(async () => {
    server = await startRoomsServer("evented");
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await server.shutdown();
  });

  /** A numeric as the IRC table words it for `nick`. */
  const ircLine = (nick: string, refusal: Refusal, subject = {}) => {
    const [code, ...params] = ircError(refusal, subject);
    const last = params.pop() as string;
    return [`:irc.test ${code} ${nick}`, ...params, `:${last}`].join(" ");
  };

  it("IRC: the same 417 for a line the framer cuts and a body the dispatcher refuses; 421, 451", async () => {
    const early = await LineClient.connect(server.port);
    clients.push(early);
    // Before registration: a command that needs it, and an unknown one.
    early.write("PRIVMSG x :y\r\nFROB\r\n");
    assert.deepEqual((await early.nextLines(2)).map(withoutCr), [
      ircLine("*", InputError.NotRegistered),
      ircLine("*", InputError.UnknownCommand, { command: "FROB" }),
    ]);
    const c = await connectIrc(server.port, "errs");
    clients.push(c);
    // Longer than the whole line budget (tags included): refused by the framer.
    c.write(`PRIVMSG errs :${"x".repeat(9000)}\r\n`);
    const framer = withoutCr(await c.nextLine());
    // Within the framer's budget but a body over 510 bytes: refused by the dispatcher.
    c.write(`PRIVMSG errs :${"x".repeat(600)}\r\n`);
    const dispatcher = withoutCr(await c.nextLine());
    assert.equal(framer, ircLine("errs", InputError.LineTooLong));
    assert.equal(dispatcher, framer);
    // Bad UTF-8: the standard reply the table gives.
    c.write(Buffer.from([0x50, 0x49, 0x4e, 0x47, 0x20, 0xff, 0x0d, 0x0a]));
    const [, ...fail] = ircError(InputError.InvalidUtf8, {});
    const text = fail.pop();
    assert.equal(withoutCr(await c.nextLine()), `:irc.test FAIL ${fail.join(" ")} :${text}`);
  });

  it("seed: an overlong line, bad UTF-8 and a garbled block, each as the table words it", async () => {
    const seed = await SeedClient.connect(server.port);
    clients.push(seed.raw);
    await seed.join("errs", "seeder");
    const expect = async (refusal: Refusal, subject = {}) => {
      const [code, description] = seedError(refusal, subject);
      assert.equal(await seed.expectError(code), description);
    };
    seed.raw.write(`${"x".repeat(9000)}\n`);
    await expect(InputError.LineTooLong);
    seed.raw.write(Buffer.from([0x43, 0x48, 0xff, 0x0a]));
    await expect(InputError.InvalidUtf8);
    seed.send(["CHAT: 1", "CLIENT_NAME: seeder"]);
    await expect(InputError.InvalidFormat, {
      detail: 'CHAT expects JOIN_ID next, got "CLIENT_NAME: seeder"',
    });
  });
});
