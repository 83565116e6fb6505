// --connect-rate: connections one address may open in 10 s, loopback exempt unless --limit-loopback; the
// refusal is one line, then the connection closes. On a manual clock in memory, and over TCP.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConnectRate } from "../../src/rooms/connect-rate.js";
import { LineClient } from "../support/line-client.js";
import { memoryRooms } from "../support/memory-rooms.js";
import { connectIrc, startRoomsServer } from "../support/rooms.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

const REFUSAL = "ERROR :Connecting too fast from your IP address: try again in a few seconds";

describe("connection rate per address", { timeout: SUITE_TIMEOUT_MS }, () => {
  it("refuses the connection past the rate, lets one more in as the window moves, other addresses unaffected", () => {
    const { clock, connect } = memoryRooms({ connectRate: 3, maxClientsPerIp: 100 });
    const first = [connect("10.0.0.1"), connect("10.0.0.1"), connect("10.0.0.1")];
    for (const c of first) assert.equal(c.conn.closed, null);
    const fourth = connect("10.0.0.1");
    assert.equal(fourth.conn.closed, REFUSAL);
    assert.equal(connect("10.0.0.2").conn.closed, null, "another address is counted apart");
    // One connection comes back every 10/3 s.
    clock.advance(3_333);
    assert.equal(connect("10.0.0.1").conn.closed, REFUSAL);
    clock.advance(1);
    assert.equal(connect("10.0.0.1").conn.closed, null);
    assert.equal(connect("10.0.0.1").conn.closed, REFUSAL);
  });

  it("leaves loopback alone unless --limit-loopback; 0 turns it off", () => {
    const exempt = memoryRooms({ connectRate: 2 });
    for (let i = 0; i < 10; i++) assert.equal(exempt.connect("127.0.0.1").conn.closed, null);
    const limited = memoryRooms({ connectRate: 2, limitLoopback: true });
    limited.connect("127.0.0.1");
    limited.connect("::1");
    limited.connect("127.0.0.1");
    assert.equal(limited.connect("127.0.0.1").conn.closed, REFUSAL);
    const off = memoryRooms({ connectRate: 0, maxClientsPerIp: 100 });
    for (let i = 0; i < 50; i++) assert.equal(off.connect("10.0.0.9").conn.closed, null);
  });

  it("forgets addresses once their allowance is whole again", () => {
    const rate = new ConnectRate();
    for (let i = 0; i < 1000; i++) assert.ok(rate.allow(`10.1.${i >> 8}.${i & 255}`, 5, 0));
    assert.equal(rate.size, 1000);
    assert.ok(rate.allow("10.2.0.1", 5, 10_000));
    assert.equal(rate.size, 1, "only the address seen within the window is kept");
  });

  it("says so in one line over TCP, and the clients already in stay", async () => {
    const server = await startRoomsServer("evented", { connectRate: 2, limitLoopback: true });
    const clients: LineClient[] = [];
    try {
      clients.push(await connectIrc(server.port, "one"), await connectIrc(server.port, "two"));
      const third = await LineClient.connect(server.port);
      clients.push(third);
      assert.deepEqual(await third.linesUntilClose(), [`${REFUSAL}\r`]);
      clients[0]?.send("PING :here\r");
      await clients[0]?.until(/PONG irc\.test :here/);
    } finally {
      for (const client of clients) client.destroy();
      await server.shutdown();
    }
  });
});
