// The page's IRC client without a browser or a socket: what it sends, and what it makes of what it gets.
// The browser tests (page.test.ts) cover the same code against a real server; these cover what that
// server does not do (yet): history over draft/chathistory, SASL, and the reconnection's waits.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseTyped, splitMessage } from "../../web/src/commands.js";
import { ChatSession, RECONNECT_DELAYS_MS, type SocketLike, type Timers } from "../../web/src/session.js";
import { describeQuiet, foldQuiet } from "../../web/src/state.js";

class FakeSocket implements SocketLike {
  readonly sent: string[] = [];
  closed = false;
  onopen: ((event: never) => void) | null = null;
  onmessage: ((event: never) => void) | null = null;
  onclose: ((event: never) => void) | null = null;
  onerror: ((event: never) => void) | null = null;
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    (this.onopen as ((event: unknown) => void) | null)?.({});
  }
  /** The server says these lines. */
  say(...lines: string[]): void {
    for (const data of lines) (this.onmessage as ((event: { data: string }) => void) | null)?.({ data });
  }
  drop(): void {
    (this.onclose as ((event: unknown) => void) | null)?.({});
  }
  /** What was sent since the last look. */
  take(): string[] {
    return this.sent.splice(0);
  }
}

class ManualTimers implements Timers {
  readonly waits: number[] = [];
  private pending: Array<() => void> = [];
  setTimeout(run: () => void, ms: number): unknown {
    this.waits.push(ms);
    this.pending.push(run);
    return run;
  }
  clearTimeout(timer: unknown): void {
    this.pending = this.pending.filter((run) => run !== timer);
  }
  random(): number {
    return 0;
  }
  fire(): void {
    const due = this.pending.splice(0);
    for (const run of due) run();
  }
}

function session(caps = "") {
  const sockets: FakeSocket[] = [];
  const timers = new ManualTimers();
  const chat = new ChatSession(
    () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    "ws://chat.test/",
    timers,
  );
  const last = () => sockets.at(-1) as FakeSocket;
  /** Logs in as `nick` and answers like a server offering `caps`, through the welcome. */
  const welcome = (nick = "ann", password = "") => {
    chat.login(nick, password, "#lobby");
    const socket = last();
    socket.open();
    assert.deepEqual(socket.take(), ["CAP LS 302"]);
    socket.say(`:irc.test CAP * LS :${caps}`);
    return socket;
  };
  return { chat, sockets, timers, last, welcome };
}

describe("the page's IRC client", () => {
  test("asks for the capabilities it uses that are offered, and registers", () => {
    const { chat, welcome } = session("server-time batch echo-message away-notify draft/chathistory");
    const socket = welcome();
    assert.deepEqual(socket.take(), [
      "CAP REQ :server-time echo-message batch draft/chathistory",
      "NICK ann",
      "USER ann 0 * :ann",
    ]);
    socket.say(":irc.test CAP ann ACK :server-time echo-message batch draft/chathistory");
    assert.deepEqual(socket.take(), ["CAP END"]);
    socket.say(":irc.test 001 ann :Welcome", ":irc.test 005 ann CHATHISTORY=100 :are supported");
    assert.equal(chat.phase, "connected");
    assert.deepEqual(socket.take(), ["JOIN #lobby"]);
  });

  test("SASL PLAIN when a password is given and sasl is offered", () => {
    const { welcome } = session("sasl server-time");
    const socket = welcome("ann", "secret");
    assert.equal(socket.take()[0], "CAP REQ :server-time sasl");
    socket.say(":irc.test CAP * ACK :server-time sasl");
    assert.deepEqual(socket.take(), ["AUTHENTICATE PLAIN"]);
    socket.say("AUTHENTICATE +");
    assert.deepEqual(socket.take(), [`AUTHENTICATE ${Buffer.from("ann\0ann\0secret").toString("base64")}`]);
    socket.say(":irc.test 900 ann ann!ann@h ann :You are now logged in", ":irc.test 903 ann :SASL ok");
    assert.deepEqual(socket.take(), ["CAP END"]);
  });

  test("a refused login is said on the form, and the socket closed", () => {
    const { chat, welcome } = session("");
    const socket = welcome("9ann");
    socket.say(":irc.test 432 * 9ann :Erroneous nickname");
    assert.equal(chat.phase, "login");
    assert.equal(chat.loginError, "9ann: Erroneous nickname");
    assert.equal(socket.closed, true);
  });

  test("history: the latest on join, earlier ones before the oldest, in time order, without doubles", () => {
    const { chat, welcome } = session("batch server-time message-tags draft/chathistory");
    const socket = welcome();
    socket.say(
      ":irc.test CAP ann ACK :server-time message-tags batch draft/chathistory",
      ":irc.test 001 ann :Welcome",
      ":irc.test 005 ann CHATHISTORY=20 :are supported",
    );
    socket.take();
    socket.say("@time=2026-01-01T10:00:05.000Z;msgid=m5 :ann!a@h JOIN #lobby");
    assert.deepEqual(socket.take(), ["CHATHISTORY LATEST #lobby * 20"]);
    const lobby = chat.conversations.get("#lobby");
    assert.ok(lobby);
    assert.equal(lobby.historyLoading, true);
    socket.say(
      "@time=2026-01-01T10:00:06.000Z;msgid=m6 :bo!b@h PRIVMSG #lobby :live, during the batch",
      ":irc.test BATCH +h1 chathistory #lobby",
      "@batch=h1;time=2026-01-01T10:00:03.000Z;msgid=m3 :bo!b@h PRIVMSG #lobby :three",
      "@batch=h1;time=2026-01-01T10:00:04.000Z;msgid=m4 :cy!c@h PRIVMSG #lobby :\u0001ACTION four\u0001",
      "@batch=h1;time=2026-01-01T10:00:06.000Z;msgid=m6 :bo!b@h PRIVMSG #lobby :live, during the batch",
      ":irc.test BATCH -h1",
    );
    assert.equal(lobby.historyLoading, false);
    assert.deepEqual(
      lobby.lines.map((l) => [l.kind, l.from, l.text]),
      [
        ["message", "bo", "three"],
        ["action", "cy", "four"],
        ["join", "ann", ""],
        ["message", "bo", "live, during the batch"],
      ],
    );
    // Earlier messages were history, not news; the live one counts only if the room is not in view.
    assert.equal(lobby.unread, 0);

    chat.loadEarlier("#lobby");
    assert.deepEqual(socket.take(), ["CHATHISTORY BEFORE #lobby msgid=m3 20"]);
    chat.loadEarlier("#lobby");
    assert.deepEqual(socket.take(), [], "one request at a time");
    socket.say(":irc.test BATCH +h2 chathistory #lobby", ":irc.test BATCH -h2");
    assert.equal(lobby.historyDone, true);
    chat.loadEarlier("#lobby");
    assert.deepEqual(socket.take(), [], "nothing more to ask for");
  });

  test("history: earlier messages of the same millisecond go before those shown, in the server's order", () => {
    const { chat, welcome } = session("batch server-time message-tags draft/chathistory");
    const socket = welcome();
    socket.say(
      ":irc.test CAP ann ACK :server-time message-tags batch draft/chathistory",
      ":irc.test 001 ann :Welcome",
      ":irc.test 005 ann CHATHISTORY=3 :are supported",
    );
    socket.take();
    socket.say("@time=2026-01-01T10:00:09.000Z;msgid=j :ann!a@h JOIN #lobby");
    assert.deepEqual(socket.take(), ["CHATHISTORY LATEST #lobby * 3"]);
    const lobby = chat.conversations.get("#lobby");
    assert.ok(lobby);
    // Seven messages: m1 alone, then m2 to m7 all in one millisecond.
    const at = (n: number) => `@batch=b;time=2026-01-01T10:00:0${n === 1 ? 1 : 5}.000Z;msgid=m${n}`;
    const said = (n: number) => `${at(n)} :bo!b@h PRIVMSG #lobby :${n}`;
    socket.say(":irc.test BATCH +b chathistory #lobby", said(5), said(6), said(7), ":irc.test BATCH -b");
    // Before m5: m2 to m4, of m5's millisecond (added after those of their time, they would follow m7).
    chat.loadEarlier("#lobby");
    assert.deepEqual(socket.take(), ["CHATHISTORY BEFORE #lobby msgid=m5 3"]);
    socket.say(":irc.test BATCH +b chathistory #lobby", said(2), said(3), said(4), ":irc.test BATCH -b");
    chat.loadEarlier("#lobby");
    assert.deepEqual(socket.take(), ["CHATHISTORY BEFORE #lobby msgid=m2 3"]);
    socket.say(":irc.test BATCH +b chathistory #lobby", said(1), ":irc.test BATCH -b");
    const messages = lobby.lines.filter((l) => l.kind === "message").map((l) => l.text);
    assert.deepEqual(messages, ["1", "2", "3", "4", "5", "6", "7"]);
    assert.equal(lobby.lines.at(-1)?.kind, "join");
    // Answered again (a repeated request), nothing is shown twice.
    lobby.historyDone = false;
    chat.loadEarlier("#lobby");
    assert.deepEqual(socket.take(), ["CHATHISTORY BEFORE #lobby msgid=m1 3"]);
    socket.say(":irc.test BATCH +b chathistory #lobby", said(1), ":irc.test BATCH -b");
    assert.deepEqual(
      lobby.lines.filter((l) => l.kind === "message").map((l) => l.text),
      ["1", "2", "3", "4", "5", "6", "7"],
    );
  });

  test("without chathistory offered, nothing is asked for", () => {
    const { chat, welcome } = session("server-time");
    const socket = welcome();
    socket.say(":irc.test CAP ann ACK :server-time", ":irc.test 001 ann :Welcome", ":ann!a@h JOIN #lobby");
    socket.take();
    chat.loadEarlier("#lobby");
    assert.deepEqual(socket.take(), []);
  });

  test("reconnects with growing waits, says so, and joins its rooms again", () => {
    const { chat, welcome, sockets, timers, last } = session("");
    const socket = welcome();
    socket.say(":irc.test 001 ann :Welcome", ":ann!a@h JOIN #lobby");
    socket.say(":ann!a@h JOIN #gone", ":op!o@h KICK #gone ann :out");
    socket.drop();
    assert.equal(chat.phase, "waiting");
    chat.typed("anyone there?");
    assert.match(
      chat.conversations.get("#lobby")?.lines.at(-1)?.text ?? "",
      /^Not connected: nothing was sent/,
    );
    assert.match(chat.status, /Reconnecting in 1 s/);
    for (let attempt = 1; attempt < 4; attempt++) {
      timers.fire();
      assert.equal(sockets.length, 1 + attempt);
      last().drop();
    }
    assert.deepEqual(timers.waits, RECONNECT_DELAYS_MS.slice(0, 4));
    timers.fire();
    const again = last();
    again.open();
    again.say(":irc.test CAP * LS :");
    assert.deepEqual(again.take(), ["CAP LS 302", "CAP END", "NICK ann", "USER ann 0 * :ann"]);
    // Our old self may linger: a near nickname rather than none.
    again.say(":irc.test 433 * ann :Nickname is already in use");
    assert.deepEqual(again.take(), ["NICK ann_"]);
    again.say(":irc.test 001 ann_ :Welcome");
    // Its rooms again, not the one it was kicked from.
    assert.deepEqual(again.take(), ["JOIN #lobby"]);
    assert.equal(chat.phase, "connected");
    assert.equal(chat.status, "");
    assert.ok(chat.conversations.get("#lobby")?.lines.some((l) => l.text === "Reconnected."));
  });

  test("an unread count and a mention for messages in conversations not in view", () => {
    const { chat, welcome } = session("");
    const socket = welcome();
    socket.say(":irc.test 001 ann :Welcome", ":ann!a@h JOIN #lobby", ":ann!a@h JOIN #dev");
    chat.select("#lobby");
    socket.say(":bo!b@h PRIVMSG #dev :hello", ":bo!b@h PRIVMSG #dev :ann, look", ":bo!b@h PRIVMSG ann :psst");
    assert.equal(chat.conversations.get("#dev")?.unread, 2);
    assert.equal(chat.conversations.get("#dev")?.mentioned, true);
    assert.equal(chat.conversations.get("bo")?.unread, 1);
    chat.select("#dev");
    assert.equal(chat.conversations.get("#dev")?.unread, 0);
  });
});

describe("typed lines", () => {
  test("slash commands", () => {
    assert.deepEqual(parseTyped("hello"), { kind: "say", text: "hello" });
    assert.deepEqual(parseTyped("//etc/passwd"), { kind: "say", text: "/etc/passwd" });
    assert.deepEqual(parseTyped("/me waves back"), { kind: "me", text: "waves back" });
    assert.deepEqual(parseTyped("/join lobby"), { kind: "join", channel: "#lobby", key: null });
    assert.deepEqual(parseTyped("/JOIN #x key"), { kind: "join", channel: "#x", key: "key" });
    assert.deepEqual(parseTyped("/part"), { kind: "part", channel: null, reason: "" });
    assert.deepEqual(parseTyped("/part #x bye now"), { kind: "part", channel: "#x", reason: "bye now" });
    assert.deepEqual(parseTyped("/msg bo  two  spaces"), { kind: "msg", target: "bo", text: " two  spaces" });
    assert.deepEqual(parseTyped("/nick ann2"), { kind: "nick", nick: "ann2" });
    assert.deepEqual(parseTyped("/topic"), { kind: "topic", channel: null, topic: null });
    assert.deepEqual(parseTyped("/topic #x new topic"), { kind: "topic", channel: "#x", topic: "new topic" });
    assert.equal(parseTyped("/msg bo").kind, "error");
    assert.equal(parseTyped("/join").kind, "error");
    assert.equal(parseTyped("/frobnicate").kind, "error");
  });

  test("a long message is cut at spaces, never inside a character, and loses nothing", () => {
    const text = `${"héllo wörld ".repeat(60)}🙂🙂🙂`;
    const pieces = splitMessage(text, 100);
    for (const piece of pieces) assert.ok(Buffer.byteLength(piece) <= 100, piece);
    assert.equal(pieces.join(" ").replace(/ +/g, " "), text.replace(/ +/g, " "));
    assert.deepEqual(
      splitMessage("🙂".repeat(30), 10).map((p) => [...p].length),
      [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
    );
    assert.deepEqual(splitMessage("", 10), [""]);
  });

  test("joins and parts in a row fold into one quiet line", () => {
    const line = (kind: "join" | "part" | "message", from: string, id: number) => ({
      id,
      time: id,
      kind,
      from,
      text: "",
      msgid: null,
      self: false,
    });
    const shown = foldQuiet([
      line("join", "a", 1),
      line("part", "b", 2),
      line("message", "c", 3),
      line("join", "d", 4),
    ]);
    assert.deepEqual(
      shown.map((s) => s.kind),
      ["quiet", "line", "quiet"],
    );
    const first = shown[0];
    assert.ok(first?.kind === "quiet");
    assert.equal(describeQuiet(first.lines), "a joined, b left");
  });
});
