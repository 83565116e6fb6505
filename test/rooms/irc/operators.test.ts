// IRC operators: OPER, KILL, WALLOPS, SAJOIN, SAPART.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { basicServer, detailServer } from "./fixture.js";

describe("IRC operators", { timeout: 60_000 }, () => {
  describe("with operators and a MOTD", () => {
    const { register } = basicServer();

    it("gives operators OPER, KILL, WALLOPS, SAJOIN and SAPART; 481 to others, 464 for a bad password", async () => {
      const user = await register("plain");
      const victim = await register("victim");
      user.send("KILL victim :no");
      assert.match(await user.numeric("481"), /^plain :Permission Denied/);
      user.send("OPER admin wrong");
      assert.match(await user.numeric("464"), /^plain :Password incorrect/);
      user.send("OPER admin s3cret");
      assert.equal(await user.numeric("381"), "plain :You are now an IRC operator");
      user.send("SAJOIN victim #forced");
      assert.equal(await victim.expect(/ JOIN /), ":victim!victim@127.0.0.1 JOIN #forced");
      user.send("SAPART victim #forced");
      assert.match(await victim.expect(/ PART /), /^:victim!victim@127\.0\.0\.1 PART #forced/);
      victim.send("MODE victim +w");
      await victim.expect(/ MODE victim/);
      user.send("WALLOPS :hear ye");
      assert.match(await victim.expect(/ WALLOPS /), /WALLOPS :hear ye$/);
      user.send("KILL victim :enough");
      const last = await victim.raw.linesUntilClose();
      assert.match(last.at(-1) ?? "", /^ERROR :.*enough/);
    });
  });

  describe("with tight limits", () => {
    const { register } = detailServer();

    it("gives operators their powers: 491, 313, WHO and USERHOST flags, 252, -o, KILL told as a QUIT, +w", async () => {
      const boss = await register("boss");
      const peer = await register("opeer");
      const quiet = await register("quiet");
      await peer.join("#ops");
      await quiet.join("#ops");
      boss.send("OPER nobody hunter2");
      assert.equal(await boss.numeric("491"), "boss :No O-lines for your host");
      boss.send("OPER boss hunter2");
      assert.deepEqual(await boss.drain(), [
        ":irc.test 381 boss :You are now an IRC operator",
        ":boss!boss@127.0.0.1 MODE boss :+o",
      ]);
      boss.send("OPER boss hunter2");
      assert.deepEqual(await boss.drain(), [":irc.test 381 boss :You are now an IRC operator"]);
      peer.send("WHOIS boss");
      assert.equal(await peer.numeric("313"), "opeer boss :is an IRC operator");
      peer.send("USERHOST boss opeer");
      assert.equal(await peer.numeric("302"), "opeer :boss*=+boss@127.0.0.1 opeer=+opeer@127.0.0.1");
      peer.send("WHO boss");
      assert.deepEqual(await peer.drain(), [
        ":irc.test 352 opeer * boss 127.0.0.1 irc.test boss H* :0 boss",
        ":irc.test 315 opeer boss :End of WHO list",
      ]);
      peer.send("WHO * o");
      const opers = (await peer.drain()).filter((line) => / 352 /.test(line));
      assert.deepEqual(opers, [":irc.test 352 opeer * boss 127.0.0.1 irc.test boss H* :0 boss"]);
      peer.send("LUSERS");
      assert.match(await peer.numeric("252"), /^opeer [1-9]\d* :operator\(s\) online$/);
      // An operator may kick and set modes without being a channel operator.
      boss.send("KICK #ops quiet :by order");
      assert.equal(await quiet.expect(/ KICK /), ":boss!boss@127.0.0.1 KICK #ops quiet :by order");
      boss.send("SAJOIN quiet #ops");
      await quiet.expect(/ JOIN #ops/);
      boss.send("SAJOIN quiet #ops");
      assert.equal(await boss.numeric("443"), "boss quiet #ops :is already on channel");
      boss.send("SAPART boss #ops");
      assert.equal(await boss.numeric("441"), "boss boss #ops :They aren't on that channel");
      boss.send("SAJOIN nobody #ops");
      assert.equal(await boss.numeric("401"), "boss nobody :No such nick/channel");
      boss.send("KILL nobody");
      assert.equal(await boss.numeric("401"), "boss nobody :No such nick/channel");
      // WALLOPS reach operators and +w users only.
      peer.send("MODE opeer +w");
      assert.equal(await peer.expect(/ MODE opeer/), ":opeer!opeer@127.0.0.1 MODE opeer :+w");
      boss.send("WALLOPS :attention");
      assert.equal(await peer.expect(/WALLOPS/), ":boss!boss@127.0.0.1 WALLOPS :attention");
      assert.equal(await boss.expect(/WALLOPS/), ":boss!boss@127.0.0.1 WALLOPS :attention");
      assert.deepEqual(
        (await quiet.drain()).filter((line) => /WALLOPS/.test(line)),
        [],
      );
      boss.send("KILL quiet :spam");
      const last = await quiet.raw.linesUntilClose();
      assert.equal(last.at(-1), "ERROR :Killed (boss (spam))\r");
      assert.equal(await peer.expect(/ QUIT /), ":quiet!quiet@127.0.0.1 QUIT :Killed (boss (spam))");
      // -o gives it up; +o cannot be taken with MODE.
      boss.send("MODE boss -o");
      assert.equal(await boss.expect(/ MODE boss/), ":boss!boss@127.0.0.1 MODE boss :-o");
      boss.send("MODE boss +o");
      boss.send("MODE boss");
      assert.deepEqual(await boss.drain(), [":irc.test 221 boss :+"]);
      for (const command of ["KILL opeer", "WALLOPS :x", "SAJOIN opeer #x", "SAPART opeer #ops"]) {
        boss.send(command);
        assert.deepEqual(
          await boss.drain(),
          [":irc.test 481 boss :Permission Denied- You're not an IRC operator"],
          command,
        );
      }
    });
  });
});
