// IRCv3 batch and labeled-response: every reply to a labeled command carries the label, several replies
// come in one labeled batch, a command with no reply gets ACK; batches nest.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashPassword } from "../../../src/password-hash.js";
import { ircSuiteServer } from "../../support/irc.js";
import { withoutCr } from "../../support/line-client.js";
import { labeledResponse, registrarWith } from "./fixture.js";

const BOSS_HASH = await hashPassword("hunter2");

describe("IRC batch and labeled-response", { timeout: 60_000 }, () => {
  // A hashed operator password: OPER's answer comes after the event loop has turned.
  const { register, connect } = ircSuiteServer({
    opers: [{ name: "boss", password: BOSS_HASH }],
  });
  const registerWith = registrarWith(connect);

  it("labels one reply, batches several, and ACKs a command with none", async () => {
    const c = await registerWith("labeler", "batch labeled-response");
    c.send("@label=p1 PING :tok");
    assert.deepEqual(await labeledResponse(c, "p1"), ["@label=p1 :irc.test PONG irc.test :tok"]);
    c.send("@label=p2 PONG :irc.test");
    assert.deepEqual(await labeledResponse(c, "p2"), ["@label=p2 :irc.test ACK"]);
    c.send("@label=w1 WHOIS labeler");
    const whois = await labeledResponse(c, "w1");
    assert.equal(whois[0], "@label=w1 :irc.test BATCH +R1 labeled-response");
    assert.equal(whois.at(-1), ":irc.test BATCH -R1");
    assert.deepEqual(
      whois.slice(1, 3),
      [
        "@batch=R1 :irc.test 311 labeler labeler labeler 127.0.0.1 * :labeler",
        "@batch=R1 :irc.test 312 labeler labeler irc.test :tcpchat",
      ],
      whois.join("\n"),
    );
    assert.equal(whois.at(-2), "@batch=R1 :irc.test 318 labeler labeler :End of /WHOIS list");
    // Errors are replies too; so is the 421 of an unknown command.
    c.send("@label=e1 PRIVMSG nobody :hi");
    assert.deepEqual(await labeledResponse(c, "e1"), [
      "@label=e1 :irc.test 401 labeler nobody :No such nick/channel",
    ]);
    c.send("@label=e2 FROBNICATE");
    assert.deepEqual(await labeledResponse(c, "e2"), [
      "@label=e2 :irc.test 421 labeler FROBNICATE :Unknown command",
    ]);
    c.send("@label=e3 KICK");
    assert.deepEqual(await labeledResponse(c, "e3"), [
      "@label=e3 :irc.test 461 labeler KICK :Not enough parameters",
    ]);
    // A JOIN's reply is the JOIN line from the fan-out and the names; a message without echo-message, none.
    c.send("@label=j1 JOIN #labels");
    assert.deepEqual(await labeledResponse(c, "j1"), [
      "@label=j1 :irc.test BATCH +R1 labeled-response",
      "@batch=R1 :labeler!labeler@127.0.0.1 JOIN #labels",
      "@batch=R1 :irc.test 353 labeler = #labels :@labeler",
      "@batch=R1 :irc.test 366 labeler #labels :End of /NAMES list",
      ":irc.test BATCH -R1",
    ]);
    c.send("@label=m1 PRIVMSG #labels :hello");
    assert.deepEqual(await labeledResponse(c, "m1"), ["@label=m1 :irc.test ACK"]);
    // Label values come back escaped as they went.
    c.send("@label=a\\sb\\:c PING x");
    assert.deepEqual(await labeledResponse(c, "a\\sb\\:c"), ["@label=a\\sb\\:c :irc.test PONG irc.test :x"]);
    // Nothing else was labeled or batched.
    assert.deepEqual(
      (await c.drain()).filter((line) => line.startsWith("@")),
      [],
    );
  });

  it("labels the echo of a message, not the message a client sent itself as delivered", async () => {
    const c = await registerWith("echoer", "batch labeled-response echo-message message-tags");
    const other = await register("hearer");
    await c.join("#echoes");
    await other.join("#echoes");
    c.send("@label=m2;+draft/reply=x PRIVMSG #echoes :hi all");
    const [echo] = await labeledResponse(c, "m2");
    assert.match(
      echo as string,
      /^@label=m2;msgid=[\w-]+;\+draft\/reply=x :echoer!echoer@127\.0\.0\.1 PRIVMSG #echoes :hi all$/,
    );
    assert.equal(await other.expect(/PRIVMSG/), ":echoer!echoer@127.0.0.1 PRIVMSG #echoes :hi all");
    c.send("@label=s1 PRIVMSG echoer :to me");
    const lines = await c.raw.until(/@label=s1/);
    const own = lines.map(withoutCr).filter((line) => / PRIVMSG echoer /.test(line));
    assert.equal(own.length, 2, own.join("\n"));
    assert.match(own[0] as string, /^@msgid=[\w-]+ :echoer!echoer@127\.0\.0\.1 PRIVMSG echoer :to me$/);
    assert.match(
      own[1] as string,
      /^@label=s1;msgid=[\w-]+ :echoer!echoer@127\.0\.0\.1 PRIVMSG echoer :to me$/,
    );
    // Two targets, two echoes: one labeled batch.
    c.send("@label=m3 PRIVMSG #echoes,hearer :both");
    const both = await labeledResponse(c, "m3");
    assert.equal(both.length, 4, both.join("\n"));
    assert.equal(both[0], "@label=m3 :irc.test BATCH +R1 labeled-response");
    assert.match(
      both[1] as string,
      /^@batch=R1;msgid=[\w-]+ :echoer!echoer@127\.0\.0\.1 PRIVMSG #echoes :both$/,
    );
    assert.match(
      both[2] as string,
      /^@batch=R1;msgid=[\w-]+ :echoer!echoer@127\.0\.0\.1 PRIVMSG hearer :both$/,
    );
    assert.equal(both[3], ":irc.test BATCH -R1");
  });

  it("labels nothing without batch, with an empty label or one over 64 bytes", async () => {
    const lone = await registerWith("lone", "labeled-response");
    lone.send("@label=x1 PING :a");
    assert.equal(await lone.expect(/PONG/), ":irc.test PONG irc.test :a");
    const both = await registerWith("both", "labeled-response batch");
    both.send(`@label=${"x".repeat(65)} PING :b`);
    assert.equal(await both.expect(/PONG/), ":irc.test PONG irc.test :b");
    both.send("@label= PING :c");
    assert.equal(await both.expect(/PONG/), ":irc.test PONG irc.test :c");
    both.send(`@label=${"y".repeat(64)} PING :d`);
    assert.equal(await both.expect(/PONG/), `@label=${"y".repeat(64)} :irc.test PONG irc.test :d`);
    // A line of only tags is a command that does nothing: ACK.
    both.send("@label=t1");
    assert.deepEqual(await labeledResponse(both, "t1"), ["@label=t1 :irc.test ACK"]);
  });

  it("labels the whole registration burst of a labeled CAP END, and an answer that comes later", async () => {
    const c = await connect();
    c.send("CAP LS 302");
    c.send("NICK burst");
    c.send("USER burst 0 * :burst");
    c.send("CAP REQ :batch labeled-response");
    await c.expect(/ CAP burst ACK /);
    c.send("@label=end CAP END");
    const burst = await labeledResponse(c, "end");
    assert.equal(burst[0], "@label=end :irc.test BATCH +R1 labeled-response");
    assert.equal(
      burst[1],
      "@batch=R1 :irc.test 001 burst :Welcome to the tcpchat IRC Network burst!burst@127.0.0.1",
    );
    assert.ok(
      burst.slice(1, -1).every((line) => line.startsWith("@batch=R1 :irc.test ")),
      burst.join("\n"),
    );
    assert.equal(burst.at(-1), ":irc.test BATCH -R1");
    // OPER's password check happens off the event loop: the labeled reply comes when it is done.
    c.send("@label=o1 OPER boss wrong");
    assert.deepEqual(await labeledResponse(c, "o1"), ["@label=o1 :irc.test 464 burst :Password incorrect"]);
    c.send("@label=o2 OPER boss hunter2");
    assert.deepEqual(await labeledResponse(c, "o2"), [
      "@label=o2 :irc.test BATCH +R1 labeled-response",
      "@batch=R1 :irc.test 381 burst :You are now an IRC operator",
      "@batch=R1 :burst!burst@127.0.0.1 MODE burst :+o",
      ":irc.test BATCH -R1",
    ]);
  });

  it("answers a labeled QUIT with its replies before the ERROR", async () => {
    const c = await registerWith("leaver", "batch labeled-response");
    c.send("@label=q1 QUIT :bye");
    const lines = await c.raw.until(/^ERROR /);
    assert.deepEqual(lines.map(withoutCr), ["ERROR :Closing Link: 127.0.0.1 (Quit: bye)"]);
    await c.raw.closed;
  });
});
