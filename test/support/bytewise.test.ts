// The bytewise writer keeps its promise: every byte reaches the peer in a read of its own.
import assert from "node:assert/strict";
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";
import { describe, it } from "node:test";
import { PROC_NET_MISSING, writeBytewise } from "./bytewise.js";

describe("writeBytewise", () => {
  it("delivers each byte in a read of its own", { skip: PROC_NET_MISSING }, async () => {
    const reads: Buffer[] = [];
    const server = createServer((socket) => socket.on("data", (chunk: Buffer) => reads.push(chunk)));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const client = connect((server.address() as { port: number }).port, "127.0.0.1");
    try {
      await once(client, "connect");
      const text = "PRIVMSG #cut :bête ✓\r\n";
      await writeBytewise(client as Socket, text);
      assert.equal(Buffer.concat(reads).toString(), text);
      assert.deepEqual(
        reads.map((chunk) => chunk.length),
        Array.from({ length: Buffer.byteLength(text) }, () => 1),
      );
    } finally {
      client.destroy();
      server.close();
    }
  });
});
