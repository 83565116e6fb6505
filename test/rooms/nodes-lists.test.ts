// A channel's statuses and mask lists decided on one node and held on the others: STATUSMSG reaches the
// operators or voiced members of every node, +e and +I set on one node let users of another in, and the
// account extban (a:) holds a user whose account was logged in to on another node. Run on the in-memory bus
// and on Redis with three nodes.
import assert from "node:assert/strict";
import { describe, it as test } from "node:test";
import { type LineClient, withoutCr as strip } from "../support/line-client.js";
import { connectIrcWithCaps, joinIrc, nodesBackends, threeNodes, untilNamesShow } from "../support/rooms.js";

const CAPS = "message-tags multi-prefix";

const BACKENDS = await nodesBackends("nodes-lists");

/** The lines up to a PONG for a fresh token: what the server had said before it, without CRs. */
async function drain(client: LineClient): Promise<string[]> {
  const token = `drain-${Math.random().toString(36).slice(2)}`;
  client.send(`PING :${token}\r`);
  return (await client.until(new RegExp(` PONG \\S+ :${token}\\r?$`))).slice(0, -1).map(strip);
}

for (const backend of BACKENDS) {
  describe(`channel statuses and lists across nodes (${backend.name})`, { timeout: 60_000 }, () => {
    const it = (name: string, fn: () => Promise<void>) => test(name, { skip: backend.skip }, fn);
    const { port, track } = threeNodes(backend);

    const irc = async (node: number, nick: string) => track(await connectIrcWithCaps(port(node), nick, CAPS));

    /** `nick` on its node joins `channel` once the room made on another node has reached it. */
    const joinMade = async (client: LineClient, nick: string, channel: string, op: string) => {
      await untilNamesShow(client, channel, `@${op}`);
      await joinIrc(client, nick, channel);
    };

    it("sends @#room to the operators and +#room to the voiced members of every node", async () => {
      const op = await irc(0, "smop");
      const voiced = await irc(1, "smvoice");
      const plain = await irc(2, "smplain");
      const sender = await irc(2, "smsend");
      await joinIrc(op, "smop", "#sm");
      for (const [client, nick] of [
        [voiced, "smvoice"],
        [plain, "smplain"],
        [sender, "smsend"],
      ] as const) {
        await joinMade(client, nick, "#sm", "smop");
        await op.until(new RegExp(`:${nick}!\\S+ JOIN #sm`));
      }
      op.send("MODE #sm +v smvoice\r");
      // Each node takes the +v before the messages below: their members see it.
      await voiced.until(/ MODE #sm \+v smvoice/);
      await plain.until(/ MODE #sm \+v smvoice/);
      sender.send("PRIVMSG @#sm :to the operators\r");
      sender.send("NOTICE +#sm :to the voiced\r");
      sender.send("PRIVMSG #sm :to everyone\r");
      const from = ":smsend!smsend@127.0.0.1";
      /** What each member heard of the three, through the last. */
      const heard = async (client: LineClient) =>
        (await client.until(/ PRIVMSG #sm :to everyone/))
          .map((line) => strip(line).replace(/^@\S+ /, ""))
          .filter((line) => line.startsWith(`${from} `) && / (PRIVMSG|NOTICE) /.test(line));
      assert.deepEqual(await heard(op), [
        `${from} PRIVMSG @#sm :to the operators`,
        `${from} NOTICE +#sm :to the voiced`,
        `${from} PRIVMSG #sm :to everyone`,
      ]);
      assert.deepEqual(await heard(voiced), [
        `${from} NOTICE +#sm :to the voiced`,
        `${from} PRIVMSG #sm :to everyone`,
      ]);
      assert.deepEqual(await heard(plain), [`${from} PRIVMSG #sm :to everyone`]);
    });

    it("lets users of another node past a ban by +e and past +i by +I, and holds them again once lifted", async () => {
      const op = await irc(0, "exop");
      const watcher = await irc(1, "exwatch");
      const guest = await irc(1, "exguest");
      const invitee = await irc(1, "exinvite");
      await joinIrc(op, "exop", "#ex");
      await joinMade(watcher, "exwatch", "#ex", "exop");
      op.send("MODE #ex +be exguest exguest!*@127.0.0.1\r");
      // The watcher's node has them once it sees them.
      await watcher.until(/ MODE #ex \+be exguest!\*@\* exguest!\*@127\.0\.0\.1/);
      await joinIrc(guest, "exguest", "#ex");
      await op.until(/:exguest!\S+ JOIN #ex/);
      // Lifted on the first node: refused on the second.
      op.send("MODE #ex -e exguest!*@127.0.0.1\r");
      await watcher.until(/ MODE #ex -e /);
      guest.send("PART #ex\r");
      guest.send("JOIN #ex\r");
      assert.deepEqual(
        (await drain(guest)).filter((line) => / 47\d /.test(line)),
        [":irc.test 474 exguest #ex :Cannot join channel (+b)"],
      );
      op.send("MODE #ex +iI exinvite\r");
      await watcher.until(/ MODE #ex \+iI exinvite!\*@\*/);
      await joinIrc(invitee, "exinvite", "#ex");
      await op.until(/:exinvite!\S+ JOIN #ex/);
      op.send("MODE #ex -I exinvite!*@*\r");
      await watcher.until(/ MODE #ex -I /);
      invitee.send("PART #ex\r");
      invitee.send("JOIN #ex\r");
      assert.deepEqual(
        (await drain(invitee)).filter((line) => / 47\d /.test(line)),
        [":irc.test 473 exinvite #ex :Cannot join channel (+i)"],
      );
    });

    it("holds an a: ban set on one node over a user logged in on another, and WHOX shows the account everywhere", async () => {
      const op = await irc(0, "acop");
      const watcher = await irc(1, "acwatch");
      const troll = await irc(1, "actroll");
      troll.send("REGISTER * * :troll-password\r");
      await troll.until(/ 900 /);
      // The login reaches the first node as an operation.
      for (;;) {
        op.send("WHO actroll %na\r");
        const reply = (await op.until(/ 315 /)).map(strip).find((line) => / 354 /.test(line));
        if (reply === ":irc.test 354 acop actroll :actroll") break;
        // Not known there yet, or known but not yet as logged in.
        if (reply !== undefined) assert.equal(reply, ":irc.test 354 acop actroll :0");
      }
      await joinIrc(op, "acop", "#acc");
      await joinMade(watcher, "acwatch", "#acc", "acop");
      op.send("MODE #acc +b a:actroll\r");
      await watcher.until(/ MODE #acc \+b a:actroll/);
      troll.send("JOIN #acc\r");
      assert.deepEqual(
        (await drain(troll)).filter((line) => / 474 /.test(line)),
        [":irc.test 474 actroll #acc :Cannot join channel (+b)"],
      );
      op.send("MODE #acc -b+b a:actroll m:a:actroll\r");
      await watcher.until(/ MODE #acc -b\+b a:actroll m:a:actroll/);
      await joinIrc(troll, "actroll", "#acc");
      troll.send("PRIVMSG #acc :can you hear me?\r");
      assert.deepEqual(
        (await drain(troll)).filter((line) => / 404 /.test(line)),
        [":irc.test 404 actroll #acc :Cannot send to channel (+b)"],
      );
    });
  });
}
