// IRCv3 draft/read-marker on the wire: MARKREAD get and set per account, only forward and never past now,
// told to every connection of the account with the capability and on JOIN before the names end; a client
// logged in to no account keeps its own; every FAIL of the specification.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Irc, ircSuiteServer } from "../../support/irc.js";
import { startRoomsServer } from "../../support/rooms.js";
import { plain } from "../../support/sasl.js";
import { sqliteStore } from "../../support/stores.js";
import { labeledResponse } from "./fixture.js";

const CAPS = "draft/read-marker labeled-response batch";

describe("IRC draft/read-marker", { timeout: 60_000 }, () => {
  const suite = ircSuiteServer();

  /** Registered with `caps` (none for null), logged in to `account` with SASL PLAIN when one is named. */
  async function client(nick: string, caps: string | null, account?: string): Promise<Irc> {
    const c = await suite.connect(nick);
    c.send("CAP LS 302");
    c.send(`NICK ${nick}`);
    c.send(`USER ${nick} 0 * :${nick}`);
    const wanted = [caps, account === undefined ? null : "sasl"].filter((cap) => cap !== null).join(" ");
    if (wanted !== "") {
      c.send(`CAP REQ :${wanted}`);
      await c.expect(/ CAP \S+ ACK /);
    }
    if (account !== undefined) {
      c.send("AUTHENTICATE PLAIN");
      assert.equal(await c.expect(/^AUTHENTICATE /), "AUTHENTICATE +");
      c.send(`AUTHENTICATE ${plain(account, `${account}-password`)}`);
      await c.numeric("903");
    }
    c.send("CAP END");
    await c.expect(/ (376|422) /);
    return c;
  }

  /** An account made with REGISTER by a client that then stays, with the capabilities `caps`. */
  async function owner(nick: string, caps: string | null): Promise<Irc> {
    const c = await client(nick, caps);
    c.send(`REGISTER * * :${nick}-password`);
    await c.numeric("900");
    await c.drain();
    return c;
  }

  it("gets *, then sets: only forward, never past now, told to every connection of the account", async () => {
    const first = await owner("reader", CAPS);
    const second = await client("reader2", CAPS, "reader");
    const plainClient = await client("reader3", null, "reader");
    first.send("MARKREAD #books");
    assert.deepEqual(await first.drain(), [":irc.test MARKREAD #books *"]);
    first.send("@label=s1 MARKREAD #books timestamp=2026-01-02T03:04:05.678Z");
    assert.deepEqual(await labeledResponse(first, "s1"), [
      "@label=s1 :irc.test MARKREAD #books timestamp=2026-01-02T03:04:05.678Z",
    ]);
    assert.deepEqual(await second.drain(), [":irc.test MARKREAD #books timestamp=2026-01-02T03:04:05.678Z"]);
    // An earlier or equal time changes nothing: the marker in force is told to the sender alone.
    second.send("MARKREAD #BOOKS timestamp=2025-12-31T23:59:59.000Z");
    second.send("MARKREAD #books timestamp=2026-01-02T03:04:05.678Z");
    assert.deepEqual(await second.drain(), [
      ":irc.test MARKREAD #BOOKS timestamp=2026-01-02T03:04:05.678Z",
      ":irc.test MARKREAD #books timestamp=2026-01-02T03:04:05.678Z",
    ]);
    assert.deepEqual(await first.drain(), []);
    // A client without the capability is answered, and is told nothing of the others' changes.
    plainClient.send("MARKREAD #books timestamp=2026-02-01T00:00:00Z");
    assert.deepEqual(await plainClient.drain(), [
      ":irc.test MARKREAD #books timestamp=2026-02-01T00:00:00.000Z",
    ]);
    assert.deepEqual(await first.drain(), [":irc.test MARKREAD #books timestamp=2026-02-01T00:00:00.000Z"]);
    assert.deepEqual(await second.drain(), [":irc.test MARKREAD #books timestamp=2026-02-01T00:00:00.000Z"]);
    // A time to come is taken as now.
    const before = Date.now();
    first.send("MARKREAD #books timestamp=2999-01-01T00:00:00.000Z");
    const [line] = await first.drain();
    const told = Date.parse(/timestamp=(\S+)$/.exec(line ?? "")?.[1] ?? "");
    assert.ok(told >= before && told <= Date.now(), line);
    assert.deepEqual(await second.drain(), [line]);
    // A nick is a target too, as its user writes it once online.
    second.send("MARKREAD Friend");
    second.send("MARKREAD friend timestamp=2026-03-01T00:00:00.000Z");
    assert.deepEqual(await second.drain(), [
      ":irc.test MARKREAD Friend *",
      ":irc.test MARKREAD friend timestamp=2026-03-01T00:00:00.000Z",
    ]);
    await client("FRIEND", null);
    first.send("MARKREAD friend");
    assert.deepEqual(await first.drain(), [
      ":irc.test MARKREAD friend timestamp=2026-03-01T00:00:00.000Z",
      ":irc.test MARKREAD FRIEND timestamp=2026-03-01T00:00:00.000Z",
    ]);
  });

  it("tells the marker after JOIN, before the names end, to clients with the capability", async () => {
    const reader = await owner("joiner", CAPS);
    const other = await client("joiner2", null, "joiner");
    reader.send("MARKREAD #news timestamp=2026-04-05T06:07:08.009Z");
    await reader.drain();
    assert.deepEqual(await reader.join("#news"), [
      ":joiner!joiner@127.0.0.1 JOIN #news",
      ":irc.test MARKREAD #news timestamp=2026-04-05T06:07:08.009Z",
      ":irc.test 353 joiner = #news :@joiner",
      ":irc.test 366 joiner #news :End of /NAMES list",
    ]);
    assert.deepEqual(await other.join("#news"), [
      ":joiner2!joiner2@127.0.0.1 JOIN #news",
      ":irc.test 353 joiner2 = #news :@joiner joiner2",
      ":irc.test 366 joiner2 #news :End of /NAMES list",
    ]);
    // A channel never marked: `*`.
    await reader.drain();
    assert.deepEqual((await reader.join("#fresh")).slice(0, 2), [
      ":joiner!joiner@127.0.0.1 JOIN #fresh",
      ":irc.test MARKREAD #fresh *",
    ]);
  });

  it("keeps a marker for the connection of a client logged in to no account, told to nobody else", async () => {
    const anonymous = await client("nobody", CAPS);
    const watcher = await owner("somebody", CAPS);
    anonymous.send("MARKREAD #own timestamp=2026-05-01T00:00:00.000Z");
    anonymous.send("MARKREAD #own timestamp=2026-04-01T00:00:00.000Z");
    anonymous.send("MARKREAD #own");
    assert.deepEqual(await anonymous.drain(), [
      ":irc.test MARKREAD #own timestamp=2026-05-01T00:00:00.000Z",
      ":irc.test MARKREAD #own timestamp=2026-05-01T00:00:00.000Z",
      ":irc.test MARKREAD #own timestamp=2026-05-01T00:00:00.000Z",
    ]);
    assert.equal(
      (await anonymous.join("#own"))[1],
      ":irc.test MARKREAD #own timestamp=2026-05-01T00:00:00.000Z",
    );
    assert.deepEqual(await watcher.drain(), []);
    watcher.send("MARKREAD #own");
    assert.deepEqual(await watcher.drain(), [":irc.test MARKREAD #own *"]);
  });

  it("answers bad MARKREADs with the specification's FAIL replies", async () => {
    const c = await owner("failer", CAPS);
    for (const [line, reply] of [
      ["MARKREAD", "FAIL MARKREAD NEED_MORE_PARAMS :Missing parameters"],
      ["MARKREAD :", "FAIL MARKREAD NEED_MORE_PARAMS :Missing parameters"],
      ["MARKREAD #room *", "FAIL MARKREAD INVALID_PARAMS * :Invalid parameters"],
      [
        "MARKREAD #room 2026-01-01T00:00:00.000Z",
        "FAIL MARKREAD INVALID_PARAMS 2026-01-01T00:00:00.000Z :Invalid parameters",
      ],
      [
        "MARKREAD #room timestamp=2026-02-30T00:00:00.000Z",
        "FAIL MARKREAD INVALID_PARAMS timestamp=2026-02-30T00:00:00.000Z :Invalid parameters",
      ],
      [
        "MARKREAD #room timestamp=yesterday",
        "FAIL MARKREAD INVALID_PARAMS timestamp=yesterday :Invalid parameters",
      ],
      ["MARKREAD bad!nick", "FAIL MARKREAD INVALID_PARAMS bad!nick :Invalid parameters"],
      [
        "MARKREAD #bad,room timestamp=2026-01-01T00:00:00.000Z",
        "FAIL MARKREAD INVALID_PARAMS #bad,room :Invalid parameters",
      ],
    ]) {
      c.send(line as string);
      assert.deepEqual(await c.drain(), [`:irc.test ${reply}`], line);
    }
    // Nothing was set by any of them.
    c.send("MARKREAD #room");
    assert.deepEqual(await c.drain(), [":irc.test MARKREAD #room *"]);
  });
});

describe("IRC draft/read-marker over a SQLite store", { timeout: 60_000 }, () => {
  it("keeps an account's markers across a restart", async () => {
    const made = sqliteStore();
    const config = { store: made.config.store, dataDir: made.config.dataDir };
    try {
      let server = await startRoomsServer("evented", config);
      const before = await Irc.registerWithCaps(server.port, "keeper", "draft/read-marker");
      before.send("REGISTER * * :keeper-password");
      await before.numeric("900");
      before.send("MARKREAD #kept timestamp=2026-06-01T12:00:00.000Z");
      await before.expect(/ MARKREAD #kept /);
      before.close();
      await server.shutdown();
      server = await startRoomsServer("evented", config);
      try {
        const after = await Irc.registerWithCaps(server.port, "keeper", "draft/read-marker");
        // The account again: registered anew where accounts are not kept, logged in to where they are.
        after.send("REGISTER * * :keeper-password");
        if (/ FAIL REGISTER /.test(await after.expect(/ (900|FAIL REGISTER) /))) {
          after.send("PRIVMSG NickServ :IDENTIFY keeper-password");
          await after.numeric("900");
        }
        after.send("MARKREAD #kept");
        assert.equal(
          await after.expect(/ MARKREAD /),
          ":irc.test MARKREAD #kept timestamp=2026-06-01T12:00:00.000Z",
        );
        after.close();
      } finally {
        await server.shutdown();
      }
    } finally {
      await made.remove();
    }
  });
});
