// A bug met by one client's command: that client gets ERROR and is closed, everyone else carries on, and
// the stack is logged once. The command that fails is added to the table by this test only.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { COMMANDS, type CommandSpec } from "../../src/rooms/irc/commands.js";
import { connectIrc, joinIrc, startRoomsServer } from "../support/rooms.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

const table = COMMANDS as Map<string, CommandSpec>;

describe("a command that throws", { timeout: SUITE_TIMEOUT_MS }, () => {
  before(() => {
    table.set("CRASHME", {
      handler: () => {
        throw new Error("boom in a handler");
      },
      beforeRegistration: false,
      minParams: 0,
    });
  });
  after(() => {
    table.delete("CRASHME");
  });

  it("closes only the client that sent it, with ERROR, and logs the stack once", async () => {
    const logged: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n")) if (line !== "") logged.push(JSON.parse(line));
        done();
      },
    });
    const server = await startRoomsServer("evented", {}, { log: pino({ level: "info" }, sink) });
    const clients = [];
    try {
      const crasher = await connectIrc(server.port, "crasher");
      const other = await connectIrc(server.port, "other");
      clients.push(crasher, other);
      await joinIrc(crasher, "crasher", "#room");
      await joinIrc(other, "other", "#room");
      crasher.send("CRASHME\r");
      const tail = await crasher.linesUntilClose();
      assert.equal(tail.at(-1), "ERROR :Closing Link: 127.0.0.1 (Internal server error)\r");
      await other.until(/^:crasher!\S+ QUIT :Internal server error\r$/);
      // The server carries on: the other client talks, and a newcomer registers and hears it.
      const late = await connectIrc(server.port, "late");
      clients.push(late);
      await joinIrc(late, "late", "#room");
      other.send("PRIVMSG #room :still here\r");
      await late.until(/^:other!\S+ PRIVMSG #room :still here\r$/);
      const failures = logged.filter(
        (entry) => entry.msg === "a client's input failed: closing that connection",
      );
      assert.equal(failures.length, 1);
      const err = failures[0]?.err as { stack?: string };
      assert.match(err.stack ?? "", /boom in a handler\n\s+at /);
    } finally {
      for (const client of clients) client.destroy();
      await server.shutdown();
    }
  });
});
