// The `single` model: one client at a time, and each busy policy for the others.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { afterEach, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { BUSY_REPLY } from "../../src/services/line-rules.js";
import { LineClient } from "../support/line-client.js";
import { startTestServer } from "../support/servers.js";

/** Resolves with the error code of a connection attempt, or "connected". */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe("single model", { timeout: 20_000 }, () => {
  let server: RunningServer | null = null;
  const clients: LineClient[] = [];
  const client = async (port: number) => {
    const c = await LineClient.connect(port);
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server?.shutdown();
    server = null;
  });

  it("--busy reply: others get the busy line and are closed; the next is served after the first leaves", async () => {
    server = await startTestServer("single", "echo", { busy: "reply" });
    const first = await client(server.port);
    assert.equal(await first.send1("one"), "one");
    const second = await client(server.port);
    assert.deepEqual(await second.linesUntilClose(), [BUSY_REPLY]);
    first.send("bye");
    assert.deepEqual(await first.linesUntilClose(), ["Bye"]);
    const third = await client(server.port);
    assert.equal(await third.send1("three"), "three");
  });

  it("--busy queue: others wait connected and are served in turn, their early lines kept", async () => {
    server = await startTestServer("single", "upper", { busy: "queue" });
    const first = await client(server.port);
    assert.equal(await first.send1("first"), "FIRST");
    const second = await client(server.port);
    const third = await client(server.port);
    second.send("second");
    third.send("third");
    // Nothing is answered while the first is served. Checked after a round trip through the server: an
    // answer it had written to the others before this reply would have reached them first (loopback).
    assert.equal(await first.send1("still first"), "STILL FIRST");
    assert.deepEqual([second.lines, third.lines], [[], []]);
    first.send("bye");
    assert.deepEqual(await first.linesUntilClose(), ["Bye"]);
    assert.equal(await second.nextLine(), "SECOND");
    // The same for the third while the second is served, after a round trip of the second's.
    assert.equal(await second.send1("second again"), "SECOND AGAIN");
    assert.deepEqual(third.lines, []);
    second.end();
    assert.deepEqual(await second.linesUntilClose(), []);
    assert.equal(await third.nextLine(), "THIRD");
    assert.equal(await third.send1("third again"), "THIRD AGAIN");
  });

  it("--busy queue: a queued client that leaves is skipped", async () => {
    server = await startTestServer("single", "echo", { busy: "queue" });
    const first = await client(server.port);
    assert.equal(await first.send1("a"), "a");
    const quitter = await client(server.port);
    quitter.write("never served\n");
    const patient = await client(server.port);
    patient.send("b");
    quitter.socket.resetAndDestroy();
    await quitter.closed;
    first.send("bye");
    await first.linesUntilClose();
    assert.equal(await patient.nextLine(), "b");
  });

  it("--busy refuse: connections are refused while one is served, accepted after it leaves", async () => {
    server = await startTestServer("single", "calc", { busy: "refuse" });
    const port = server.port;
    const first = await client(port);
    assert.equal(await first.send1("6/2"), "3.0");
    assert.equal(await tryConnect(port), "ECONNREFUSED");
    first.send("bye");
    await first.linesUntilClose();
    // The server listens again once it has seen the first client go; until then, refused.
    let next: LineClient | null = null;
    for (let attempt = 0; next === null; attempt++) {
      next = await client(port).catch((err: NodeJS.ErrnoException) => {
        assert.equal(err.code, "ECONNREFUSED");
        assert.ok(attempt < 100, "never listened again");
        return new Promise<null>((resolve) => setTimeout(() => resolve(null), 10));
      });
    }
    assert.equal(await next.send1("10/4"), "2.5");
  });
});
