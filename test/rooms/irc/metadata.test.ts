// IRCv3 draft/metadata-2 on the wire: the capability's value, METADATA GET, LIST, SET, CLEAR, SUB, UNSUB,
// SUBS and SYNC with exact lines, notifications to subscribers who share a channel (never to the author),
// the metadata of a channel and its members on JOIN, metadata set before connecting told at the welcome,
// WHOIS 760, and every FAIL of the specification.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Irc, ircSuiteServer } from "../../support/irc.js";
import { renameRefs } from "./fixture.js";

const CAPS = "draft/metadata-2 batch";

describe("IRC draft/metadata-2", { timeout: 60_000 }, () => {
  const suite = ircSuiteServer();

  /** Registered with `caps` (none for null). */
  async function client(nick: string, caps: string | null = CAPS): Promise<Irc> {
    const c = await suite.connect(nick);
    c.send("CAP LS 302");
    c.send(`NICK ${nick}`);
    c.send(`USER ${nick} 0 * :${nick}`);
    if (caps !== null) {
      c.send(`CAP REQ :${caps}`);
      await c.expect(/ CAP \S+ ACK /);
    }
    c.send("CAP END");
    await c.expect(/ (376|422) /);
    await c.drain();
    return c;
  }

  /** What `c` is told up to now, batch references renamed R1, R2... */
  const told = async (c: Irc) => renameRefs(await c.drain());

  it("offers draft/metadata-2 with before-connect and its limits", async () => {
    const c = await suite.connect();
    c.send("CAP LS 302");
    const line = (await c.raw.until(/ CAP \* LS :/)).join(" ");
    assert.ok(
      line
        .split(/[: ]/)
        .includes("draft/metadata-2=before-connect,max-subs=50,max-keys=20,max-value-bytes=300"),
      line,
    );
  });

  it("sets, gets, lists and removes a user's own keys", async () => {
    const foo = await client("mdfoo");
    foo.send("METADATA * SET display-name :Foo The First");
    foo.send("METADATA * SET empty :");
    assert.deepEqual(await told(foo), [
      ":irc.test 761 mdfoo * display-name * :Foo The First",
      ":irc.test 761 mdfoo * empty * :",
    ]);
    foo.send("METADATA * GET display-name avatar bad!key");
    foo.send("METADATA mdfoo LIST");
    assert.deepEqual(await told(foo), [
      ":irc.test BATCH +R1 metadata *",
      "@batch=R1 :irc.test 761 mdfoo * display-name * :Foo The First",
      "@batch=R1 :irc.test 766 mdfoo * avatar :key not set",
      "@batch=R1 :irc.test FAIL METADATA KEY_INVALID bad!key :Invalid key",
      ":irc.test BATCH -R1",
      ":irc.test BATCH +R2 metadata mdfoo",
      "@batch=R2 :irc.test 761 mdfoo mdfoo display-name * :Foo The First",
      "@batch=R2 :irc.test 761 mdfoo mdfoo empty * :",
      ":irc.test BATCH -R2",
    ]);
    foo.send("METADATA * SET display-name");
    foo.send("METADATA * SET display-name");
    foo.send("METADATA * CLEAR");
    foo.send("METADATA * LIST");
    assert.deepEqual(await told(foo), [
      ":irc.test 766 mdfoo * display-name :key not set",
      ":irc.test FAIL METADATA KEY_NOT_SET * display-name :Key not set",
      ":irc.test BATCH +R1 metadata *",
      "@batch=R1 :irc.test 766 mdfoo * empty :key not set",
      ":irc.test BATCH -R1",
      ":irc.test BATCH +R2 metadata *",
      ":irc.test BATCH -R2",
    ]);
  });

  it("tells subscribers who share a channel, never the author, and a joiner what it subscribed to", async () => {
    const foo = await client("subfoo");
    const bar = await client("subbar");
    const far = await client("subfar");
    bar.send("METADATA * SUB avatar display-name bad:key url");
    far.send("METADATA * SUB display-name url");
    assert.deepEqual(await told(bar), [
      ":irc.test FAIL METADATA KEY_INVALID bad:key :Invalid key",
      ":irc.test 770 subbar avatar display-name :url",
    ]);
    assert.deepEqual(await told(far), [":irc.test 770 subfar display-name :url"]);
    await foo.join("#meta");
    await bar.join("#meta");
    await foo.drain();
    foo.send("METADATA * SET display-name :Foo");
    foo.send("METADATA #meta SET url :https://example.org/");
    foo.send("METADATA * SET pronouns :they");
    assert.deepEqual(await told(foo), [
      ":irc.test 761 subfoo * display-name * :Foo",
      ":irc.test 761 subfoo #meta url * :https://example.org/",
      ":irc.test 761 subfoo * pronouns * :they",
    ]);
    assert.deepEqual(await told(bar), [
      ":irc.test METADATA subfoo display-name * :Foo",
      ":irc.test METADATA #meta url * :https://example.org/",
    ]);
    // Not in the channel: told nothing; on joining, what it subscribed to.
    assert.deepEqual(await told(far), []);
    far.send("JOIN #meta");
    const joined = renameRefs((await far.raw.until(/ BATCH -/)).map((line) => line.replace(/\r$/, "")));
    assert.deepEqual(joined.slice(-4), [
      ":irc.test BATCH +R1 metadata #meta",
      "@batch=R1 :irc.test METADATA #meta url * :https://example.org/",
      "@batch=R1 :irc.test METADATA subfoo display-name * :Foo",
      ":irc.test BATCH -R1",
    ]);
    assert.match(joined.at(-5) ?? "", / 366 subfar #meta /);
    // A member who is no operator may not change the channel's.
    await bar.expect(/:subfar!\S+ JOIN #meta/);
    bar.send("METADATA #meta SET url :https://evil.example/");
    bar.send("METADATA subfoo SET display-name :Not Foo");
    assert.deepEqual(await told(bar), [
      ":irc.test FAIL METADATA KEY_NO_PERMISSION #meta url :You may not change the metadata of this target",
      ":irc.test FAIL METADATA KEY_NO_PERMISSION subfoo display-name :You may not change the metadata of this target",
    ]);
    foo.send("METADATA * SET display-name");
    await foo.expect(/ 766 /);
    assert.deepEqual(await told(bar), [":irc.test METADATA subfoo display-name *"]);
    bar.send("METADATA * UNSUB url nope");
    bar.send("METADATA * SUBS");
    bar.send("METADATA #meta SYNC");
    assert.deepEqual(await told(bar), [
      ":irc.test 771 subbar url :nope",
      ":irc.test BATCH +R1 metadata-subs",
      "@batch=R1 :irc.test 772 subbar avatar :display-name",
      ":irc.test BATCH -R1",
      ":irc.test BATCH +R2 metadata #meta",
      ":irc.test BATCH -R2",
    ]);
    far.send("METADATA #meta SYNC");
    assert.deepEqual(await told(far), [
      ":irc.test METADATA subfoo display-name *",
      ":irc.test BATCH +R1 metadata #meta",
      "@batch=R1 :irc.test METADATA #meta url * :https://example.org/",
      ":irc.test BATCH -R1",
    ]);
  });

  it("takes metadata before connecting and tells it in a batch at the welcome; WHOIS shows 760", async () => {
    const c = await suite.connect("early");
    c.send("CAP LS 302");
    c.send(`CAP REQ :${CAPS}`);
    c.send("METADATA * SET display-name :Early Bird");
    c.send("METADATA * SET homepage :https://early.example/");
    c.send("METADATA #chan GET url");
    await c.expect(/ CAP \* ACK /);
    assert.equal(await c.expect(/ 761 /), ":irc.test 761 * * display-name * :Early Bird");
    await c.expect(/ 761 /);
    assert.equal(
      await c.expect(/ FAIL /),
      ":irc.test FAIL METADATA INVALID_TARGET #chan :Invalid metadata target",
    );
    c.send("NICK early");
    c.send("USER early 0 * :early");
    c.send("CAP END");
    const welcome = renameRefs((await c.raw.until(/ BATCH -/)).map((line) => line.replace(/\r$/, "")));
    assert.match(welcome.at(-5) ?? "", / (376|422) early /);
    assert.deepEqual(welcome.slice(-4), [
      ":irc.test BATCH +R1 metadata early",
      "@batch=R1 :irc.test METADATA early display-name * :Early Bird",
      "@batch=R1 :irc.test METADATA early homepage * :https://early.example/",
      ":irc.test BATCH -R1",
    ]);
    // Nothing set: an empty batch; without the capability, none.
    const none = await suite.connect("nothing");
    none.send("CAP LS 302");
    none.send(`CAP REQ :${CAPS}`);
    none.send("NICK nothing");
    none.send("USER nothing 0 * :nothing");
    none.send("CAP END");
    assert.deepEqual(
      renameRefs((await none.raw.until(/ BATCH -/)).slice(-2).map((l) => l.replace(/\r$/, ""))),
      [":irc.test BATCH +R1 metadata nothing", ":irc.test BATCH -R1"],
    );
    const asker = await client("asker", null);
    asker.send("WHOIS early");
    assert.deepEqual(
      (await asker.drain()).filter((line) => / 760 /.test(line)),
      [
        ":irc.test 760 asker early display-name * :Early Bird",
        ":irc.test 760 asker early homepage * :https://early.example/",
      ],
    );
  });

  it("answers bad requests with the specification's FAIL replies and keeps its limits", async () => {
    const c = await client("limits");
    const other = await client("limited");
    await other.join("#closed");
    const lines: Array<[string, string]> = [
      ["METADATA * DESTROY", "FAIL METADATA SUBCOMMAND_INVALID DESTROY :Invalid subcommand"],
      ["METADATA nobody LIST", "FAIL METADATA INVALID_TARGET nobody :Invalid metadata target"],
      ["METADATA #none GET url", "FAIL METADATA INVALID_TARGET #none :Invalid metadata target"],
      [
        "METADATA #closed GET url",
        "FAIL METADATA KEY_NO_PERMISSION #closed url :You may not see the metadata of this channel",
      ],
      ["METADATA * SET Upper :x", "FAIL METADATA KEY_INVALID Upper :Invalid key"],
      [
        `METADATA * SET long :${"é".repeat(151)}`,
        "FAIL METADATA VALUE_INVALID :Values are at most 300 bytes",
      ],
      ["METADATA *", "461 limits METADATA :Not enough parameters"],
      ["METADATA * GET", "461 limits METADATA :Not enough parameters"],
      ["METADATA * SUB", "461 limits METADATA :Not enough parameters"],
    ];
    for (const [line, reply] of lines) {
      c.send(line);
      assert.deepEqual(await c.drain(), [`:irc.test ${reply}`], line);
    }
    // 300 bytes exactly are taken; 20 keys, not 21.
    c.send(`METADATA * SET long :${"é".repeat(150)}`);
    for (let i = 1; i < 20; i++) c.send(`METADATA * SET k${i} :v`);
    c.send("METADATA * SET k20 :v");
    const replies = await c.drain();
    assert.equal(replies.length, 21);
    assert.equal(replies.at(-1), ":irc.test FAIL METADATA LIMIT_REACHED * :Metadata limit reached");
    c.send("METADATA * SET k1 :changed");
    assert.deepEqual(await c.drain(), [":irc.test 761 limits * k1 * :changed"]);
    // 50 subscriptions (a line holds 15 parameters: asked for ten at a time); past them the first key not
    // taken is named, and none after it is taken; one already taken still is.
    for (let i = 0; i < 50; i += 10) {
      const keys = Array.from({ length: 10 }, (_, j) => `s${i + j}`);
      c.send(`METADATA * SUB ${keys.join(" ")}`);
      assert.deepEqual(await c.drain(), [`:irc.test 770 limits ${keys.slice(0, 9).join(" ")} :${keys[9]}`]);
    }
    c.send("METADATA * SUB s49 s50 s51");
    assert.deepEqual(await c.drain(), [
      ":irc.test FAIL METADATA TOO_MANY_SUBS s50 :Too many subscriptions",
      ":irc.test 770 limits :s49",
    ]);
  });
});
