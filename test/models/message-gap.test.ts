// Clients that send no newline, under every model: a quiet gap ends their message, the reply goes out bare;
// a client that has sent a newline is a line client from then on.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { MODEL_NAMES, type RunningServer } from "../../src/models/index.js";
import { LabClient } from "../support/lab-client.js";
import { startTestServer } from "../support/servers.js";

const MAX_LINE = 64;
// Long, so that the pieces of one message written a few ms apart are never taken for two messages.
const GAP_MS = 300;

/** Resolves after the next turns of the event loop: the pieces written before and after go out apart. */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

for (const model of MODEL_NAMES) {
  describe(`messages without a newline under ${model}`, { timeout: 30_000 }, () => {
    let server: RunningServer;
    const clients: LabClient[] = [];
    const client = async () => {
      const c = await LabClient.connect(server.port);
      clients.push(c);
      return c;
    };

    before(async () => {
      server = await startTestServer(model, "calc", {
        busy: "queue",
        limits: { maxLineBytes: MAX_LINE, messageGapMs: GAP_MS },
      });
    });
    // Under `single` the next client is served once the last has gone.
    afterEach(async () => {
      for (const c of clients.splice(0)) {
        c.destroy();
        await c.closed;
      }
    });
    after(() => server.shutdown());

    it("answers each bare message bare, in turn, many in a row", async () => {
      const c = await client();
      assert.equal(await c.ask("2+3"), "5");
      assert.equal(await c.ask("Hi"), "Hello");
      assert.equal(await c.ask("1/0"), "ERROR division by zero");
      for (let i = 0; i < 5; i++) assert.equal(await c.ask(`${i}*${i}`), String(i * i));
      assert.equal(await c.ask("bye"), "Bye");
      assert.equal(await c.recv(), "");
    });

    it("joins the packets of one message sent a moment apart, even cut into single bytes", async () => {
      const c = await client();
      c.send("2**1");
      await nextTurn();
      c.send("00 // 3");
      assert.equal(await c.recv(), "422550200076076467165567735125");
      for (const byte of Buffer.from("7 * 6")) {
        c.send(Buffer.from([byte]));
        await nextTurn();
      }
      assert.equal(await c.recv(), "42");
    });

    it("takes messages sent close together with no newline as one, as one recv() did", async () => {
      const c = await client();
      c.send("2+2");
      c.send("0");
      assert.equal(await c.recv(), "22");
    });

    it("turns a client into a line client at its first newline, for good", async () => {
      const c = await client();
      assert.equal(await c.ask("2+2"), "4");
      assert.equal(await c.ask("3+3\n"), "6\n");
      // A pause longer than the gap inside a line no longer ends it.
      c.send("4+");
      await new Promise((resolve) => setTimeout(resolve, GAP_MS * 2));
      assert.equal(await c.ask("4\n"), "8\n");
      assert.equal(await c.ask("bye\n"), "Bye\n");
      assert.equal(await c.recv(), "");
    });

    it("answers bad bytes and an overlong message bare, and reads the next message", async () => {
      const c = await client();
      c.send(Buffer.from([0x41, 0xff, 0xfe]));
      assert.equal(await c.recv(), "ERROR invalid UTF-8");
      assert.equal(await c.ask("9".repeat(MAX_LINE * 3)), "ERROR line too long");
      assert.equal(await c.ask("6*7"), "42");
    });

    it("answers a last message cut short by a half-close, bare", async () => {
      const c = await client();
      c.send("40+2");
      c.end();
      assert.equal(await c.recv(), "42");
      assert.equal(await c.recv(), "");
    });
  });
}

describe("--message-gap 0: only a newline ends a message", { timeout: 20_000 }, () => {
  it("holds a message with no newline until its newline or the end of input", async () => {
    const server = await startTestServer("evented", "echo", { limits: { messageGapMs: 0 } });
    const c = await LabClient.connect(server.port);
    try {
      c.send("no newline yet");
      c.send(", then one\n");
      assert.equal(await c.recv(), "no newline yet, then one\n");
      c.send("last");
      c.end();
      assert.equal(await c.recv(), "last\n");
    } finally {
      c.destroy();
      await server.shutdown();
    }
  });
});
