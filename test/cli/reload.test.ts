// Reloading a running rooms server: SIGHUP and REHASH re-read the configuration and MOTD files; limits,
// operators and the MOTD change while every client stays; what takes a restart is said. STATS as well.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { cliSuite } from "../support/cli.js";
import { Irc } from "../support/irc.js";
import { LineClient } from "../support/line-client.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

describe("reload: SIGHUP, REHASH, STATS", { timeout: SUITE_TIMEOUT_MS }, () => {
  const commands = cliSuite();
  const dir = mkdtempSync(join(tmpdir(), "tcpchat-reload-"));
  const open: Array<{ close(): void }> = [];
  after(() => {
    for (const c of open) c.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const configPath = join(dir, "tcpchat.toml");
  const motdPath = join(dir, "motd.txt");
  const writeConfig = (lines: string[]) =>
    writeFileSync(
      configPath,
      ['service = "rooms"', 'server-name = "irc.test"', 'motd-file = "motd.txt"', ...lines, ""].join("\n"),
    );
  const register = async (port: number, nick: string) => {
    const irc = await Irc.register(port, nick);
    open.push(irc);
    return irc;
  };

  it("changes limits, operators and the MOTD under traffic without dropping anyone", async () => {
    writeFileSync(motdPath, "first motd\n");
    writeConfig([
      'oper = ["alice:pw"]',
      "port = 0",
      "[limits]",
      "max-clients-per-ip = 2",
      "limit-loopback = true",
    ]);
    const server = commands.run(["serve", "--config", configPath, "--log-format", "json"]);
    const port = await server.listening();
    const alice = await register(port, "alice");
    const bob = await register(port, "bob");
    await alice.join("#talk");
    await bob.join("#talk");
    // The limit holds: a third connection from this address is refused.
    const refused = await LineClient.connect(port);
    open.push({ close: () => refused.destroy() });
    assert.match((await refused.linesUntilClose()).join("\n"), /Too many connections/);

    // Traffic while the file changes and the server re-reads it.
    alice.send("PRIVMSG #talk :before");
    await bob.expect(/PRIVMSG #talk :before\r?$/);
    writeFileSync(motdPath, "second motd\n");
    writeConfig([
      'oper = ["alice:pw", "bob:hunter2"]',
      "port = 1",
      "[limits]",
      "max-clients-per-ip = 5",
      "limit-loopback = true",
    ]);
    server.kill("SIGHUP");
    await server.waitFor(
      /"msg":"SIGHUP: re-read [^"]*tcpchat\.toml: changed oper, motd-file, max-clients-per-ip"/,
      "stderr",
    );
    await server.waitFor(
      /"msg":"SIGHUP: port changed: takes a restart \(the running value stays\)"/,
      "stderr",
    );
    alice.send("PRIVMSG #talk :after");
    await bob.expect(/PRIVMSG #talk :after\r?$/);

    // Everyone stayed; the new limit lets a third client in; the new operator and MOTD are there.
    const carol = await register(port, "carol");
    bob.send("OPER bob hunter2");
    assert.match(await bob.numeric("381"), /You are now an IRC operator/);
    carol.send("MOTD");
    assert.match(await carol.numeric("372"), /second motd/);
    // Alice, who only watched, is still connected and was told nothing of it.
    assert.deepEqual(
      (await alice.drain()).filter((line) => !/ (JOIN|PRIVMSG) #talk/.test(line)),
      [],
    );

    // REHASH: operators only; it answers 382, then what it did.
    carol.send("REHASH");
    assert.match(await carol.numeric("481"), /not an IRC operator/);
    bob.send("REHASH");
    assert.match(
      await bob.numeric("382"),
      new RegExp(`^bob ${configPath.replaceAll(".", "\\.")} :Rehashing`),
    );
    assert.match(await bob.expect(/NOTICE bob :REHASH: /), /REHASH: re-read .*: nothing to change\r?$/);
    await bob.expect(/NOTICE bob :REHASH: port changed: takes a restart \(the running value stays\)\r?$/);

    // A file broken meanwhile: the problems are said, the running configuration stays.
    writeFileSync(configPath, 'service = "rooms"\nmax-clients-per-ip = 0\n');
    bob.send("REHASH");
    assert.match(
      await bob.expect(/NOTICE bob :REHASH: /),
      /:REHASH: .*tcpchat\.toml:2: max-clients-per-ip: expected a whole number, 1 or more\r?$/,
    );
    await bob.expect(/NOTICE bob :REHASH: kept the running configuration\r?$/);
    bob.send("OPER bob hunter2");
    assert.match(await bob.numeric("381"), /You are now an IRC operator/);

    server.kill("SIGTERM");
    assert.equal((await server.exited).code, 0);
  });

  it("STATS u gives the uptime, STATS m how often each command was used", async () => {
    const server = commands.run(["serve", "--service", "rooms", "--server-name", "irc.test", "--port", "0"]);
    const port = await server.listening();
    const dave = await register(port, "dave");
    dave.send("STATS u");
    assert.match(await dave.numeric("242"), /^dave :Server Up 0 days 0:00:\d\d$/);
    assert.equal(await dave.numeric("219"), "dave u :End of STATS report");
    dave.send("STATS m");
    const lines = await dave.raw.until(/ 219 /);
    const counts = lines
      .filter((line) => / 212 /.test(line))
      .map((line) => line.trim().split(" ").slice(3, 5).join(" ").replace(":", ""));
    assert.ok(counts.includes("NICK 1") && counts.includes("USER 1"), counts.join(", "));
    assert.ok(counts.includes("STATS 2"), counts.join(", "));
    server.kill("SIGTERM");
    assert.equal((await server.exited).code, 0);
  });
});
