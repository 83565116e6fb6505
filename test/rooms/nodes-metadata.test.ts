// IRCv3 draft/metadata-2 across nodes: a user's and a channel's metadata, changed on one node as operations
// of the core, reach the subscribers of another node and answer GET, JOIN and WHOIS there; metadata set
// before connecting travels with the user. Run on the in-memory bus and on Redis with three nodes.
import assert from "node:assert/strict";
import { describe, it as test } from "node:test";
import { LineClient, withoutCr as strip } from "../support/line-client.js";
import { connectIrcWithCaps, joinIrc, nodesBackends, threeNodes, untilNamesShow } from "../support/rooms.js";

const CAPS = "draft/metadata-2 batch";

const BACKENDS = await nodesBackends("nodes-metadata");

/** Ask `line` until the answer's lines (through `end`) hold `wanted`; within the suite's bound. */
async function until(client: LineClient, line: string, end: RegExp, wanted: string): Promise<void> {
  for (;;) {
    client.send(`${line}\r`);
    const lines = (await client.until(end)).map(strip);
    if (lines.some((text) => text.replace(/^@\S+ /, "") === wanted)) return;
  }
}

for (const backend of BACKENDS) {
  describe(`draft/metadata-2 across nodes (${backend.name})`, { timeout: 60_000 }, () => {
    const it = (name: string, fn: () => Promise<void>) => test(name, { skip: backend.skip }, fn);
    const { port, track } = threeNodes(backend);

    const irc = async (node: number, nick: string) => track(await connectIrcWithCaps(port(node), nick, CAPS));

    it("tells another node's subscribers of a user's and a channel's changes, and answers GET there", async () => {
      const foo = await irc(0, "mfoo");
      const bar = await irc(1, "mbar");
      const baz = await irc(2, "mbaz");
      bar.send("METADATA * SUB display-name url\r");
      await bar.until(/ 770 /);
      await joinIrc(foo, "mfoo", "#md");
      await untilNamesShow(bar, "#md", "@mfoo");
      await joinIrc(bar, "mbar", "#md");
      await foo.until(/:mbar!\S+ JOIN #md/);
      foo.send("METADATA * SET display-name :Foo Far\r");
      foo.send("METADATA #md SET url :https://md.example/\r");
      await foo.until(/ 761 mfoo #md url /);
      const told = (await bar.until(/ METADATA #md url /))
        .map(strip)
        .filter((line) => / METADATA /.test(line));
      assert.deepEqual(told, [
        ":irc.test METADATA mfoo display-name * :Foo Far",
        ":irc.test METADATA #md url * :https://md.example/",
      ]);
      // A third node holds both: GET of the user, and of the channel once a member.
      await until(
        baz,
        "METADATA mfoo GET display-name",
        / BATCH -/,
        ":irc.test 761 mbaz mfoo display-name * :Foo Far",
      );
      await untilNamesShow(baz, "#md", "@mfoo");
      baz.send("METADATA * SUB url\r");
      await baz.until(/ 770 /);
      baz.send("JOIN #md\r");
      const joined = (await baz.until(/ BATCH -/))
        .map((line) => strip(line).replace(/^@\S+ /, ""))
        .filter((line) => / METADATA /.test(line));
      assert.deepEqual(joined, [":irc.test METADATA #md url * :https://md.example/"]);
      // A removal travels too.
      foo.send("METADATA * SET display-name\r");
      assert.equal(
        strip((await bar.until(/ METADATA mfoo /)).at(-1) ?? ""),
        ":irc.test METADATA mfoo display-name *",
      );
    });

    it("carries metadata set before connecting with the user to the other nodes", async () => {
      const early = track(await LineClient.connect(port(0)));
      early.write(
        `CAP LS 302\r\nCAP REQ :${CAPS}\r\nMETADATA * SET display-name :Early Far\r\nNICK mearly\r\nUSER mearly 0 * :mearly\r\nCAP END\r\n`,
      );
      await early.until(/ BATCH -/);
      const asker = await irc(2, "masker");
      await until(asker, "WHOIS mearly", / 318 /, ":irc.test 760 masker mearly display-name * :Early Far");
    });
  });
}
