// IRC over WebSocket, as the IRCv3 WebSocket specification has it: both subprotocols, one line per message,
// invalid frames, the origin allow-list, the limits of TCP (line length, invalid UTF-8, send queue, per-IP),
// and WebSocket and TCP clients in one room of one rooms server.
import assert from "node:assert/strict";
import { once } from "node:events";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../src/models/index.js";
import { cliSuite } from "../support/cli.js";
import { Irc } from "../support/irc.js";
import { startRoomsServer } from "../support/rooms.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";
import { bounded } from "../support/wait.js";
import { WsClient, webPort } from "../support/websocket.js";

const WEB = { port: 0, origins: null, tls: null };
const MAX_LINE = 8703;

/**
 * Opens a WebSocket by hand on a raw socket, sends `frame` after the handshake, and returns the close code of
 * the server's close frame (null if it sent none) once the server has closed the socket.
 */
async function closeCodeAfter(port: number, frame: Buffer): Promise<number | null> {
  const socket = connect({ port, host: "127.0.0.1" });
  socket.on("error", () => {});
  await bounded(once(socket, "connect"), "the raw connection");
  socket.write(
    `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
      "Sec-WebSocket-Protocol: text.ircv3.net\r\n\r\n",
  );
  let received = Buffer.alloc(0);
  let sent = false;
  socket.on("data", (data: Buffer) => {
    received = Buffer.concat([received, data]);
    const end = received.indexOf("\r\n\r\n");
    if (!sent && end !== -1) {
      assert.match(received.subarray(0, end).toString(), /^HTTP\/1\.1 101 /);
      sent = true;
      socket.write(frame);
    }
  });
  await bounded(once(socket, "close"), "the server's close");
  const frames = received.subarray(received.indexOf("\r\n\r\n") + 4);
  // A close frame (opcode 8) without a mask, its payload's first two bytes the code.
  const at = frames.indexOf(0x88);
  return at === -1 || frames.length < at + 4 ? null : frames.readUInt16BE(at + 2);
}

/** A client's frame: `first` (FIN, RSV, opcode), masked (with a zero mask) unless `masked` is false. */
function frame(first: number, payload: string, masked = true): Buffer {
  const body = Buffer.from(payload);
  const head = Buffer.from([first, (masked ? 0x80 : 0) | body.length]);
  return Buffer.concat(masked ? [head, Buffer.alloc(4), body] : [head, body]);
}

describe("IRC over WebSocket", { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  let port = 0;
  const open: Array<{ close(): void }> = [];
  const keep = <T extends { close(): void }>(client: T): T => {
    open.push(client);
    return client;
  };

  before(async () => {
    server = await startRoomsServer("evented", {}, { web: WEB, limits: { maxLineBytes: MAX_LINE } });
    port = webPort(server);
  });
  after(async () => {
    for (const client of open) client.close();
    await server.shutdown();
  });

  it("text.ircv3.net: text frames, one line each without CR LF, in one room with a TCP client", async () => {
    const web = keep(await WsClient.register(port, "webby"));
    assert.equal(web.ws.protocol, "text.ircv3.net");
    const tcp = keep(await Irc.register(server.port, "tcpy"));
    web.send("JOIN #mixed");
    await web.until(/ 366 webby #mixed /);
    await tcp.join("#mixed");
    await web.until(/^:tcpy!\S+ JOIN #mixed$/);
    tcp.send("PRIVMSG #mixed :from tcp");
    const got = await web.until(/PRIVMSG #mixed :from tcp/);
    const last = got.at(-1);
    assert.equal(last?.text, `:tcpy!tcpy@127.0.0.1 PRIVMSG #mixed :from tcp`);
    assert.equal(last?.binary, false);
    web.send("PRIVMSG #mixed :from the web");
    await tcp.expect(/^:webby!webby@127\.0\.0\.1 PRIVMSG #mixed :from the web\r?$/);
    // Nothing the server sent had a line ending in it.
    assert.equal(got.filter((m) => /[\r\n]/.test(m.text)).length, 0);
  });

  it("binary.ircv3.net: binary frames both ways; invalid UTF-8 is refused as over TCP, the client stays", async () => {
    const web = keep(await WsClient.register(port, "binny", ["binary.ircv3.net", "text.ircv3.net"]));
    assert.equal(web.ws.protocol, "binary.ircv3.net");
    web.send(Buffer.from("PING :one"), true);
    const pong = (await web.until(/PONG irc\.test :one$/)).at(-1);
    assert.equal(pong?.binary, true);
    web.send(Buffer.from([0x50, 0x49, 0x4e, 0x47, 0x20, 0xff, 0xfe]), true);
    await web.until(/ FAIL \* INVALID_UTF8 /);
    web.send(Buffer.from("PING :two"), true);
    await web.until(/PONG irc\.test :two$/);
  });

  it("no subprotocol offered is text; a line ending and several lines in one message are forgiven", async () => {
    const web = keep(await WsClient.connect(port, []));
    assert.equal(web.ws.protocol, "");
    web.send("PING :a\r\n");
    await web.until(/PONG irc\.test :a$/);
    web.send("PING :b\r\nPING :c");
    await web.until(/PONG irc\.test :b$/);
    await web.until(/PONG irc\.test :c$/);
  });

  it("a page from another site is refused; the listener's own pages and clients without Origin are not", async () => {
    await assert.rejects(
      WsClient.connect(port, ["text.ircv3.net"], { Origin: "https://elsewhere.example" }),
      (err: { status?: number }) => err.status === 403,
    );
    keep(await WsClient.connect(port, ["text.ircv3.net"], { Origin: `http://127.0.0.1:${port}` }));
    keep(await WsClient.connect(port));
  });

  it("a line longer than --max-line gets 417 and the client stays; a message past twice that closes it (1009)", async () => {
    const web = keep(await WsClient.register(port, "longy"));
    web.send(`PRIVMSG longy :${"x".repeat(MAX_LINE)}`);
    await web.until(/ 417 longy :Input line was too long$/);
    web.send("PING :still");
    await web.until(/PONG irc\.test :still$/);
    web.send("x".repeat(2 * MAX_LINE + 3));
    assert.equal(await web.closeCode(), 1009);
  });

  it("invalid UTF-8 in a text frame closes the connection (1007)", async () => {
    const web = keep(await WsClient.register(port, "badutf"));
    web.send(Buffer.from([0x50, 0x49, 0x4e, 0x47, 0x20, 0xc3, 0x28]), false);
    assert.equal(await web.closeCode(), 1007);
  });

  it("invalid frames close the client with 1002 (protocol error); the server serves on", async () => {
    const cases: Array<[string, Buffer]> = [
      ["an unmasked frame from a client", frame(0x81, "PING :x", false)],
      ["a reserved opcode", frame(0x83, "PING :x")],
      ["RSV1 without an extension", frame(0xc1, "PING :x")],
      ["a fragmented control frame", frame(0x09, "x")],
      ["a continuation with nothing to continue", frame(0x80, "PING :x")],
    ];
    for (const [what, bytes] of cases) assert.equal(await closeCodeAfter(port, bytes), 1002, what);
    const after = keep(await WsClient.register(port, "afterbad"));
    after.send("PING :fine");
    await after.until(/PONG irc\.test :fine$/);
  });

  it("the garbage of a non-WebSocket request is answered in HTTP, and an unknown path is 404", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/nothing-here`);
    assert.equal(res.status, 404);
    const wrongMethod = await fetch(`http://127.0.0.1:${port}/nothing-here`, { method: "POST", body: "x" });
    assert.equal(wrongMethod.status, 404);
  });
});

describe("IRC over WebSocket: limits", { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  const open: Array<{ close(): void }> = [];
  after(async () => {
    for (const client of open) client.close();
    await server?.shutdown();
  });

  it("a client that stops reading is closed at the send-queue bound; the room hears SendQ exceeded", async () => {
    server = await startRoomsServer(
      "evented",
      { maxClientsPerIp: 2, limitLoopback: true },
      {
        web: { port: 0, origins: ["https://chat.example.org"], tls: null },
        limits: { maxSendQueueBytes: 64 * 1024, sendHighWaterBytes: 16 * 1024, closeGraceMs: 120_000 },
      },
    );
    const port = webPort(server);
    // The allow-list: the listed site is let in; this listener's own origin is not, once a list is given.
    const sleeper = await WsClient.connect(port, ["text.ircv3.net"], { Origin: "https://chat.example.org" });
    open.push(sleeper);
    await assert.rejects(
      WsClient.connect(port, ["text.ircv3.net"], { Origin: `http://127.0.0.1:${port}` }),
      (err: { status?: number }) => err.status === 403,
    );
    sleeper.send("NICK sleeper");
    sleeper.send("USER sleeper 0 * :sleeper");
    sleeper.send("JOIN #busy");
    await sleeper.until(/ 366 sleeper #busy /);
    const talker = await Irc.register(server.port, "talker");
    open.push(talker);
    // Per-IP, counted over TCP and WebSocket alike: a third connection from this address is refused in
    // IRC's words (the limit is 2).
    const third = await WsClient.connect(port);
    open.push(third);
    await third.until(/^ERROR :Too many connections/);
    await third.closeCode();

    sleeper.ws.pause(); // reads nothing more
    await talker.join("#busy");
    // Far more than the kernel's buffers and the send queue hold, in batches the talker's drain keeps
    // paced: the sleeper's QUIT comes among them.
    const text = "y".repeat(400);
    let quit = "";
    for (let start = 0; start < 40_000 && quit === ""; start += 500) {
      let batch = "";
      for (let i = start; i < start + 500; i++) batch += `PRIVMSG #busy :${i} ${text}\r\n`;
      talker.raw.write(batch);
      quit = (await talker.drain()).find((l) => / QUIT :SendQ exceeded$/.test(l)) ?? "";
    }
    assert.match(quit, /^:sleeper!\S+ QUIT :SendQ exceeded$/);
    // When it reads again it finds the last line and a close that says why.
    sleeper.ws.resume();
    await sleeper.until(/^ERROR :SendQ exceeded$/);
    assert.equal(await sleeper.closeCode(), 1008);
    // The metrics count it (the only client this process closed for its send queue).
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /^tcpchat_disconnects_total\{reason="send-queue"\} 1$/m);
  });
});

describe("the web listener from the command line", { timeout: SUITE_TIMEOUT_MS }, () => {
  const commands = cliSuite();
  const lines = async (args: string[], expected: number) => {
    const run = commands.run([...args, "--port", "0", "--server-name", "irc.test"]);
    await run.listening();
    await run.until(() => run.stdout.split("\n").length > expected, `${expected} lines`);
    run.kill("SIGTERM");
    assert.equal(await run.exitCode(), 0, run.stderr);
    return run.stdout;
  };

  it("serve --service rooms has one (any free port with --port 0); --no-web, and lab rooms unless asked, none", async () => {
    const serve = await lines(["serve", "--service", "rooms", "--model", "cluster", "--workers", "2"], 2);
    assert.match(serve, /^listening on 127\.0\.0\.1:\d+\nweb listening on http:\/\/127\.0\.0\.1:\d+\/\n$/);
    assert.match(
      await lines(["serve", "--service", "rooms", "--no-web"], 1),
      /^listening on 127\.0\.0\.1:\d+\n$/,
    );
    assert.match(await lines(["lab", "004-rooms"], 1), /^listening on 127\.0\.0\.1:\d+\n$/);
    const asked = await lines(["lab", "004-rooms", "--web-port", "0"], 2);
    const port = Number(/web listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(asked)?.[1]);
    assert.ok(port > 0, asked);
  });

  it("a cluster's workers share the web port: WebSocket and TCP clients meet in one room", async () => {
    const run = commands.run([
      "serve",
      "--service",
      "rooms",
      "--model",
      "cluster",
      "--workers",
      "2",
      "--port",
      "0",
      "--server-name",
      "irc.test",
    ]);
    const m = await run.waitFor(
      /^listening on 127\.0\.0\.1:(\d+)\nweb listening on http:\/\/127\.0\.0\.1:(\d+)\/\n/m,
    );
    const tcp = await Irc.register(Number(m[1]), "tcpc");
    const web = await WsClient.register(Number(m[2]), "webc");
    try {
      await tcp.join("#c");
      web.send("JOIN #c");
      await tcp.expect(/^:webc!\S+ JOIN #c\r?$/);
      web.send("PRIVMSG #c :across workers");
      await tcp.expect(/^:webc!\S+ PRIVMSG #c :across workers\r?$/);
    } finally {
      tcp.close();
      web.close();
      run.kill("SIGTERM");
    }
  });
});
