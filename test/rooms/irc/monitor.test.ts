// MONITOR and extended-monitor, setname, chghost and invite-notify on one node, line for line.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ircSuiteServer } from "../../support/irc.js";
import { registrarWith } from "./fixture.js";

describe("IRC MONITOR, setname, chghost, invite-notify", { timeout: 60_000 }, () => {
  const { register, connect } = ircSuiteServer({ opers: [{ name: "boss", password: "pw" }] });
  const registerWith = registrarWith(connect);

  it("follows nicks with MONITOR: + - C L S, 730 and 731 as they come and go, 734 past the limit", async () => {
    const watcher = await register("watcher");
    const early = await register("early");
    watcher.send("MONITOR + early,late,9bad");
    assert.deepEqual(await watcher.drain(), [
      ":irc.test 730 watcher :early!early@127.0.0.1",
      ":irc.test 731 watcher :late",
    ]);
    watcher.send("MONITOR L");
    assert.deepEqual(await watcher.drain(), [
      ":irc.test 732 watcher :early,late",
      ":irc.test 733 watcher :End of MONITOR list",
    ]);
    const late = await register("late");
    assert.equal(await watcher.expect(/ 730 /), ":irc.test 730 watcher :late!late@127.0.0.1");
    late.send("NICK later");
    assert.equal(await watcher.expect(/ 731 /), ":irc.test 731 watcher :late");
    late.send("NICK late");
    assert.equal(await watcher.expect(/ 730 /), ":irc.test 730 watcher :late!late@127.0.0.1");
    early.send("QUIT :gone");
    assert.equal(await watcher.expect(/ 731 /), ":irc.test 731 watcher :early");
    watcher.send("MONITOR S");
    assert.deepEqual(await watcher.drain(), [
      ":irc.test 730 watcher :late!late@127.0.0.1",
      ":irc.test 731 watcher :early",
    ]);
    watcher.send("MONITOR - late");
    watcher.send("MONITOR L");
    assert.deepEqual(await watcher.drain(), [
      ":irc.test 732 watcher :early",
      ":irc.test 733 watcher :End of MONITOR list",
    ]);
    watcher.send("MONITOR C");
    late.send("QUIT");
    await late.expect(/^ERROR /);
    watcher.send("MONITOR L");
    assert.deepEqual(await watcher.drain(), [":irc.test 733 watcher :End of MONITOR list"]);
    // 100 at most: the rest refused with 734, naming the targets not added.
    const many = Array.from({ length: 101 }, (_, i) => `m${i}`);
    watcher.send(`MONITOR + ${many.slice(0, 60).join(",")}`);
    await watcher.drain();
    watcher.send(`MONITOR + ${many.slice(60).join(",")}`);
    assert.deepEqual(await watcher.drain(), [
      ":irc.test 734 watcher 100 m100 :Monitor list is full.",
      `:irc.test 731 watcher :${many.slice(60, 100).join(",")}`,
    ]);
    watcher.send("MONITOR C");
    watcher.send("MONITOR");
    assert.deepEqual(await watcher.drain(), [":irc.test 461 watcher MONITOR :Not enough parameters"]);
  });

  it("answers malformed MONITOR commands, skips invalid nicks, and carries on", async () => {
    const watcher = await register("badmon");
    watcher.send("MONITOR X early");
    watcher.send("MONITOR +");
    watcher.send("MONITOR - ,,,");
    assert.deepEqual(await watcher.drain(), [
      ":irc.test 400 badmon MONITOR X :Unknown MONITOR modifier",
      ":irc.test 461 badmon MONITOR :Not enough parameters",
      ":irc.test 461 badmon MONITOR :Not enough parameters",
    ]);
    // Nicks that cannot be nicks (too long, a leading digit, a space's remains, non-ASCII) are skipped.
    watcher.send(`MONITOR + ${"n".repeat(100)},9lives,ÿþ,ok`);
    assert.deepEqual(await watcher.drain(), [":irc.test 731 badmon :ok"]);
    watcher.send("MONITOR L");
    assert.deepEqual(await watcher.drain(), [
      ":irc.test 732 badmon :ok",
      ":irc.test 733 badmon :End of MONITOR list",
    ]);
    // Removing what is not followed changes nothing and says nothing.
    watcher.send("MONITOR - nobody,ok");
    watcher.send("MONITOR L");
    assert.deepEqual(await watcher.drain(), [":irc.test 733 badmon :End of MONITOR list"]);
  });

  it("tells extended-monitor followers of AWAY, SETNAME and CHGHOST when they share no channel", async () => {
    const follower = await registerWith("follower", "extended-monitor away-notify setname chghost");
    const plain = await registerWith("plainf", "away-notify setname chghost");
    const star = await registerWith("star", "setname");
    for (const c of [follower, plain]) c.send("MONITOR + star");
    await follower.drain();
    await plain.drain();
    star.send("AWAY :busy");
    assert.equal(await follower.expect(/ AWAY/), ":star!star@127.0.0.1 AWAY :busy");
    star.send("SETNAME :A Star Is Born");
    assert.equal(await star.expect(/ SETNAME/), ":star!star@127.0.0.1 SETNAME :A Star Is Born");
    assert.equal(await follower.expect(/ SETNAME/), ":star!star@127.0.0.1 SETNAME :A Star Is Born");
    const boss = await register("bossy");
    boss.send("OPER boss pw");
    await boss.numeric("381");
    boss.send("CHGHOST star star.example");
    assert.equal(await follower.expect(/ CHGHOST/), ":star!star@127.0.0.1 CHGHOST star star.example");
    boss.send("WHOIS star");
    assert.equal(await boss.numeric("311"), "bossy star star star.example * :A Star Is Born");
    // Without extended-monitor: nothing of it.
    assert.deepEqual(
      (await plain.drain()).filter((line) => / (AWAY|SETNAME|CHGHOST)/.test(line)),
      [],
    );
  });

  it("changes realnames with SETNAME (FAIL INVALID_REALNAME), hosts with CHGHOST, and tells invite-notify members", async () => {
    const op = await registerWith("setop", "setname chghost invite-notify");
    const old = await register("oldclient");
    const member = await registerWith("notified", "invite-notify");
    await op.join("#sn");
    await old.join("#sn");
    await member.join("#sn");
    op.send("MODE #sn +v oldclient");
    await member.expect(/ MODE #sn/);
    // A second room they share, where oldclient is the operator.
    await old.join("#sn2");
    await member.join("#sn2");
    await op.drain();
    op.send("SETNAME :");
    assert.deepEqual(await op.drain(), [":irc.test FAIL SETNAME INVALID_REALNAME :Realname is not valid"]);
    op.send(`SETNAME :${"r".repeat(101)}`);
    assert.deepEqual(await op.drain(), [":irc.test FAIL SETNAME INVALID_REALNAME :Realname is not valid"]);
    // A client without setname changes its realname too, silently; others without it hear nothing.
    old.send("SETNAME :Old Timer");
    assert.equal(await op.expect(/ SETNAME /), ":oldclient!oldclient@127.0.0.1 SETNAME :Old Timer");
    assert.deepEqual(
      (await old.drain()).filter((line) => / SETNAME /.test(line)),
      [],
    );
    // CHGHOST: operators only; those without chghost see the user leave and come back to each room, with its statuses.
    op.send("CHGHOST oldclient new.host");
    assert.deepEqual(await op.drain(), [
      ":irc.test 481 setop :Permission Denied- You're not an IRC operator",
    ]);
    const boss = await register("chboss");
    boss.send("OPER boss pw");
    await boss.numeric("381");
    await boss.drain();
    boss.send("CHGHOST oldclient bad!host");
    assert.deepEqual(await boss.drain(), [
      ":irc.test FAIL CHGHOST INVALID_HOST oldclient :Invalid username or host",
    ]);
    await member.drain();
    boss.send("CHGHOST oldclient ident new.host");
    assert.equal(await op.expect(/ CHGHOST /), ":oldclient!oldclient@127.0.0.1 CHGHOST ident new.host");
    assert.deepEqual(
      (await member.drain()).filter((line) => /oldclient|new\.host/.test(line)),
      [
        ":oldclient!oldclient@127.0.0.1 QUIT :Changing host",
        ":oldclient!ident@new.host JOIN #sn",
        ":irc.test MODE #sn +v oldclient",
        ":oldclient!ident@new.host JOIN #sn2",
        ":irc.test MODE #sn2 +o oldclient",
      ],
    );
    // invite-notify: members who asked are told of an invitation.
    const guest = await register("invitee");
    op.send("INVITE invitee #sn");
    assert.equal(await guest.expect(/ INVITE /), ":setop!setop@127.0.0.1 INVITE invitee #sn");
    assert.equal(await member.expect(/ INVITE /), ":setop!setop@127.0.0.1 INVITE invitee #sn");
    assert.deepEqual(
      (await old.drain()).filter((line) => / INVITE /.test(line)),
      [],
    );
  });
});
