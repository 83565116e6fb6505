// The configuration file read against `tcpchat serve`'s own options: values, and every kind of error with
// its line.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConfigFileError, parseConfig, readConfigFile } from "../../src/cli/config-file.js";
import { serveCommand } from "../../src/cli/serve.js";

const options = serveCommand().options;
const dir = mkdtempSync(join(tmpdir(), "tcpchat-config-"));
writeFileSync(join(dir, "motd.txt"), "welcome\n");

/** The problems of a text, as `line: message`. */
function problems(text: string): string[] {
  return parseConfig(text, options, dir).problems.map((p) => `${p.line ?? "-"}: ${p.message}`);
}

describe("configuration file", () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("maps every key to its option's value, at the top or in its section", () => {
    const { values, problems } = parseConfig(
      [
        "# a rooms server",
        'service = "rooms"',
        'model = "cluster"',
        "workers = 3",
        'oper = ["alice:secret", "bob:hunter2"]',
        'motd-file = "motd.txt"',
        "allow-kill = true",
        'server-name = "irc.example.org"',
        "",
        "[listen]",
        'host = "0.0.0.0"',
        "port = 6697",
        "",
        "[limits]",
        "max-clients-per-ip = 20",
        "flood-limit = false",
        "flood-rate = 0.5",
        "idle-timeout = 300",
        'max-line = "9000"',
      ].join("\n"),
      options,
      dir,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(values, {
      service: "rooms",
      model: "cluster",
      workers: 3,
      oper: [
        { name: "alice", password: "secret" },
        { name: "bob", password: "hunter2" },
      ],
      motdFile: join(dir, "motd.txt"),
      allowKill: true,
      serverName: "irc.example.org",
      host: "0.0.0.0",
      port: 6697,
      maxClientsPerIp: 20,
      floodLimit: false,
      floodRate: 0.5,
      idleTimeout: 300,
      maxLine: 9000,
    });
  });

  it("takes the option's own name for a negated switch, and one string for a repeatable option", () => {
    const { values, problems } = parseConfig('no-flood-limit = true\noper = "carol:pw"', options, dir);
    assert.deepEqual(problems, []);
    assert.deepEqual(values, { floodLimit: false, oper: [{ name: "carol", password: "pw" }] });
  });

  it("reports a TOML syntax error with its line", () => {
    assert.deepEqual(problems("port = 6667\nhost 127.0.0.1\nbacklog = 5"), [
      "2: invalid TOML: illegal character in key",
    ]);
    assert.deepEqual(problems("port = 1\nport = 2"), [
      "2: invalid TOML: trying to redefine an already defined table or value",
    ]);
  });

  it("reports unknown keys and sections, with a suggestion when one is close", () => {
    assert.deepEqual(
      problems(
        [
          "max-client-per-ip = 3",
          "colour = 1",
          "[limits]",
          "max-lines = 10",
          "[tls]",
          'cert = "x"',
          "[listen.extra]",
          "a = 1",
        ].join("\n"),
      ),
      [
        "1: unknown key 'max-client-per-ip' (did you mean 'max-clients-per-ip'?)",
        "2: unknown key 'colour'",
        "4: unknown key 'max-lines' (did you mean 'max-line'?)",
        "5: unknown section [tls] (sections: listen, limits)",
        "7: unknown key 'extra'",
      ],
    );
  });

  it("refuses a key in a section it does not belong to", () => {
    assert.deepEqual(problems('[limits]\noper = ["a:b"]\nport = 1'), [
      "2: 'oper' does not belong in [limits]: put it at the top, before any [section]",
      "3: 'port' does not belong in [limits]: put it in [listen] or at the top",
    ]);
  });

  it("refuses values of the wrong type", () => {
    assert.deepEqual(
      problems(
        [
          "port = true",
          'allow-kill = "yes"',
          "host = [1, 2]",
          "backlog = { a = 1 }",
          "oper = [1]",
          "idle-timeout = 1979-05-27",
        ].join("\n"),
      ),
      [
        "1: port: expected a string or a number, got the boolean true",
        '2: allow-kill: expected true or false, got the string "yes"',
        "3: host: expected a string or a number, got an array",
        "4: backlog: expected a string or a number, got a table",
        "5: oper: expected a string or an array of strings, got the number 1",
        "6: idle-timeout: expected a string or a number, got a date",
      ],
    );
  });

  it("checks each value as the command line does", () => {
    assert.deepEqual(
      problems(
        [
          "port = 70000",
          "max-clients-per-ip = 0",
          'oper = ["nocolon"]',
          'model = "fork"',
          'motd-file = "missing.txt"',
          'bus = "http://x"',
        ].join("\n"),
      ),
      [
        "1: port: expected a port number, 0 to 65535",
        "2: max-clients-per-ip: expected a whole number, 1 or more",
        "3: oper: expected name:password",
        '4: model: expected one of single, threaded, evented, cluster, got "fork"',
        `5: motd-file: no such file: ${join(dir, "missing.txt")}`,
        "6: bus: expected redis://host:port",
      ],
    );
    assert.deepEqual(problems('oper = "x:$scrypt$ln=15,r=8,p=1$short$short"'), [
      "1: oper: bad password hash: salt or hash too short",
    ]);
  });

  it("refuses an option set twice, at the top and in its section or as its negation", () => {
    assert.deepEqual(problems("port = 1\n[listen]\nport = 2"), ["3: 'port' sets what line 1 already set"]);
    assert.deepEqual(problems("flood-limit = true\nno-flood-limit = true"), [
      "2: 'no-flood-limit' sets what line 1 already set",
    ]);
  });

  it("does not take keys that are not settings", () => {
    assert.deepEqual(problems('config = "other.toml"\nhelp = true'), [
      "1: unknown key 'config'",
      "2: unknown key 'help'",
    ]);
  });

  it("finds the line of a key after a multi-line string that looks like keys", () => {
    assert.deepEqual(problems('server-name = """\nport = 1\n"""\nport = true'), [
      "4: port: expected a string or a number, got the boolean true",
    ]);
  });

  it("names the file, and says when it cannot be read", () => {
    const path = join(dir, "bad.toml");
    writeFileSync(path, "colourful = 1\n");
    assert.throws(
      () => readConfigFile(path, options),
      (err: unknown) =>
        err instanceof ConfigFileError && err.message === `${path}:1: unknown key 'colourful'`,
    );
    assert.throws(
      () => readConfigFile(join(dir, "absent.toml"), options),
      (err: unknown) =>
        err instanceof ConfigFileError &&
        err.message === `${join(dir, "absent.toml")}: cannot read: no such file`,
    );
  });

  it("the example in docs/ is valid and names every option of serve", () => {
    const path = new URL("../../docs/tcpchat.example.toml", import.meta.url).pathname;
    assert.deepEqual(problems(readFileSync(path, "utf8")), []);
    const text = readFileSync(path, "utf8");
    const missing = options
      .map((option) => (option.long as string).replace(/^--(no-)?/, ""))
      .filter(
        (key) =>
          !["config", "console", "show-thread", "max-threads", "busy", "greeting", "then"].includes(key),
      )
      .filter((key) => !new RegExp(`^#? ?${key} = `, "m").test(text));
    assert.deepEqual(missing, []);
  });
});
