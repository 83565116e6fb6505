// Every line service under every model: the same behaviour, whatever runs the sessions.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MODEL_NAMES, type RunningServer } from "../../src/models/index.js";
import type { ServiceName } from "../../src/services/index.js";
import { PROC_NET_MISSING, writeBytewise } from "../support/bytewise.js";
import { LineClient } from "../support/line-client.js";
import { startTestServer } from "../support/servers.js";
import { SUITE_TIMEOUT_MS, WINDOW_MS } from "../support/timing.js";

const REPLY_SERVICES: Array<{ service: ServiceName; ask: string; answer: string }> = [
  { service: "echo", ask: "Hello, wörld ✓", answer: "Hello, wörld ✓" },
  { service: "upper", ask: "straße ǆ ﬁ", answer: "STRASSE Ǆ FI" },
  { service: "calc", ask: "2**100 // 3", answer: "422550200076076467165567735125" },
];
const MAX_LINE = 64;

for (const model of MODEL_NAMES) {
  for (const { service, ask, answer } of REPLY_SERVICES) {
    describe(`${service} under ${model}`, { timeout: SUITE_TIMEOUT_MS }, () => {
      let server: RunningServer;
      const clients: LineClient[] = [];
      const client = async () => {
        const c = await LineClient.connect(server.port);
        clients.push(c);
        return c;
      };

      before(async () => {
        server = await startTestServer(model, service, { busy: "queue", limits: { maxLineBytes: MAX_LINE } });
      });
      after(async () => {
        for (const c of clients) c.destroy();
        await server.shutdown();
      });

      it("answers a line", async () => {
        const c = await client();
        assert.equal(await c.send1(ask), answer);
        assert.equal(await c.send1(ask), answer);
        c.send("bye");
        assert.deepEqual(await c.linesUntilClose(), ["Bye"]);
      });

      it("ends on bye, exit or quit in any case, with spaces, with CRLF", async () => {
        for (const word of ["  EXIT  ", "Quit\r", "bYe"]) {
          const c = await client();
          c.send(word);
          assert.deepEqual(await c.linesUntilClose(), ["Bye"]);
        }
      });

      it("answers many lines sent in one packet, in order, and stops at bye", async () => {
        const c = await client();
        c.write(`${ask}\n${ask}\r\n${ask}\nbye\n${ask}\n`);
        assert.deepEqual(await c.linesUntilClose(), [answer, answer, answer, "Bye"]);
      });

      it("answers a line cut into single bytes, each read on its own", {
        skip: PROC_NET_MISSING,
      }, async () => {
        const c = await client();
        // A line client from its first newline on. (Before it, bytes trickling in slower than --message-gap
        // are the bare messages of a client that sends no newline: message-gap.test.ts.)
        assert.equal(await c.send1(ask), answer);
        await writeBytewise(c.socket, `${ask}\n`);
        assert.equal(await c.nextLine(), answer);
        c.send("bye");
        await c.linesUntilClose();
      });

      it("rejects an overlong line and invalid UTF-8, and stays up", async () => {
        const c = await client();
        c.write(`${"x".repeat(MAX_LINE + 1)}\n`);
        assert.equal(await c.nextLine(), "ERROR line too long");
        c.write(`${"y".repeat(MAX_LINE * 100)}`); // no LF yet: reported at once
        assert.equal(await c.nextLine(), "ERROR line too long");
        c.write(`${"y".repeat(MAX_LINE)}\n`); // the rest of that line is dropped
        c.write(Buffer.from([0x41, 0xc3, 0x28, 0x0a]));
        assert.equal(await c.nextLine(), "ERROR invalid UTF-8");
        c.write(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x0a]));
        assert.equal(await c.nextLine(), "ERROR invalid UTF-8");
        assert.equal(await c.send1(ask), answer);
        c.send("bye");
        assert.deepEqual(await c.linesUntilClose(), ["Bye"]);
      });

      it("answers every line received before a half-close, including an unterminated last one, then closes", async () => {
        const c = await client();
        c.write(`${ask}\n${ask}\n${ask}`);
        c.end();
        assert.deepEqual(await c.linesUntilClose(), [answer, answer, answer]);
      });

      it("carries on for others when a client vanishes mid-line", async () => {
        const gone = await client();
        gone.write("2+2 and then noth");
        gone.socket.resetAndDestroy();
        await gone.closed;
        const c = await client();
        assert.equal(await c.send1(ask), answer);
        c.send("bye");
        await c.linesUntilClose();
      });
    });
  }
}

// The services that speak first, under every model; and silent clients under --idle-timeout.
for (const model of MODEL_NAMES) {
  describe(`greet under ${model}`, { timeout: SUITE_TIMEOUT_MS }, () => {
    it("sends its greeting and closes; with --then read-one it waits for one line first", async () => {
      const banner = await startTestServer(model, "greet", { busy: "queue" });
      try {
        const c = await LineClient.connect(banner.port);
        assert.deepEqual(await c.linesUntilClose(), ["Hi, Hello!"]);
      } finally {
        await banner.shutdown();
      }
      const greet = await startTestServer(model, "greet", {
        busy: "queue",
        service: { greeting: "Hi", greetThen: "read-one" },
      });
      try {
        const c = await LineClient.connect(greet.port);
        assert.equal(await c.nextLine(), "Hi");
        c.send("Hello back");
        assert.deepEqual(await c.linesUntilClose(), []);
      } finally {
        await greet.shutdown();
      }
    });
  });

  describe(`--idle-timeout under ${model}`, { timeout: SUITE_TIMEOUT_MS }, () => {
    it("closes a silent client with a last line, and keeps a talking one", async () => {
      const idleTimeoutMs = WINDOW_MS;
      const server = await startTestServer(model, "echo", { busy: "queue", limits: { idleTimeoutMs } });
      const silent = await LineClient.connect(server.port);
      let talker: LineClient | null = null;
      try {
        assert.deepEqual(await silent.linesUntilClose(), ["ERROR idle timeout"]);
        // (Under single, one client at a time: the talker comes second.)
        const client = await LineClient.connect(server.port);
        talker = client;
        // The talker says something every fifth of the timeout, for twice its length and until answers come,
        // without waiting for them: under threaded the first answer may take longer than the timeout (the
        // worker boots), and a client waiting for an answer is silent too.
        let said = 0;
        const talking = new Promise<void>((resolve) => {
          const timer = setInterval(() => {
            client.send(`still here ${said++}`);
            if (said >= 10 && client.lines.length > 0) {
              clearInterval(timer);
              resolve();
            }
          }, idleTimeoutMs / 5);
        });
        await talking;
        client.send("bye");
        assert.deepEqual(await client.linesUntilClose(), [
          ...Array.from({ length: said }, (_, i) => `still here ${i}`),
          "Bye",
        ]);
      } finally {
        silent.destroy();
        talker?.destroy();
        await server.shutdown();
      }
    });
  });
}
