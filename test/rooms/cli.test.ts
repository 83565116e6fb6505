// The rooms server as its users start it: `tcpchat serve --service rooms` with its command-line flags,
// parsed by the real command (other tests pass settings in code), stopped by signal, and its logging options.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { cliSuite } from "../support/cli.js";
import { LineClient, withoutCr } from "../support/line-client.js";
import { portIsFree } from "../support/ports.js";
import { connectIrc, SeedClient } from "../support/rooms.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

const ROOMS = ["serve", "--service", "rooms", "--port", "0"];

describe("tcpchat serve --service rooms: its flags, signals and logs", { timeout: SUITE_TIMEOUT_MS }, () => {
  const cli = cliSuite();
  const clients: Array<{ destroy(): void }> = [];
  const raw = async (port: number) => {
    const client = await LineClient.connect(port);
    clients.push(client);
    return client;
  };
  const kept = <T extends { destroy(): void }>(client: T) => {
    clients.push(client);
    return client;
  };
  const seedClient = async (port: number) => {
    const client = await SeedClient.connect(port);
    clients.push(client.raw);
    return client;
  };

  it("names, password, operators, MOTD file, per-user and per-room limits, KILL_SERVICE", async () => {
    const motd = join(tmpdir(), `tcpchat-motd-${process.pid}.txt`);
    writeFileSync(motd, "Hello from the file\nSecond line\n");
    const run = cli.run([
      ...ROOMS,
      "--server-name",
      "irc.flags",
      "--network",
      "FlagNet",
      "--student-id",
      "s-1234",
      "--password",
      "letmein",
      "--oper",
      "boss:hunter2",
      "--oper",
      "deputy:pw2",
      "--motd-file",
      motd,
      "--max-rooms-per-user",
      "2",
      "--max-members-per-room",
      "2",
      "--allow-kill",
    ]);
    const port = await run.listening();
    try {
      // --password: without PASS, 464 and the door; with it, the welcome from --server-name and --network.
      const refused = await raw(port);
      refused.write("NICK nopass\r\nUSER nopass 0 * :n\r\n");
      const lines = (await refused.linesUntilClose()).map(withoutCr);
      assert.ok(lines.includes(":irc.flags 464 nopass :Password incorrect"), JSON.stringify(lines));
      const boss = await raw(port);
      boss.write("PASS letmein\r\nNICK boss\r\nUSER boss 0 * :b\r\n");
      const welcome = (await boss.until(/ 376 boss /)).map(withoutCr);
      assert.equal(welcome[0], ":irc.flags 001 boss :Welcome to the FlagNet IRC Network boss!boss@127.0.0.1");
      assert.ok(welcome.some((line) => / 005 boss .*\bNETWORK=FlagNet\b/.test(line)));
      // --motd-file: its lines, in order.
      assert.deepEqual(
        welcome.filter((line) => / 372 /.test(line)),
        [":irc.flags 372 boss :- Hello from the file", ":irc.flags 372 boss :- Second line"],
      );
      // --oper, given twice: both work, a wrong password does not.
      boss.send("OPER boss wrong\r");
      assert.match(withoutCr(await boss.nextLine()), /^:irc\.flags 464 boss :/);
      boss.send("OPER deputy pw2\r");
      assert.match(withoutCr((await boss.until(/ 381 /)).at(-1) ?? ""), /^:irc\.flags 381 boss :/);

      // --max-rooms-per-user 2: a third room is refused (IRC 405, seed error 8).
      for (const channel of ["#one", "#two"]) {
        boss.send(`JOIN ${channel}\r`);
        await boss.until(new RegExp(` 366 boss ${channel} `));
      }
      boss.send("JOIN #three\r");
      assert.match(withoutCr(await boss.nextLine()), /^:irc\.flags 405 boss #three :/);
      // --student-id in the seed protocol's HELO reply.
      const seed = await seedClient(port);
      seed.send(["HELO flags"]);
      assert.deepEqual(await seed.block(4), [
        "HELO flags",
        "IP:127.0.0.1",
        `Port:${port}`,
        "StudentID:s-1234",
      ]);
      const one = await seed.join("one", "seedling");
      seed.send(["JOIN_CHATROOM: two", "CLIENT_IP: 0", "PORT: 0", "CLIENT_NAME: seedling"]);
      const joined = await seed.block(5);
      assert.equal(joined[0], "JOINED_CHATROOM: two");
      await seed.block(4); // its join notice
      seed.send(["JOIN_CHATROOM: three", "CLIENT_IP: 0", "PORT: 0", "CLIENT_NAME: seedling"]);
      assert.match(await seed.expectError(8), /three/);
      // --max-members-per-room 2: #one has boss and seedling; a third is refused.
      const third = await raw(port);
      third.write("PASS letmein\r\nNICK third\r\nUSER third 0 * :t\r\nJOIN #one\r\n");
      assert.match(withoutCr((await third.until(/ 471 /)).at(-1) ?? ""), /^:irc\.flags 471 third #one :/);
      void one;

      // --allow-kill: KILL_SERVICE stops the server, which tells every client and exits 0.
      const goodbye = boss.linesUntilClose();
      seed.send(["KILL_SERVICE"]);
      assert.equal((await goodbye).map(withoutCr).at(-1), "ERROR :Server shutting down");
      assert.deepEqual(await run.exited, { code: 0, signal: null });
    } finally {
      for (const client of clients.splice(0)) client.destroy();
    }
  });

  it("--max-clients-per-ip with --limit-loopback, and --ping-interval", async () => {
    const run = cli.run([
      ...ROOMS,
      "--server-name",
      "irc.test",
      "--max-clients-per-ip",
      "2",
      "--limit-loopback",
      "--ping-interval",
      "1",
    ]);
    const port = await run.listening();
    try {
      const first = kept(await connectIrc(port, "first"));
      kept(await connectIrc(port, "second"));
      const extra = await raw(port);
      assert.deepEqual((await extra.linesUntilClose()).map(withoutCr), [
        "ERROR :Too many connections from your IP address",
      ]);
      // --ping-interval 1: an idle client is asked within seconds, not the default two minutes.
      assert.equal(withoutCr((await first.until(/^PING /)).at(-1) ?? ""), "PING :irc.test");
      run.kill("SIGTERM");
      assert.deepEqual(await run.exited, { code: 0, signal: null });
    } finally {
      for (const client of clients.splice(0)) client.destroy();
    }
  });

  it("stops on SIGTERM: IRC clients get ERROR, seed clients error 14, the exit code is 0", async () => {
    const run = cli.run([...ROOMS, "--server-name", "irc.test"]);
    const port = await run.listening();
    try {
      const irc = kept(await connectIrc(port, "ircer"));
      const seed = await seedClient(port);
      await seed.join("room", "seeder");
      const ircLines = irc.linesUntilClose();
      const seedLines = seed.raw.linesUntilClose();
      run.kill("SIGTERM");
      assert.equal((await ircLines).map(withoutCr).at(-1), "ERROR :Server shutting down");
      assert.deepEqual(await seedLines, ["ERROR_CODE: 14", "ERROR_DESCRIPTION: server shutting down"]);
      assert.deepEqual(await run.exited, { code: 0, signal: null });
      assert.equal(await portIsFree(port), true, `port ${port} is free`);
    } finally {
      for (const client of clients.splice(0)) client.destroy();
    }
  });

  it("--log-format json --log-level debug: one JSON object a line, connections logged at debug", async () => {
    const run = cli.run([...ROOMS, "--log-format", "json", "--log-level", "debug"]);
    const port = await run.listening();
    const client = await raw(port);
    await run.waitFor(/"msg":"connected"/, "stderr");
    client.destroy();
    await run.waitFor(/"msg":"disconnected"/, "stderr");
    run.kill("SIGTERM");
    assert.equal((await run.exited).code, 0);
    const records = run.stderr
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    assert.deepEqual(
      records.map((r) => [r.level, r.msg]),
      [
        [30, "serving rooms with the evented model"],
        [20, "connected"],
        [20, "disconnected"],
        [30, "SIGTERM: shutting down"],
        [30, "stopped"],
      ],
    );
  });

  it("--log-level warn: nothing below warnings; --log-format pretty: text, not JSON", async () => {
    const quiet = cli.run([...ROOMS, "--log-format", "json", "--log-level", "warn"]);
    const pretty = cli.run([...ROOMS, "--log-format", "pretty", "--log-level", "info"]);
    await Promise.all([quiet.listening(), pretty.listening()]);
    await pretty.waitFor(/serving rooms with the evented model/, "stderr");
    quiet.kill("SIGTERM");
    pretty.kill("SIGTERM");
    assert.deepEqual(await quiet.exited, { code: 0, signal: null });
    assert.deepEqual(await pretty.exited, { code: 0, signal: null }, pretty.stderr);
    // Everything quiet logged comes from above warn, and there is nothing of that kind here.
    assert.equal(quiet.stderr, "");
    assert.match(pretty.stderr, /INFO.*serving rooms with the evented model/);
    assert.doesNotMatch(pretty.stderr, /^\{/m);
  });
});
