// ADMIN, LINKS, HELP and HELPOP, SUMMON and USERS, INVITE with no parameters and invitations past +l.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { COMMANDS } from "../../../src/rooms/irc/commands.js";
import { HELP } from "../../../src/rooms/irc/help.js";
import { ircSuiteServer } from "../../support/irc.js";

describe("IRC server information and invitations", { timeout: 60_000 }, () => {
  const { register } = ircSuiteServer();

  it("has help text for every command, and answers HELP, HELPOP and 524", async () => {
    for (const command of COMMANDS.keys()) assert.ok(HELP.has(command), `HELP ${command}`);
    const c = await register("helper");
    c.send("HELP join");
    assert.deepEqual(await c.drain(), [
      ":irc.test 704 helper JOIN :JOIN <channel>{,<channel>} [<key>{,<key>}] | JOIN 0",
      ":irc.test 705 helper JOIN :Join channels, or leave all of them.",
      ":irc.test 706 helper JOIN :End of /HELP",
    ]);
    c.send("HELPOP");
    const index = await c.drain();
    assert.equal(
      index[0],
      ":irc.test 704 helper * :tcpchat IRC: HELP <command> tells of one command. Commands:",
    );
    assert.equal(index.at(-1), ":irc.test 706 helper * :End of /HELP");
    // The index names every command.
    const named = index.slice(1, -1).flatMap((line) => line.replace(/^.* :/, "").split(" "));
    for (const command of COMMANDS.keys()) assert.ok(named.includes(command), `${command} in the index`);
    c.send("HELP FROBNICATE");
    assert.deepEqual(await c.drain(), [":irc.test 524 helper FROBNICATE :No help available on this topic"]);
  });

  it("answers ADMIN and LINKS, and SUMMON and USERS with 445 and 446", async () => {
    const c = await register("asker");
    c.send("ADMIN");
    assert.deepEqual(await c.drain(), [
      ":irc.test 256 asker irc.test :Administrative info",
      ":irc.test 257 asker :tcpchat: a tcpchat-" + (await version(c)) + " rooms server",
      ":irc.test 258 asker :Ask the server's operators (OPER) or the person at its console",
      ":irc.test 259 asker :No e-mail address is configured",
    ]);
    c.send("LINKS");
    const links = await c.drain();
    assert.equal(links.length, 2, links.join("\n"));
    assert.match(links[0] as string, /^:irc\.test 364 asker irc\.test irc\.test :0 tcpchat node \S+$/);
    assert.equal(links[1], ":irc.test 365 asker * :End of /LINKS list");
    c.send("SUMMON someone");
    assert.deepEqual(await c.drain(), [":irc.test 445 asker :SUMMON has been disabled"]);
    c.send("USERS");
    assert.deepEqual(await c.drain(), [":irc.test 446 asker :USERS has been disabled"]);
  });

  it("lists pending invitations with INVITE alone, and lets the invited past +l and +i", async () => {
    const op = await register("invop");
    const guest = await register("invguest");
    await op.join("#full");
    await op.join("#closed");
    op.send("MODE #full +l 1");
    op.send("MODE #closed +i");
    await op.drain();
    guest.send("JOIN #full");
    assert.deepEqual(await guest.drain(), [":irc.test 471 invguest #full :Cannot join channel (+l)"]);
    guest.send("INVITE");
    assert.deepEqual(await guest.drain(), [":irc.test 337 invguest :End of /INVITE list"]);
    op.send("INVITE invguest #full");
    op.send("INVITE invguest #closed");
    await op.drain();
    guest.send("INVITE");
    const invited = await guest.drain();
    assert.deepEqual(invited.filter((line) => / 33[67] /.test(line)).sort(), [
      ":irc.test 336 invguest :#closed",
      ":irc.test 336 invguest :#full",
      ":irc.test 337 invguest :End of /INVITE list",
    ]);
    await guest.join("#full");
    await guest.join("#closed");
    guest.send("INVITE");
    assert.deepEqual(await guest.drain(), [":irc.test 337 invguest :End of /INVITE list"]);
    guest.send("INVITE onlyone");
    assert.deepEqual(await guest.drain(), [":irc.test 461 invguest INVITE :Not enough parameters"]);
  });
});

async function version(c: import("../../support/irc.js").Irc): Promise<string> {
  c.send("VERSION");
  const line = await c.numeric("351");
  await c.drain();
  return (/tcpchat-(\S+)/.exec(line)?.[1] ?? "") as string;
}
