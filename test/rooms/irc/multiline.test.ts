// IRCv3 draft/multiline: the capability's value, a client's batch delivered as one message (one msgid) in a
// batch to clients with the capability and line by line to the others, the echo (labeled on its start),
// every FAIL the specification names, bad input in a batch, the history, flood control, and two nodes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "../../../src/models/index.js";
import { Irc } from "../../support/irc.js";
import { withoutCr } from "../../support/line-client.js";
import { connectIrcWithCaps, nodesBackends, startRoomsServer, threeNodes } from "../../support/rooms.js";
import { sqliteStore, type TestStore } from "../../support/stores.js";
import { renameRefs } from "./fixture.js";

const RICH = "batch draft/multiline echo-message message-tags";
const ALICE = "alice!alice@127.0.0.1";

/** The lines up to the end of the next batch, references renamed R1..., the msgid as MSGID. */
async function nextBatch(client: Irc): Promise<string[]> {
  const start = await client.expect(/ BATCH \+\S+ draft\/multiline /);
  const ref = (/ BATCH \+(\S+)/.exec(start) as RegExpExecArray)[1] as string;
  const rest = (await client.raw.until(new RegExp(` BATCH -${ref}\\r?$`))).map(withoutCr);
  return renameRefs([start, ...rest]).map((line) => line.replace(/msgid=[^; ]+/, "msgid=MSGID"));
}

/** Lines until (and with) the one that matches, the msgid as MSGID. */
async function linesUntil(client: Irc, pattern: RegExp): Promise<string[]> {
  return (await client.raw.until(pattern)).map((line) =>
    withoutCr(line).replace(/msgid=[^; ]+/, "msgid=MSGID"),
  );
}

const BATCH_LINES = [
  "@+example=yes BATCH +m1 draft/multiline #m",
  "@batch=m1 PRIVMSG #m hello",
  "@batch=m1 privmsg #M :how is ",
  "@batch=m1;draft/multiline-concat PRIVMSG #m :everyone?",
  "@batch=m1 PRIVMSG #m :",
  "@batch=m1 PRIVMSG #m :bye",
  "BATCH -m1",
];

const AS_BATCH = [
  `@msgid=MSGID;+example=yes :${ALICE} BATCH +R1 draft/multiline #m`,
  `@batch=R1 :${ALICE} PRIVMSG #m :hello`,
  `@batch=R1 :${ALICE} PRIVMSG #m :how is `,
  `@batch=R1;draft/multiline-concat :${ALICE} PRIVMSG #m :everyone?`,
  `@batch=R1 :${ALICE} PRIVMSG #m :`,
  `@batch=R1 :${ALICE} PRIVMSG #m :bye`,
  `:${ALICE} BATCH -R1`,
];

describe("IRC draft/multiline", { timeout: 60_000 }, () => {
  let made: TestStore;
  let server: RunningServer;
  const open: Irc[] = [];
  const connect = async (nick: string, caps: string | null) => {
    const client = await Irc.registerWithCaps(server.port, nick, caps);
    open.push(client);
    return client;
  };
  let alice: Irc;
  let rich: Irc;
  let tagged: Irc;
  let plain: Irc;

  before(async () => {
    made = sqliteStore();
    server = await startRoomsServer("evented", {
      store: made.config.store,
      dataDir: made.config.dataDir,
      historyReplay: 0,
    });
    alice = await connect("alice", RICH);
    rich = await connect("rich", "batch draft/multiline message-tags");
    tagged = await connect("tagged", "message-tags");
    plain = await connect("plain", null);
    for (const c of [alice, rich, tagged, plain]) await c.join("#m");
    await alice.join("#other");
  });
  after(async () => {
    for (const c of open) c.close();
    await server.shutdown();
    await made.remove();
  });

  it("offers draft/multiline with max-bytes and max-lines", async () => {
    const c = await Irc.open(server.port);
    open.push(c);
    c.send("CAP LS 302");
    assert.match(await c.expect(/ CAP \* LS /), / draft\/multiline=max-bytes=4096,max-lines=100 /);
  });

  it("delivers a batch as one message: a batch with the capability, lines without, one msgid", async () => {
    for (const line of BATCH_LINES) alice.send(line);
    // The echo and the batch are alike; the msgid is one.
    const echo = await nextBatch(alice);
    assert.deepEqual(echo, AS_BATCH);
    assert.deepEqual(await nextBatch(rich), AS_BATCH);
    // Without the capability: the lines as sent, no blank line, the msgid and tags on the first only.
    const messages = (lines: string[]) => lines.filter((line) => / PRIVMSG /.test(line));
    assert.deepEqual(messages(await linesUntil(tagged, / PRIVMSG #m :bye\r?$/)), [
      `@msgid=MSGID;+example=yes :${ALICE} PRIVMSG #m :hello`,
      `:${ALICE} PRIVMSG #m :how is `,
      `:${ALICE} PRIVMSG #m :everyone?`,
      `:${ALICE} PRIVMSG #m :bye`,
    ]);
    assert.deepEqual(messages(await linesUntil(plain, / PRIVMSG #m :bye\r?$/)), [
      `:${ALICE} PRIVMSG #m :hello`,
      `:${ALICE} PRIVMSG #m :how is `,
      `:${ALICE} PRIVMSG #m :everyone?`,
      `:${ALICE} PRIVMSG #m :bye`,
    ]);
  });

  it("labels the start of the echoed batch when the start was labeled", async () => {
    const c = await connect("labeler", `${RICH} labeled-response`);
    await c.join("#m");
    c.send("@label=L1 BATCH +x draft/multiline #m");
    c.send("@batch=x PRIVMSG #m :one");
    c.send("@batch=x PRIVMSG #m :two");
    c.send("BATCH -x");
    const lines = await nextBatch(c);
    assert.deepEqual(lines, [
      "@label=L1;msgid=MSGID :labeler!labeler@127.0.0.1 BATCH +R1 draft/multiline #m",
      "@batch=R1 :labeler!labeler@127.0.0.1 PRIVMSG #m :one",
      "@batch=R1 :labeler!labeler@127.0.0.1 PRIVMSG #m :two",
      ":labeler!labeler@127.0.0.1 BATCH -R1",
    ]);
    c.send("PART #m");
    await c.expect(/ PART #m/);
  });

  /** What every client of #m was told so far is read: the next test starts afresh. */
  async function settle(): Promise<void> {
    for (const c of [alice, rich, tagged, plain]) await c.drain();
  }

  /** Send `lines`; the sender gets exactly `fail`, and nobody in #m hears a thing. */
  async function refused(lines: string[], fail: string[]): Promise<void> {
    await settle();
    for (const line of lines) alice.send(line);
    assert.deepEqual(await alice.drain(), fail);
    assert.deepEqual(await rich.drain(), []);
    assert.deepEqual(await plain.drain(), []);
  }

  it("answers MULTILINE_MAX_LINES past 100 lines, and drops the batch", async () => {
    const lines = ["BATCH +big draft/multiline #m"];
    for (let i = 0; i <= 100; i++) lines.push(`@batch=big PRIVMSG #m :${i}`);
    lines.push("BATCH -big");
    await refused(lines, [
      ":irc.test FAIL BATCH MULTILINE_MAX_LINES 100 :Multiline batch max-lines exceeded",
    ]);
  });

  it("answers MULTILINE_MAX_BYTES past 4096 bytes, LFs counted", async () => {
    const lines = ["BATCH +big draft/multiline #m"];
    // 10 lines of 400 bytes and 9 LFs: 4009; one more line of 87 bytes and its LF makes 4097.
    for (let i = 0; i < 10; i++) lines.push(`@batch=big PRIVMSG #m :${"x".repeat(400)}`);
    lines.push(`@batch=big PRIVMSG #m :${"y".repeat(87)}`, "BATCH -big");
    await refused(lines, [
      ":irc.test FAIL BATCH MULTILINE_MAX_BYTES 4096 :Multiline batch max-bytes exceeded",
    ]);
    // 86 bytes fit exactly.
    const fits = ["BATCH +fit draft/multiline #m"];
    for (let i = 0; i < 10; i++) fits.push(`@batch=fit PRIVMSG #m :${"x".repeat(400)}`);
    fits.push(`@batch=fit PRIVMSG #m :${"y".repeat(86)}`, "BATCH -fit");
    for (const line of fits) alice.send(line);
    const got = await nextBatch(rich);
    assert.equal(got.length, 13);
    await nextBatch(alice);
  });

  it("answers MULTILINE_INVALID_TARGET for a line to another target", async () => {
    await refused(
      ["BATCH +t draft/multiline #m", "@batch=t PRIVMSG #m :hi", "@batch=t PRIVMSG #other :hi", "BATCH -t"],
      [":irc.test FAIL BATCH MULTILINE_INVALID_TARGET #m #other :Invalid multiline target"],
    );
  });

  it("answers MULTILINE_INVALID for what the specification forbids", async () => {
    const invalid = ":irc.test FAIL BATCH MULTILINE_INVALID :Invalid multiline batch";
    // A NOTICE in the batch; a concatenation first; a blank concatenation; only blank lines; no lines.
    await refused(["BATCH +a draft/multiline #m", "@batch=a NOTICE #m :hi", "BATCH -a"], [invalid]);
    await refused(
      ["BATCH +a draft/multiline #m", "@batch=a;draft/multiline-concat PRIVMSG #m :hi", "BATCH -a"],
      [invalid],
    );
    await refused(
      [
        "BATCH +a draft/multiline #m",
        "@batch=a PRIVMSG #m :hi",
        "@batch=a;draft/multiline-concat PRIVMSG #m :",
        "BATCH -a",
      ],
      [invalid],
    );
    await refused(
      ["BATCH +a draft/multiline #m", "@batch=a PRIVMSG #m :", "@batch=a PRIVMSG #m :", "BATCH -a"],
      [invalid],
    );
    await refused(["BATCH +a draft/multiline #m", "BATCH -a"], [invalid]);
    // A line without text; another batch type; no target; a bad reference; an end without a start.
    await refused(["BATCH +a draft/multiline #m", "@batch=a PRIVMSG #m", "BATCH -a"], [invalid]);
    await refused(["BATCH +a chathistory #m"], [invalid]);
    await refused(["BATCH +a draft/multiline"], [invalid]);
    await refused(
      ["BATCH a draft/multiline #m"],
      [":irc.test FAIL BATCH MULTILINE_INVALID :Invalid batch reference"],
    );
    await refused(["BATCH -nothing"], [":irc.test FAIL BATCH MULTILINE_INVALID :No such batch"]);
    // A line of another batch.
    await refused(
      ["BATCH +a draft/multiline #m", "@batch=zz PRIVMSG #m :hi", "BATCH -a"],
      [":irc.test FAIL BATCH MULTILINE_INVALID :Line of an unknown batch"],
    );
  });

  it("fails an open batch on another command, which still runs; a new start drops the old batch", async () => {
    await settle();
    alice.send("BATCH +a draft/multiline #m");
    alice.send("@batch=a PRIVMSG #m :lost");
    alice.send("PRIVMSG #m :plain");
    assert.equal(
      await alice.expect(/FAIL/),
      ":irc.test FAIL BATCH MULTILINE_INVALID :Incomplete multiline batch",
    );
    assert.equal(await plain.expect(/PRIVMSG/), `:${ALICE} PRIVMSG #m :plain`);
    alice.send("@batch=a PRIVMSG #m :still lost");
    alice.send("BATCH -a");
    alice.send("BATCH +b draft/multiline #m");
    alice.send("@batch=b PRIVMSG #m :dropped");
    alice.send("BATCH +c draft/multiline #m");
    alice.send("@batch=c PRIVMSG #m :kept");
    alice.send("BATCH -c");
    assert.equal(
      await alice.expect(/FAIL/),
      ":irc.test FAIL BATCH MULTILINE_INVALID :Incomplete multiline batch",
    );
    assert.deepEqual(await linesUntil(plain, /PRIVMSG/), [`:${ALICE} PRIVMSG #m :kept`]);
    await nextBatch(alice);
    assert.deepEqual(await plain.drain(), []);
  });

  it("fails a batch with an overlong or invalid UTF-8 line, and carries on", async () => {
    await settle();
    alice.send("BATCH +a draft/multiline #m");
    alice.send(`@batch=a PRIVMSG #m :${"z".repeat(600)}`);
    alice.send("BATCH -a");
    assert.deepEqual(await alice.drain(), [
      ":irc.test 417 alice :Input line was too long",
      ":irc.test FAIL BATCH MULTILINE_INVALID :Invalid multiline batch",
    ]);
    alice.send("BATCH +b draft/multiline #m");
    alice.raw.write(Buffer.from([...Buffer.from("@batch=b PRIVMSG #m :"), 0xff, 0xfe, 0x0d, 0x0a]));
    alice.send("BATCH -b");
    assert.deepEqual(await alice.drain(), [
      ":irc.test FAIL BATCH MULTILINE_INVALID :Invalid multiline batch",
      ":irc.test FAIL * INVALID_UTF8 :Message rejected, your IRC software MUST use UTF-8 encoding on this network",
    ]);
    assert.deepEqual(await plain.drain(), []);
    assert.deepEqual(await rich.drain(), []);
  });

  it("refuses BATCH without the capability, and delivers nothing of a batch whose sender vanished", async () => {
    await settle();
    plain.send("BATCH +a draft/multiline #m");
    assert.equal(await plain.expect(/ 421 /), ":irc.test 421 plain BATCH :Unknown command");
    const gone = await connect("gone", RICH);
    await gone.join("#m");
    gone.send("BATCH +a draft/multiline #m");
    gone.send("@batch=a PRIVMSG #m :never");
    await gone.drain();
    gone.close();
    assert.equal(await rich.expect(/ QUIT /), ":gone!gone@127.0.0.1 QUIT :Connection closed");
    assert.deepEqual(await rich.drain(), []);
  });

  it("answers 404 at the end of a batch to a channel one cannot send to", async () => {
    const outsider = await connect("outsider", RICH);
    for (const line of ["BATCH +a draft/multiline #m", "@batch=a PRIVMSG #m :hi", "BATCH -a"])
      outsider.send(line);
    assert.equal(await outsider.expect(/ 404 /), ":irc.test 404 outsider #m :Cannot send to channel (+n)");
    for (const line of ["BATCH +a draft/multiline #nowhere", "@batch=a PRIVMSG #nowhere :hi", "BATCH -a"])
      outsider.send(line);
    assert.equal(await outsider.expect(/ 403 /), ":irc.test 403 outsider #nowhere :No such channel");
  });

  it("keeps a batch in the history as one message: a batch again, or its lines", async () => {
    const h1 = await connect("hist1", "batch draft/multiline draft/chathistory echo-message message-tags");
    const h2 = await connect("hist2", "batch draft/chathistory message-tags");
    await h1.join("#hist");
    await h2.join("#hist");
    for (const line of [
      "BATCH +h draft/multiline #hist",
      "@batch=h PRIVMSG #hist :first ",
      "@batch=h;draft/multiline-concat PRIVMSG #hist :half",
      "@batch=h PRIVMSG #hist :",
      "@batch=h PRIVMSG #hist :second",
      "BATCH -h",
    ])
      h1.send(line);
    const live = await nextBatch(h1);
    await h2.expect(/ :second\r?$/);
    h1.send("CHATHISTORY LATEST #hist * 10");
    const start = await h1.expect(/ BATCH \+\S+ chathistory #hist/);
    const ref = (/ BATCH \+(\S+)/.exec(start) as RegExpExecArray)[1] as string;
    const got = renameRefs([
      start,
      ...(await h1.raw.until(new RegExp(`BATCH -${ref}\\r?$`))).map(withoutCr),
    ]).map((line) => line.replace(/msgid=[^; ]+/, "msgid=MSGID"));
    const H1 = "hist1!hist1@127.0.0.1";
    assert.deepEqual(got, [
      ":irc.test BATCH +R1 chathistory #hist",
      `@batch=R1;msgid=MSGID :${H1} BATCH +R2 draft/multiline #hist`,
      `@batch=R2 :${H1} PRIVMSG #hist :first `,
      `@batch=R2;draft/multiline-concat :${H1} PRIVMSG #hist :half`,
      `@batch=R2 :${H1} PRIVMSG #hist :`,
      `@batch=R2 :${H1} PRIVMSG #hist :second`,
      `@batch=R1 :${H1} BATCH -R2`,
      ":irc.test BATCH -R1",
    ]);
    assert.equal(live.length, 6);
    h2.send("CHATHISTORY LATEST #hist * 10");
    const lines = (await h2.raw.until(/BATCH -\S+\r?$/)).map(withoutCr);
    const body = lines
      .filter((line) => / PRIVMSG #hist /.test(line))
      .map((line) =>
        line
          .replace(/^@batch=[^; ]+;?/, "@")
          .replace(/^@ /, "")
          .replace(/msgid=[^; ]+/, "msgid=MSGID"),
      );
    assert.deepEqual(body, [
      `@msgid=MSGID :${H1} PRIVMSG #hist :first `,
      `:${H1} PRIVMSG #hist :half`,
      `:${H1} PRIVMSG #hist :second`,
    ]);
  });
});

describe("IRC draft/multiline under flood control", { timeout: 60_000 }, () => {
  let server: RunningServer;
  const open: Irc[] = [];
  before(async () => {
    server = await startRoomsServer("evented", { flood: { enabled: true, burst: 10, perSecond: 1 } });
  });
  after(async () => {
    for (const c of open) c.close();
    await server.shutdown();
  });

  it("takes a batch of 60 lines at once, as one line per 512 bytes of its value", async () => {
    const sender = await Irc.registerWithCaps(server.port, "fast", RICH);
    const hearer = await Irc.registerWithCaps(server.port, "hear", "batch draft/multiline");
    open.push(sender, hearer);
    await sender.join("#f");
    await hearer.join("#f");
    const lines = ["BATCH +f draft/multiline #f"];
    for (let i = 0; i < 60; i++) lines.push(`@batch=f PRIVMSG #f :line ${i}`);
    lines.push("BATCH -f");
    sender.raw.write(`${lines.join("\r\n")}\r\n`);
    // At a line a second past a burst of 10, counted line by line this would take most of a minute.
    const got = await nextBatch(hearer);
    assert.equal(got.length, 62);
    assert.equal(got[61], ":fast!fast@127.0.0.1 BATCH -R1");
  });
});

for (const backend of await nodesBackends("multiline")) {
  describe(`IRC draft/multiline across nodes (${backend.name})`, {
    skip: backend.skip,
    timeout: 60_000,
  }, () => {
    const net = threeNodes(backend);

    it("delivers a batch decided on one node as a batch and as lines on the others, one msgid", async () => {
      const a = net.track(await connectIrcWithCaps(net.port(0), "nodea", RICH));
      const b = net.track(
        await connectIrcWithCaps(net.port(1), "nodeb", "batch draft/multiline message-tags"),
      );
      const c = net.track(await connectIrcWithCaps(net.port(2), "nodec", "message-tags"));
      for (const [client, nick] of [
        [a, "nodea"],
        [b, "nodeb"],
        [c, "nodec"],
      ] as const) {
        client.send("JOIN #x\r");
        await client.until(new RegExp(` 366 ${nick} #x `));
      }
      // Everyone is in: each sees the two others join.
      await a.until(/nodec!\S+ JOIN #x/);
      await b.until(/nodec!\S+ JOIN #x/);
      a.write(
        "BATCH +n draft/multiline #x\r\n@batch=n PRIVMSG #x :one\r\n@batch=n PRIVMSG #x :two\r\nBATCH -n\r\n",
      );
      const echo = (await a.until(/BATCH -/)).map(withoutCr).slice(-4);
      const batch = (await b.until(/BATCH -/)).map(withoutCr).slice(-4);
      const plain = (await c.until(/ :two\r?$/)).map(withoutCr).slice(-2);
      const msgid = /msgid=([^; ]+)/.exec(echo[0] as string)?.[1];
      assert.ok(msgid);
      assert.deepEqual(renameRefs(batch), [
        `@msgid=${msgid} :nodea!nodea@127.0.0.1 BATCH +R1 draft/multiline #x`,
        "@batch=R1 :nodea!nodea@127.0.0.1 PRIVMSG #x :one",
        "@batch=R1 :nodea!nodea@127.0.0.1 PRIVMSG #x :two",
        ":nodea!nodea@127.0.0.1 BATCH -R1",
      ]);
      assert.deepEqual(plain, [
        `@msgid=${msgid} :nodea!nodea@127.0.0.1 PRIVMSG #x :one`,
        ":nodea!nodea@127.0.0.1 PRIVMSG #x :two",
      ]);
    });
  });
}
