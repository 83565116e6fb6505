// Every lab preset as the labs' own clients talk to it: each message one send() with no newline, one
// recv(1024) for the answer, compared byte for byte; the busy path of each; the operator's chat in turns.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { findPreset } from "../../src/cli/presets.js";
import type { RunningServer } from "../../src/models/index.js";
import { TestConsole } from "../support/console.js";
import { LabClient } from "../support/lab-client.js";
import { LineClient } from "../support/line-client.js";
import { startTestServer, type TestServerOptions } from "../support/servers.js";
import { DEFAULT_WAIT_MS } from "../support/timing.js";

/** The seed 003 client's socket timeout: a reply must come within it. */
const SEED_003_TIMEOUT_MS = 2000;

describe("lab presets, talked to as the lab clients talk", { timeout: 60_000 }, () => {
  let server: RunningServer | null = null;
  const clients: Array<LabClient | LineClient> = [];

  /** The preset's server, as `tcpchat lab <name>` builds it, on a free port. */
  async function start(name: string, options: TestServerOptions = {}): Promise<number> {
    const preset = findPreset(name);
    assert.ok(preset, `no preset ${name}`);
    server = await startTestServer(preset.model, preset.service, {
      busy: preset.busy ?? "reply",
      ...options,
      service: {
        wording: preset.wording ?? null,
        ...(preset.greeting === undefined ? {} : { greeting: preset.greeting }),
        ...(preset.greetThen === undefined ? {} : { greetThen: preset.greetThen }),
      },
    });
    return server.port;
  }
  async function lab(port: number): Promise<LabClient> {
    const c = await LabClient.connect(port);
    clients.push(c);
    return c;
  }
  async function line(port: number): Promise<LineClient> {
    const c = await LineClient.connect(port);
    clients.push(c);
    return c;
  }
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server?.shutdown();
    server = null;
  });

  it("000-cases: one message back in upper case, then close; the next client is served in turn", async () => {
    const port = await start("000-cases");
    const first = await lab(port);
    const second = await lab(port);
    second.send("straße");
    assert.equal(await first.ask("hello there"), "HELLO THERE");
    assert.equal(await first.recv(), "");
    assert.equal(await second.recv(), "STRASSE");
    assert.equal(await second.recv(), "");
    const c = await line(port);
    c.send("a line client");
    assert.deepEqual(await c.linesUntilClose(), ["A LINE CLIENT"]);
  });

  it("000-banner: the banner, bare, then close, to every client", async () => {
    const port = await start("000-banner");
    for (let i = 0; i < 2; i++) {
      const c = await lab(port);
      assert.equal(await c.recv(), "Hi, Hello!");
      assert.equal(await c.recv(), "");
    }
  });

  it("000-greet: Hi, one reply read, then close; the next client is greeted once the first has answered", async () => {
    const port = await start("000-greet");
    const c = await lab(port);
    assert.equal(await c.recv(), "Hi");
    const next = await lab(port);
    c.send("Hi");
    assert.equal(await c.recv(), "");
    assert.equal(await next.recv(), "Hi");
    next.send("Hi");
    assert.equal(await next.recv(), "");
  });

  it("001-server1: Query evaluates to, its own error, bye; others refused while one is served", async () => {
    const port = await start("001-server1");
    const c = await lab(port);
    assert.equal(await c.ask("2+3"), "Query evaluates to: 5");
    assert.equal(await c.ask("10/4"), "Query evaluates to: 2.5");
    assert.equal(await c.ask("2**100"), "Query evaluates to: 1267650600228229401496703205376");
    assert.equal(await c.ask("__import__('os').system('id')"), "An exception occured");
    assert.equal(await c.ask("9**9**9"), "An exception occured");
    await assert.rejects(LabClient.connect(port), /ECONNREFUSED/);
    assert.equal(await c.ask("bye"), "bye");
    assert.equal(await c.recv(), "");
    // Listening again once the first has gone.
    let next: LabClient | null = null;
    for (let attempt = 0; next === null; attempt++) {
      next = await lab(port).catch(async (err: NodeJS.ErrnoException) => {
        assert.equal(err.code, "ECONNREFUSED");
        assert.ok(attempt < 100, "never listened again");
        await new Promise((resolve) => setTimeout(resolve, 10));
        return null;
      });
    }
    assert.equal(await next.ask("7*6"), "Query evaluates to: 42");
  });

  it("001-server1_u: a second client gets exactly busy and is closed; bye ends without a word", async () => {
    const port = await start("001-server1_u");
    const c = await lab(port);
    assert.equal(await c.ask("1+1"), "Query evaluates to: 2");
    const busy = await lab(port);
    assert.equal(await busy.ask("2+2"), "busy");
    assert.equal(await busy.recv(), "");
    assert.equal(await c.ask("1/0"), "Bad query, please enter a valid expression");
    assert.equal(await c.ask("print"), "Bad query, please enter a valid expression");
    c.send("bye");
    assert.equal(await c.recv(), "");
    const next = await lab(port);
    assert.equal(await next.ask("3*3"), "Query evaluates to: 9");
  });

  it("001-server2: each client's thread names itself; exit or bye gets bye", async () => {
    const port = await start("001-server2");
    const a = await lab(port);
    const b = await lab(port);
    const fromA = /^\[Thread (\d+)\] says: 42$/.exec(await a.ask("6*7"));
    const fromB = /^\[Thread (\d+)\] says: -4$/.exec(await b.ask("-7//2"));
    assert.ok(fromA && fromB);
    assert.notEqual(fromA[1], fromB[1]);
    assert.equal(await a.ask("x +"), `[Thread ${fromA[1]}] says: Bad query in request`);
    assert.equal(await a.ask("exit"), "bye");
    assert.equal(await a.recv(), "");
    assert.equal(await b.ask("bye"), "bye");
    assert.equal(await b.recv(), "");
  });

  it("001-server3: Evaluated expression, Bad or illegal expression, clients at once, bye", async () => {
    const port = await start("001-server3");
    const a = await lab(port);
    const b = await lab(port);
    assert.equal(await a.ask("2+3"), "Evaluated expression: 5");
    assert.equal(await b.ask("3-5"), "Evaluated expression: -2");
    assert.equal(await a.ask("open('/etc/passwd')"), "Bad or illegal expression");
    assert.equal(await a.ask("bye"), "bye");
    assert.equal(await a.recv(), "");
    const l = await line(port);
    assert.equal(await l.send1("2+3"), "Evaluated expression: 5");
  });

  it("001-server4 and 003-server4: echo, bye echoed and the connection closed", async () => {
    for (const name of ["001-server4", "003-server4"]) {
      const port = await start(name);
      const c = await lab(port);
      assert.equal(await c.ask("Hi"), "Hi");
      assert.equal(await c.ask("hello there ✓"), "hello there ✓");
      assert.equal(await c.ask("bye"), "bye");
      assert.equal(await c.recv(), "");
      c.destroy();
      await server?.shutdown();
      server = null;
    }
  });

  it("003-server1: Hi gets Hello within the client's 2 s timeout; a second client waits its turn", async () => {
    const port = await start("003-server1");
    const c = await lab(port);
    assert.equal(await c.ask("Hi", SEED_003_TIMEOUT_MS), "Hello");
    assert.equal(await c.ask("2*3", SEED_003_TIMEOUT_MS), "6");
    assert.equal(await c.ask("hi", SEED_003_TIMEOUT_MS), "Please send a proper statement");
    assert.equal(await c.ask("1/0", SEED_003_TIMEOUT_MS), "Please send a proper statement");
    // The seed 003 client gives up when its timeout fires: nothing comes while the first is served.
    const waiting = await lab(port);
    waiting.send("Hi");
    await assert.rejects(waiting.recv(SEED_003_TIMEOUT_MS), /timed out/);
    c.send("bye");
    assert.equal(await c.recv(), "");
    assert.equal(await waiting.recv(), "Hello");
  });

  it("003-server2 and 003-server3: hi in any case gets hello, errors INVALID STATEMENT, bye closes", async () => {
    for (const name of ["003-server2", "003-server3"]) {
      const port = await start(name);
      const a = await lab(port);
      const b = await lab(port);
      // Under threaded, a session's first answer waits for its worker thread to boot (slow from source).
      assert.equal(await a.ask("Hi", DEFAULT_WAIT_MS), "hello");
      assert.equal(await b.ask(" HI ", DEFAULT_WAIT_MS), "hello");
      assert.equal(await a.ask("2**10", SEED_003_TIMEOUT_MS), "1024");
      assert.equal(await b.ask("exit()", SEED_003_TIMEOUT_MS), "INVALID STATEMENT");
      a.send("bye");
      assert.equal(await a.recv(), "");
      assert.equal(await b.ask("10/4", SEED_003_TIMEOUT_MS), "2.5");
      for (const c of clients.splice(0)) c.destroy();
      await server?.shutdown();
      server = null;
    }
  });

  it("002-chat: the client speaks, the operator answers; the operator's exit is sent as typed and ends it", async () => {
    const console = new TestConsole();
    const port = await start("002-chat", { console });
    const c = await lab(port);
    const id = (await console.waitFor(/^\* client (\d+) connected from 127\.0\.0\.1:\d+$/))[1];
    c.send("hello");
    await console.waitFor(new RegExp(`^\\[client ${id}\\] hello$`));
    console.type("hi there");
    assert.equal(await c.recv(), "hi there");
    c.send("how are you");
    await console.waitFor(/\] how are you$/);
    console.type("exit");
    assert.equal(await c.recv(), "exit");
    assert.equal(await c.recv(), "");
    await console.waitFor(new RegExp(`^\\* chat with client ${id} ended$`));

    // What the operator types before the client speaks answers its next message; the client's exit ends
    // the chat without a word. A client that came meanwhile waits its turn.
    const d = await lab(port);
    const queued = await lab(port);
    queued.send("me next");
    const idD = (await console.waitFor(new RegExp(`^\\* client (?!${id}\\b)(\\d+) connected`)))[1];
    console.type("typed early");
    await console.waitFor(/the client speaks first/);
    assert.equal(await d.ask("question"), "typed early");
    d.send("exit");
    assert.equal(await d.recv(), "");
    await console.waitFor(new RegExp(`^\\* client ${idD} ended the chat$`));
    await console.waitFor(/\] me next$/);
    console.type("your turn");
    assert.equal(await queued.recv(), "your turn");
  });

  it("000-blocking-chat and 000-nonblocking-chat: bye from the client gets Bye; the operator's bye is sent as typed", async () => {
    for (const name of ["000-blocking-chat", "000-nonblocking-chat"]) {
      const console = new TestConsole();
      const port = await start(name, { console });
      const c = await lab(port);
      await console.waitFor(/^\* client \d+ connected/);
      c.send("hello");
      await console.waitFor(/\] hello$/);
      console.type("hi, how are you?");
      assert.equal(await c.recv(), "hi, how are you?");
      c.send("bye");
      assert.equal(await c.recv(), "Bye");
      assert.equal(await c.recv(), "");

      const d = await lab(port);
      await console.waitFor(/ended the chat$/);
      d.send("one more");
      await console.waitFor(/\] one more$/);
      console.type("Bye");
      assert.equal(await d.recv(), "Bye");
      assert.equal(await d.recv(), "");
      await console.waitFor(/^\* chat with client \d+ ended$/);
      await server?.shutdown();
      server = null;
    }
  });

  it("004-rooms: a request block written at once with no final newline is answered after a quiet gap", async () => {
    const port = await start("004-rooms");
    const c = await lab(port);
    c.send("HELO hello\n");
    assert.match(await c.recv(), /^HELO hello\nIP:127\.0\.0\.1\nPort:\d+\nStudentID:\S+\n$/);
    c.send("JOIN_CHATROOM: lab\nCLIENT_IP: 0\nPORT: 0\nCLIENT_NAME: ada");
    let got = "";
    while (!got.includes("MESSAGE: ada has joined this chatroom.\n\n")) {
      const chunk = await c.recv();
      assert.notEqual(chunk, "", `closed after ${JSON.stringify(got)}`);
      got += chunk;
    }
    assert.match(
      got,
      /^JOINED_CHATROOM: lab\nSERVER_IP: 127\.0\.0\.1\nPORT: \d+\nROOM_REF: \d+\nJOIN_ID: \d+\n/,
    );
    const ref = /ROOM_REF: (\d+)/.exec(got)?.[1];
    const id = /JOIN_ID: (\d+)/.exec(got)?.[1];
    c.send(`CHAT: ${ref}\nJOIN_ID: ${id}\nCLIENT_NAME: ada\nMESSAGE: no newline at the end`);
    let chat = "";
    while (!chat.endsWith("\n\n")) {
      const chunk = await c.recv();
      assert.notEqual(chunk, "", `closed after ${JSON.stringify(chat)}`);
      chat += chunk;
    }
    assert.equal(chat, `CHAT: ${ref}\nCLIENT_NAME: ada\nMESSAGE: no newline at the end\n\n`);
    c.send("DISCONNECT: 0\nPORT: 0\nCLIENT_NAME: ada");
    while ((await c.recv()) !== "") {}
  });
});
