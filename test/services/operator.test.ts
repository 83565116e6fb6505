// The operator's console, under every model: what clients say is printed tagged with the client; what the
// operator types goes to the client that spoke last, or to the one named.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MODEL_NAMES } from "../../src/models/index.js";
import { TestConsole } from "../support/console.js";
import { LineClient } from "../support/line-client.js";
import { startTestServer } from "../support/servers.js";

// The console belongs to one process; the cluster model refuses the operator service (tested below).
for (const model of MODEL_NAMES.filter((name) => name !== "cluster")) {
  describe(`operator under ${model}`, { timeout: 30_000 }, () => {
    it("relays client lines to the console and the operator's lines back; bye from either side ends the chat", async () => {
      const console = new TestConsole();
      const server = await startTestServer(model, "operator", { console, busy: "queue" });
      const c = await LineClient.connect(server.port);
      try {
        const id = (await console.waitFor(/^\* client (\d+) connected from 127\.0\.0\.1:\d+$/))[1];
        c.send("hello ✓");
        await console.waitFor(new RegExp(`^\\[client ${id}\\] hello ✓$`));
        console.type("hi there");
        assert.equal(await c.nextLine(), "hi there");
        console.type(`/to ${id}   spaced   out`);
        assert.equal(await c.nextLine(), "spaced   out");
        console.type("/list");
        await console.waitFor(new RegExp(`^\\* client ${id} 127\\.0\\.0\\.1:\\d+ \\(spoke last\\)$`));
        c.write(Buffer.from([0xff, 0x0a]));
        assert.equal(await c.nextLine(), "ERROR invalid UTF-8");
        c.send("  BYE ");
        assert.deepEqual(await c.linesUntilClose(), ["Bye"]);
        await console.waitFor(new RegExp(`^\\* client ${id} ended the chat$`));
        await console.waitFor(new RegExp(`^\\* client ${id} disconnected$`));

        console.printed.length = 0;
        const d = await LineClient.connect(server.port);
        const idD = (await console.waitFor(/^\* client (\d+) connected/))[1];
        d.send("second");
        await console.waitFor(/\] second$/);
        console.type("exit");
        assert.deepEqual(await d.linesUntilClose(), ["Bye"]);
        await console.waitFor(new RegExp(`^\\* chat with client ${idD} ended$`));
      } finally {
        c.destroy();
        await server.shutdown();
      }
    });
  });
}

describe("operator with several clients (evented)", { timeout: 20_000 }, () => {
  it("answers the last speaker, addresses others with /to, kicks with /kick, and reports bad commands", async () => {
    const console = new TestConsole();
    const server = await startTestServer("evented", "operator", { console });
    const a = await LineClient.connect(server.port);
    const idA = (await console.waitFor(/^\* client (\d+) connected/))[1];
    const b = await LineClient.connect(server.port);
    const idB = (await console.waitFor(new RegExp(`^\\* client (?!${idA}\\b)(\\d+) connected`)))[1];
    try {
      console.type("nobody spoke yet");
      await console.waitFor(/whom to\?/);
      a.send("from a");
      b.send("from b");
      await console.waitFor(new RegExp(`^\\[client ${idB}\\] from b$`));
      await console.waitFor(new RegExp(`^\\[client ${idA}\\] from a$`));
      console.type(`/to ${idA} just for a`);
      assert.equal(await a.nextLine(), "just for a");
      console.type("/to 999 nobody");
      await console.waitFor(/no client 999/);
      console.type("/frobnicate");
      await console.waitFor(/unknown command \/frobnicate/);
      console.type(`/kick ${idA}`);
      assert.deepEqual(await a.linesUntilClose(), ["Disconnected by the operator"]);
      b.send("again b");
      await console.waitFor(/\] again b$/);
      console.type("to the last speaker");
      assert.equal(await b.nextLine(), "to the last speaker");
      b.end();
      assert.deepEqual(await b.linesUntilClose(), []);
      await console.waitFor(new RegExp(`^\\* client ${idB} stopped sending$`));
    } finally {
      a.destroy();
      b.destroy();
      await server.shutdown();
    }
  });
});

describe("operator under cluster", () => {
  it("is refused: the console is one process's", async () => {
    await assert.rejects(startTestServer("cluster", "operator", { console: new TestConsole() }), /console/);
  });
});
