// Connections that never register, or trickle bytes without finishing a line, are closed at
// --registration-timeout; --max-clients caps the connections at once. Time is a manual clock: in memory for
// the exact moment, and under a real server on 127.0.0.1 for the wire.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { ManualClock } from "../../src/rooms/core/clock.js";
import { cliSuite } from "../support/cli.js";
import { LineClient } from "../support/line-client.js";
import { memoryRooms } from "../support/memory-rooms.js";
import { connectIrc, startRoomsServer } from "../support/rooms.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

const TIMED_OUT = "ERROR :Closing Link: 127.0.0.1 (Registration timed out)";

describe("registration deadline, on a manual clock", () => {
  it("closes an IRC connection not registered after 30 s, and only it", () => {
    const { clock, connect, register } = memoryRooms();
    const halfway = connect();
    halfway.say("NICK halfway");
    const negotiating = connect();
    negotiating.say("CAP LS 302", "NICK capper", "USER capper 0 * :c");
    const silent = connect();
    const done = register("done");
    clock.advance(29_999);
    for (const c of [halfway, negotiating, silent, done]) assert.equal(c.conn.closed, null);
    clock.advance(1);
    assert.equal(halfway.conn.closed, TIMED_OUT);
    assert.equal(negotiating.conn.closed, TIMED_OUT);
    assert.equal(silent.conn.closed, TIMED_OUT);
    assert.equal(done.conn.closed, null);
    // The nick it held is free again.
    const next = register("halfway");
    next.say("WHOIS halfway");
    assert.ok(next.conn.take().some((line) => / 311 halfway halfway /.test(line)));
  });

  it("tells a seed client that has not joined a room in its protocol's words; one that joined stays", () => {
    const { clock, connect } = memoryRooms({ registrationTimeoutMs: 10_000 });
    const partial = connect();
    partial.say("JOIN_CHATROOM: lobby", "CLIENT_IP: 0");
    const helo = connect();
    helo.say("HELO hi");
    const joined = connect();
    joined.say("JOIN_CHATROOM: lobby", "CLIENT_IP: 0", "PORT: 0", "CLIENT_NAME: ann");
    clock.advance(10_000);
    const seedError = [
      "ERROR_CODE: 17",
      "ERROR_DESCRIPTION: disconnected by the server (registration timed out: no JOIN_CHATROOM within 10 s)",
    ].join("\n");
    assert.equal(partial.conn.closed, seedError);
    assert.equal(helo.conn.closed, seedError);
    assert.equal(joined.conn.closed, null);
  });

  it("never closes anyone with --registration-timeout 0", () => {
    const { clock, connect } = memoryRooms({ registrationTimeoutMs: 0, pingIntervalMs: 3_600_000 });
    const c = connect();
    c.say("NICK idle");
    clock.advance(600_000);
    assert.equal(c.conn.closed, null);
  });
});

describe("registration deadline and --max-clients over TCP", { timeout: SUITE_TIMEOUT_MS }, () => {
  const clients: LineClient[] = [];
  const tracked = async (port: number) => {
    const client = await LineClient.connect(port);
    clients.push(client);
    return client;
  };
  const withServer = async (server: RunningServer, body: () => Promise<void>) => {
    try {
      await body();
    } finally {
      for (const client of clients.splice(0)) client.destroy();
      await server.shutdown();
    }
  };

  it("closes a client that trickles bytes without ever finishing a line", async () => {
    const clock = new ManualClock();
    const server = await startRoomsServer("evented", { registrationTimeoutMs: 30_000 }, { clock });
    await withServer(server, async () => {
      const loris = await tracked(server.port);
      // A whole line first, answered: the server reads this connection; then one byte at a time, no end.
      loris.write("PING :first\r\n");
      await loris.until(/PONG irc\.test :first/);
      const registered = await connectIrc(server.port, "patient");
      clients.push(registered);
      for (const byte of "NICK slowlo") {
        loris.write(byte);
        clock.advance(2_500);
      }
      clock.advance(30_000 - 2_500 * 11);
      assert.deepEqual(await loris.linesUntilClose(), [`${TIMED_OUT}\r`]);
      // The registered client, connected later, is still served.
      registered.send("PING :still\r");
      await registered.until(/PONG irc\.test :still/);
    });
  });

  it("refuses connections past --max-clients in one line, registered or not", async () => {
    const server = await startRoomsServer("evented", { maxClients: 2 });
    await withServer(server, async () => {
      const first = await connectIrc(server.port, "first");
      clients.push(first);
      const unregistered = await tracked(server.port);
      unregistered.write("PING :here\r\n");
      await unregistered.until(/PONG irc\.test :here/);
      const third = await tracked(server.port);
      assert.deepEqual(await third.linesUntilClose(), ["ERROR :Too many connections on this server\r"]);
      // Once one leaves, a new one gets in (as soon as the server has seen it go).
      unregistered.send("QUIT\r");
      await unregistered.closed;
      for (let attempt = 1; ; attempt++) {
        const next = await tracked(server.port);
        next.write("NICK next\r\nUSER next 0 * :next\r\n");
        const line = await next.nextLine();
        if (line.startsWith(":irc.test 001 next ")) break;
        await next.closed;
        assert.ok(attempt < 1000, `still refused: ${line}`);
      }
    });
  });
});

describe("tcpchat serve --registration-timeout", { timeout: SUITE_TIMEOUT_MS }, () => {
  const cli = cliSuite();

  it("closes a silent connection after the seconds given", async () => {
    const run = cli.run(["serve", "--service", "rooms", "--port", "0", "--registration-timeout", "0.3"]);
    const port = await run.listening();
    const client = await LineClient.connect(port);
    try {
      const started = Date.now();
      const lines = await client.linesUntilClose();
      assert.match(lines.join(""), /^ERROR :Closing Link: 127\.0\.0\.1 \(Registration timed out\)\r$/);
      assert.ok(Date.now() - started >= 250, "not before the timeout");
    } finally {
      client.destroy();
    }
  });
});
