// One suite for the rooms over several nodes, run unchanged on the in-memory bus and on the Redis bus with
// three nodes (as socket.io's adapter tests do): users of both protocols on different nodes share rooms.
import assert from "node:assert/strict";
import { describe, it as test } from "node:test";
import { LineClient, withoutCr as strip } from "../support/line-client.js";
import { connectIrc, joinIrc, nodesBackends, SeedClient, threeNodes } from "../support/rooms.js";

const BACKENDS = await nodesBackends("nodes");

for (const backend of BACKENDS) {
  describe(`rooms on three nodes (${backend.name})`, { timeout: 60_000 }, () => {
    // Each test names the reason when it cannot run, rather than the whole suite vanishing.
    const it = (name: string, fn: () => Promise<void>) => test(name, { skip: backend.skip }, fn);
    const { port, track } = threeNodes(backend);

    const irc = async (node: number, nick: string) => track(await connectIrc(port(node), nick));
    /** Connected to `node`, nothing sent. */
    const raw = async (node: number) => track(await LineClient.connect(port(node)));
    const seed = async (node: number) => {
      const client = await SeedClient.connect(port(node));
      track(client.raw);
      return client;
    };

    it("lets users of both protocols on A, B and C talk in one room", async () => {
      const alice = await irc(0, "alice");
      await joinIrc(alice, "alice", "#hall");
      const bob = await seed(1);
      // Bob's node must know the room before he joins it, or he would create a second one: wait for it.
      const carol = await irc(2, "carol");
      // Carol's node too: had it not heard of the room yet, carol would create one there, and on hearing
      // of alice's older room her node would take back her operator status (a MODE -o line here).
      for (;;) {
        carol.send("LIST #hall\r");
        if ((await carol.until(/ 323 /)).some((line) => / 322 carol #hall /.test(line))) break;
      }
      await joinIrc(carol, "carol", "#hall");
      await alice.until(/^:carol!\S+ JOIN #hall/);
      const b = await bob.join("hall", "bob");
      assert.equal(strip(await alice.nextLine()), ":bob!bob@127.0.0.1 JOIN #hall");
      assert.equal(strip(await carol.nextLine()), ":bob!bob@127.0.0.1 JOIN #hall");

      alice.send("PRIVMSG #hall :from A\r");
      assert.equal(strip(await carol.nextLine()), ":alice!alice@127.0.0.1 PRIVMSG #hall :from A");
      await bob.expectChat(b.ref, "alice", "from A");
      bob.chat(b, "bob", "from B");
      await bob.expectChat(b.ref, "bob", "from B");
      assert.equal(strip(await alice.nextLine()), ":bob!bob@127.0.0.1 PRIVMSG #hall :from B");
      assert.equal(strip(await carol.nextLine()), ":bob!bob@127.0.0.1 PRIVMSG #hall :from B");

      // Queries on C see the users of A and B.
      carol.send("NAMES #hall\r");
      const names = strip(await carol.nextLine());
      const members = names.split(" :")[1]?.split(" ") ?? [];
      assert.deepEqual(members.map((name) => name.replace(/^@/, "")).sort(), ["alice", "bob", "carol"]);
      // The creator is the operator.
      assert.ok(members.includes("@alice") && members.includes("carol") && members.includes("bob"), names);
      await carol.until(/ 366 /);
      carol.send("WHOIS bob\r");
      const whois = (await carol.until(/ 318 /)).map(strip);
      assert.ok(whois.some((line) => line.startsWith(":irc.test 311 carol bob bob 127.0.0.1 * :")));
      assert.ok(whois.some((line) => / 319 carol bob :.*#hall/.test(line)));
      carol.send("LIST\r");
      const list = (await carol.until(/ 323 /)).map(strip);
      assert.ok(
        list.some((line) => / 322 carol #hall 3 :/.test(line)),
        list.join("\n"),
      );

      // Nick changes, parts and quits reach everyone once.
      alice.send("NICK alicia\r");
      assert.equal(strip(await carol.nextLine()), ":alice!alice@127.0.0.1 NICK alicia");
      await bob.expectChat(b.ref, "alicia", "alice is now known as alicia.");
      carol.send("PART #hall :bye\r");
      assert.equal(
        strip(await alice.until(/ PART /).then((l) => l.at(-1) ?? "")),
        ":carol!carol@127.0.0.1 PART #hall :bye",
      );
      await bob.expectChat(b.ref, "carol", "carol has left this chatroom.");
      bob.send(["DISCONNECT: 0", "PORT: 0", "CLIENT_NAME: bob"]);
      assert.match(strip(await alice.nextLine()), /^:bob!bob@127\.0\.0\.1 QUIT :/);
    });

    it("gives one ROOM_REF per room and a different JOIN_ID per client, whichever the node", async () => {
      const first = await seed(0);
      const a = await first.join("refs", "reffer1");
      const watcher = await irc(2, "refwatch");
      await joinIrc(watcher, "refwatch", "#refs");
      const second = await seed(1);
      await first.expectChat(a.ref, "refwatch", "refwatch has joined this chatroom.");
      const b = await second.join("refs", "reffer2");
      assert.equal(b.ref, a.ref);
      assert.notEqual(b.joinId, a.joinId);
      second.chat(b, "reffer2", "same room");
      await first.expectChat(a.ref, "reffer2", "reffer2 has joined this chatroom.");
      await first.expectChat(a.ref, "reffer2", "same room");
    });

    it("keeps nicknames unique across nodes, also when two nodes give one out at once", async () => {
      await irc(0, "unique");
      const other = await irc(1, "other");
      // Once node B has heard of the user on node A (WHOIS finds them there), it refuses the nick itself.
      for (;;) {
        other.send("WHOIS unique\r");
        if ((await other.until(/ 318 other unique /)).some((line) => / 311 other unique /.test(line))) break;
      }
      other.send("NICK unique\r");
      assert.match(strip(await other.nextLine()), /^:irc\.test 433 other unique :/);
      // Both at once: two nodes give the nick out in the same instant (both registrations written in one
      // tick, before either node can hear of the other's). The bus's claim decides: one keeps it, the other
      // is told and renamed Guest<id>, and every node agrees on who is who.
      const judge = await irc(0, "judge");
      const racers = await Promise.all([1, 2].map((node) => raw(node)));
      for (const racer of racers) racer.write("NICK racer\r\nUSER racer 0 * :racer\r\n");
      await Promise.all(racers.map((racer) => racer.until(/^:irc\.test (376|422) racer /)));
      const noticed = racers.map((racer) =>
        racer.until(/ NOTICE racer :/).then((lines) => ({ racer, lines })),
      );
      for (const pending of noticed) pending.catch(() => {}); // the keeper's never comes
      const { racer: loser, lines } = await Promise.race(noticed);
      const keeper = racers.find((racer) => racer !== loser) as LineClient;
      const notice = strip(lines.at(-1) ?? "");
      const guest = / you are now (Guest\d+)$/.exec(notice)?.[1] ?? "";
      assert.equal(
        notice,
        `:irc.test NOTICE racer :The nickname racer was taken on another node at the same moment; you are now ${guest}`,
      );
      assert.equal(strip(await loser.nextLine()), `:racer!racer@127.0.0.1 NICK ${guest}`);
      // The keeper is told nothing (checked after a round trip of its own).
      keeper.send("PING :sync\r");
      const kept = (await keeper.until(/ PONG irc\.test :sync\r$/)).map(strip);
      assert.deepEqual(
        kept.filter((line) => / (NOTICE|NICK) /.test(line)),
        [],
      );
      // A third node sees the keeper as racer and the loser as the guest.
      keeper.send("PRIVMSG judge :from the keeper\r");
      assert.equal(
        strip((await judge.until(/ PRIVMSG judge /)).at(-1) ?? ""),
        ":racer!racer@127.0.0.1 PRIVMSG judge :from the keeper",
      );
      loser.send("PRIVMSG judge :from the loser\r");
      assert.equal(
        strip((await judge.until(/ PRIVMSG judge /)).at(-1) ?? ""),
        `:${guest}!racer@127.0.0.1 PRIVMSG judge :from the loser`,
      );
    });

    it("keeps each sender's messages in order for every member on every node", async () => {
      const members = await Promise.all([irc(0, "ord0"), irc(1, "ord1"), irc(2, "ord2")]);
      const receiver = members[2] as LineClient;
      await joinIrc(receiver, "ord2", "#order");
      await joinIrc(members[0] as LineClient, "ord0", "#order");
      await joinIrc(members[1] as LineClient, "ord1", "#order");
      // The receiver's node has seen both join (the bus may deliver them after the joiners' own replies).
      await receiver.until(/ord0!\S+ JOIN #order/);
      await receiver.until(/ord1!\S+ JOIN #order/);
      const COUNT = 300;
      let burst0 = "";
      let burst1 = "";
      for (let i = 0; i < COUNT; i++) {
        burst0 += `PRIVMSG #order :a${i}\r\n`;
        burst1 += `PRIVMSG #order :b${i}\r\n`;
      }
      members[0]?.write(burst0);
      members[1]?.write(burst1);
      const lines = (await receiver.nextLines(2 * COUNT, 30_000)).map((line) =>
        strip(line).replace(/^.* :/, ""),
      );
      assert.deepEqual(
        lines.filter((text) => text.startsWith("a")),
        Array.from({ length: COUNT }, (_, i) => `a${i}`),
      );
      assert.deepEqual(
        lines.filter((text) => text.startsWith("b")),
        Array.from({ length: COUNT }, (_, i) => `b${i}`),
      );
    });
  });
}
