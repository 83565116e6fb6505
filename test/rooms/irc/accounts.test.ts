// Accounts over IRC, on the wire: draft/account-registration, SASL PLAIN and SCRAM-SHA-256 with their
// numerics, bad AUTHENTICATE input, the failed-login throttle, NickServ, and what others see of an
// account (account-notify, account-tag, extended-join, WHOIS 330).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ask, scramLogin } from "../../support/accounts.js";
import { type Irc, ircSuiteServer } from "../../support/irc.js";
import { withoutCr } from "../../support/line-client.js";
import { b64, plain, ScramClient } from "../../support/sasl.js";

type Suite = ReturnType<typeof ircSuiteServer>;

/** Connected with NICK and USER sent, capabilities requested, registration held by CAP. */
async function negotiating(suite: Suite, nick: string, caps = "sasl"): Promise<Irc> {
  const c = await suite.connect(nick);
  c.send("CAP LS 302");
  c.send(`NICK ${nick}`);
  c.send(`USER ${nick} 0 * :${nick} real`);
  c.send(`CAP REQ :${caps}`);
  await c.expect(new RegExp(` CAP ${nick} ACK `));
  return c;
}

/** Registered (through the MOTD) with these capabilities. */
async function registered(suite: Suite, nick: string, caps: string): Promise<Irc> {
  const c = await negotiating(suite, nick, caps);
  c.send("CAP END");
  await c.expect(/ (376|422) /);
  return c;
}

/** An account made through REGISTER before connection registration, by a client that then quits. */
async function account(suite: Suite, nick: string, password: string): Promise<void> {
  const c = await negotiating(suite, nick);
  c.send(`REGISTER * * :${password}`);
  await c.expect(/ REGISTER SUCCESS /);
  c.send("QUIT");
  await c.raw.linesUntilClose();
}

describe("accounts over IRC", { timeout: 120_000 }, () => {
  describe("registration and SASL", () => {
    const suite = ircSuiteServer();

    it("offers sasl and draft/account-registration, with values from CAP LS 302", async () => {
      const c = await suite.connect();
      c.send("CAP LS");
      const bare = await c.expect(/ CAP \* LS /);
      assert.match(bare, / :.*\bsasl\b/);
      assert.doesNotMatch(bare, /sasl=/);
      c.send("CAP LS 302");
      const line = await c.expect(/ CAP \* LS /);
      for (const cap of [
        "sasl=PLAIN,SCRAM-SHA-256,EXTERNAL",
        "draft/account-registration=before-connect",
        "account-notify",
        "account-tag",
        "extended-join",
      ])
        assert.ok(line.split(/[: ]/).includes(cap), `${cap} in ${line}`);
    });

    it("registers before connecting: REGISTER SUCCESS, logged in (900), and no NickServ notice", async () => {
      const c = await negotiating(suite, "alice");
      c.send("REGISTER * * alice-password");
      assert.equal(await c.expect(/ REGISTER /), ":irc.test REGISTER SUCCESS alice :Account registered");
      assert.equal(
        await c.expect(/ 900 /),
        ":irc.test 900 alice alice!alice@127.0.0.1 alice :You are now logged in as alice",
      );
      c.send("CAP END");
      await c.expect(/ (376|422) /);
      assert.deepEqual(
        (await c.drain()).filter((line) => /NickServ|FAIL/.test(line)),
        [],
      );
      c.send("WHOIS alice");
      assert.equal(await c.expect(/ 330 /), ":irc.test 330 alice alice alice :is logged in as");
    });

    it("answers REGISTER's failures as the spec's FAIL replies", async () => {
      await account(suite, "taken", "taken-password");
      const c = await registered(suite, "bob", "sasl");
      c.send("REGISTER * * short");
      assert.equal(
        await c.expect(/ FAIL /),
        ":irc.test FAIL REGISTER WEAK_PASSWORD bob :Passwords must be at least 6 characters long",
      );
      c.send("REGISTER carol * long-enough");
      assert.equal(
        await c.expect(/ FAIL /),
        ":irc.test FAIL REGISTER ACCOUNT_NAME_MUST_BE_NICK carol :Your account name must be your nickname",
      );
      c.send("REGISTER bob not-an-email long-enough");
      assert.equal(
        await c.expect(/ FAIL /),
        ":irc.test FAIL REGISTER INVALID_EMAIL bob :That is not an email address",
      );
      c.send(`REGISTER bob * ${"x".repeat(301)}`);
      assert.equal(
        await c.expect(/ FAIL /),
        ":irc.test FAIL REGISTER UNACCEPTABLE_PASSWORD bob :Passwords are at most 300 bytes, without NUL, CR or LF",
      );
      c.send("REGISTER bob");
      assert.equal(await c.expect(/ 461 /), ":irc.test 461 bob REGISTER :Not enough parameters");
      c.send("VERIFY bob 123456");
      assert.equal(
        await c.expect(/ FAIL /),
        ":irc.test FAIL VERIFY INVALID_CODE bob :No registration is waiting for a code",
      );
      c.send("REGISTER bob bob@example.org long-enough");
      assert.equal(await c.expect(/ REGISTER /), ":irc.test REGISTER SUCCESS bob :Account registered");
      assert.equal(
        await c.expect(/ 900 /),
        ":irc.test 900 bob bob!bob@127.0.0.1 bob :You are now logged in as bob",
      );
      c.send("REGISTER bob * long-enough");
      assert.equal(
        await c.expect(/ FAIL /),
        ":irc.test FAIL REGISTER ALREADY_AUTHENTICATED bob :You are already logged in to an account",
      );
      // Someone else's registered name, before connecting: taken.
      const early = await suite.connect();
      early.send("REGISTER * * whatever-password");
      assert.equal(
        await early.expect(/ FAIL /),
        ":irc.test FAIL REGISTER NEED_NICK * :You must choose a nickname before registering",
      );
      early.send("NICK Taken");
      early.send("REGISTER * * whatever-password");
      assert.equal(
        await early.expect(/ FAIL /),
        ":irc.test FAIL REGISTER ACCOUNT_EXISTS Taken :That account name is registered already",
      );
      early.send("NICK NickServ");
      assert.match(await early.expect(/ 433 /), / NickServ :Nickname is already in use$/);
    });

    it("logs in with SASL PLAIN: 900 and 903, then 907 to another AUTHENTICATE", async () => {
      await account(suite, "dana", "dana-password");
      const c = await negotiating(suite, "dana");
      c.send("AUTHENTICATE PLAIN");
      assert.equal(await c.expect(/^AUTHENTICATE /), "AUTHENTICATE +");
      c.send(`AUTHENTICATE ${plain("dana", "dana-password")}`);
      assert.equal(
        await c.expect(/ 900 /),
        ":irc.test 900 dana dana!dana@127.0.0.1 dana :You are now logged in as dana",
      );
      assert.equal(
        await c.raw.nextLine().then(withoutCr),
        ":irc.test 903 dana :SASL authentication successful",
      );
      c.send("AUTHENTICATE PLAIN");
      assert.equal(await c.expect(/ 907 /), ":irc.test 907 dana :You have already authenticated using SASL");
      c.send("CAP END");
      await c.expect(/ 001 /);
    });

    it("logs in with SASL SCRAM-SHA-256: the server's signature, the client's +, then 900 and 903", async () => {
      await account(suite, "erin", "erin pass wörd");
      const c = await negotiating(suite, "erin");
      const scram = await scramLogin(c, "erin", "erin pass wörd");
      assert.equal(await c.expect(/^AUTHENTICATE /), `AUTHENTICATE ${b64(scram.expectedFinal)}`);
      c.send("AUTHENTICATE +");
      assert.equal(
        await c.expect(/ 900 /),
        ":irc.test 900 erin erin!erin@127.0.0.1 erin :You are now logged in as erin",
      );
      assert.equal(await c.expect(/ 903 /), ":irc.test 903 erin :SASL authentication successful");
      c.send("CAP END");
      await c.expect(/ 001 /);
    });

    it("fails a wrong password with 904 (PLAIN and SCRAM), and an unknown mechanism with 908 and 904", async () => {
      await account(suite, "frank", "frank-password");
      const c = await negotiating(suite, "frank");
      c.send("AUTHENTICATE PLAIN");
      await c.expect(/^AUTHENTICATE \+/);
      c.send(`AUTHENTICATE ${plain("frank", "not-franks")}`);
      assert.equal(await c.expect(/ 904 /), ":irc.test 904 frank :SASL authentication failed");
      await scramLogin(c, "frank", "not-franks");
      assert.equal(await c.expect(/ 904 /), ":irc.test 904 frank :SASL authentication failed");
      c.send("AUTHENTICATE ANONYMOUS");
      assert.equal(
        await c.expect(/ 908 /),
        ":irc.test 908 frank PLAIN,SCRAM-SHA-256,EXTERNAL :are available SASL mechanisms",
      );
      assert.equal(await c.expect(/ 904 /), ":irc.test 904 frank :SASL authentication failed");
      // An account that does not exist fails the same way, after the same challenge.
      await scramLogin(c, "nobody", "whatever");
      assert.equal(await c.expect(/ 904 /), ":irc.test 904 frank :SASL authentication failed");
      c.send("CAP END");
      await c.expect(/ 001 /);
      c.send("WHOIS frank");
      const whois = await c.raw.until(/ 318 /);
      assert.ok(!whois.some((line) => / 330 /.test(line)));
    });

    it("answers bad AUTHENTICATE input: no cap, aborts, oversize and malformed payloads, a cut SCRAM", async () => {
      const nocap = await registered(suite, "nocap", "multi-prefix");
      nocap.send("AUTHENTICATE PLAIN");
      assert.equal(await nocap.expect(/ 904 /), ":irc.test 904 nocap :SASL authentication failed");
      const c = await negotiating(suite, "garbler");
      c.send("AUTHENTICATE");
      assert.equal(await c.expect(/ 461 /), ":irc.test 461 garbler AUTHENTICATE :Not enough parameters");
      c.send("AUTHENTICATE *");
      assert.equal(await c.expect(/ 906 /), ":irc.test 906 garbler :SASL authentication aborted");
      c.send("AUTHENTICATE PLAIN");
      await c.expect(/^AUTHENTICATE \+/);
      c.send(`AUTHENTICATE ${"A".repeat(401)}`);
      assert.equal(await c.expect(/ 905 /), ":irc.test 905 garbler :SASL message too long");
      c.send("AUTHENTICATE PLAIN");
      await c.expect(/^AUTHENTICATE \+/);
      for (let i = 0; i < 21; i++) c.send(`AUTHENTICATE ${"A".repeat(400)}`);
      assert.equal(await c.expect(/ 905 /), ":irc.test 905 garbler :SASL message too long");
      c.send("AUTHENTICATE PLAIN");
      await c.expect(/^AUTHENTICATE \+/);
      c.send("AUTHENTICATE !!!notbase64");
      assert.equal(await c.expect(/ 904 /), ":irc.test 904 garbler :SASL authentication failed");
      c.send("AUTHENTICATE PLAIN");
      await c.expect(/^AUTHENTICATE \+/);
      c.send(`AUTHENTICATE ${b64("no nuls here")}`);
      assert.equal(await c.expect(/ 904 /), ":irc.test 904 garbler :SASL authentication failed");
      c.send("AUTHENTICATE PLAIN");
      await c.expect(/^AUTHENTICATE \+/);
      c.send(`AUTHENTICATE ${"A".repeat(400)}`);
      c.send("AUTHENTICATE *");
      assert.equal(await c.expect(/ 906 /), ":irc.test 906 garbler :SASL authentication aborted");
      c.send("AUTHENTICATE SCRAM-SHA-256");
      await c.expect(/^AUTHENTICATE \+/);
      c.send(`AUTHENTICATE ${b64("n,,garbage")}`);
      assert.equal(await c.expect(/ 904 /), ":irc.test 904 garbler :SASL authentication failed");
      // A SCRAM exchange cut short by CAP END: aborted (906), and the client registers without an account.
      c.send("AUTHENTICATE SCRAM-SHA-256");
      await c.expect(/^AUTHENTICATE \+/);
      c.send(`AUTHENTICATE ${b64(new ScramClient("garbler", "x").first)}`);
      await c.expect(/^AUTHENTICATE /);
      c.send("CAP END");
      const lines = await c.raw.until(/ 001 /);
      assert.ok(lines.some((line) => line.startsWith(":irc.test 906 garbler :SASL authentication aborted")));
      // Its last part, now, asks for a mechanism called "+".
      c.send("AUTHENTICATE +");
      assert.equal(
        await c.expect(/ 90\d /),
        ":irc.test 908 garbler PLAIN,SCRAM-SHA-256,EXTERNAL :are available SASL mechanisms",
      );
      assert.equal(await c.expect(/ 90\d /), ":irc.test 904 garbler :SASL authentication failed");
      // A client gone in the middle of an exchange leaves nothing behind.
      const gone = await negotiating(suite, "vanisher");
      gone.send("AUTHENTICATE SCRAM-SHA-256");
      await gone.expect(/^AUTHENTICATE \+/);
      gone.send(`AUTHENTICATE ${b64(new ScramClient("alice", "x").first)}`);
      gone.close();
      const after = await registered(suite, "vanisher", "sasl");
      after.send("WHOIS vanisher");
      await after.expect(/ 318 /);
    });
  });

  describe("throttling", () => {
    const suite = ircSuiteServer();

    it("locks an account after five failed logins: 902, even with the right password", async () => {
      await account(suite, "grace", "grace-password");
      const c = await negotiating(suite, "grace");
      for (let i = 0; i < 5; i++) {
        c.send("AUTHENTICATE PLAIN");
        await c.expect(/^AUTHENTICATE \+/);
        c.send(`AUTHENTICATE ${plain("grace", `wrong-${i}`)}`);
        await c.expect(/ 904 /);
      }
      c.send("AUTHENTICATE PLAIN");
      await c.expect(/^AUTHENTICATE \+/);
      c.send(`AUTHENTICATE ${plain("grace", "grace-password")}`);
      assert.equal(await c.expect(/ 90\d /), ":irc.test 902 grace :You must use a nick assigned to you");
      c.send("AUTHENTICATE SCRAM-SHA-256");
      await c.expect(/^AUTHENTICATE \+/);
      c.send(`AUTHENTICATE ${b64(new ScramClient("grace", "grace-password").first)}`);
      assert.equal(await c.expect(/ 90\d /), ":irc.test 902 grace :You must use a nick assigned to you");
      c.send("CAP END");
      await c.expect(/ 001 /);
      c.send("PRIVMSG NickServ :IDENTIFY grace-password");
      assert.match(
        await c.expect(/NOTICE grace :Too many/),
        /:Too many failed logins to grace or from your address/,
      );
    });
  });

  describe("NickServ and what others see", () => {
    const suite = ircSuiteServer();

    it("registers, identifies, tells INFO, changes the password and drops, over PRIVMSG", async () => {
      const c = await registered(suite, "henry", "multi-prefix");
      const ns = (text: string) => ask(c, text);
      assert.equal(await ns("REGISTER henry-password"), "Account henry registered; you are now logged in.");
      c.send("WHOIS henry");
      assert.equal(await c.expect(/ 330 /), ":irc.test 330 henry henry henry :is logged in as");
      assert.equal(await ns("REGISTER again-password"), "You are already logged in as henry.");
      assert.match(await ns("INFO"), /^Account henry, registered \w{3}, \d\d \w{3} \d{4} [\d:]+ GMT\.$/);
      assert.equal(
        await c.expect(/NOTICE henry :Logged/),
        ":NickServ!NickServ@services. NOTICE henry :Logged in now: henry",
      );
      assert.equal(await ns("SET PASSWORD new-henry-password"), "Password changed.");
      assert.equal(await ns("SET EMAIL x"), "Syntax: SET PASSWORD <new password>");
      assert.equal(await ns("LOGOUT"), "You are now logged out.");
      assert.match(await c.expect(/NickServ/), /:This nickname is registered\. Please identify/);
      assert.match(await ns("IDENTIFY henry-password"), /^Invalid password for henry\.$/);
      assert.equal(await ns("IDENTIFY henry new-henry-password"), "You are now identified as henry.");
      assert.equal(await ns("FROBNICATE"), "Unknown command FROBNICATE. Type /msg NickServ HELP for help.");
      assert.equal(
        await ns("HELP IDENTIFY"),
        "IDENTIFY [account] <password>: log in to an account (your current nick's unless named).",
      );
      assert.equal(await ns("DROP wrong-password"), "Invalid password for henry.");
      assert.equal(await ns("DROP new-henry-password"), "Account henry dropped.");
      assert.equal(await ns("INFO henry"), "henry is not a registered account.");
      c.send("WHOIS NickServ");
      const whois = (await c.raw.until(/ 318 /)).map(withoutCr);
      assert.ok(
        whois.includes(":irc.test 311 henry NickServ NickServ services. * :NickServ service"),
        whois.join("\n"),
      );
      assert.ok(whois.includes(":irc.test 313 henry NickServ :is a network service"));
    });

    it("answers commands without their arguments, or with too many, by their syntax; others carry on", async () => {
      const c = await registered(suite, "jack", "multi-prefix");
      const peer = await registered(suite, "jill", "multi-prefix");
      await c.join("#syntax");
      await peer.join("#syntax");
      const ns = (text: string) => ask(c, text);
      assert.equal(await ns("REGISTER"), "Syntax: REGISTER <password> [email]");
      assert.equal(await ns("REGISTER a b c"), "Syntax: REGISTER <password> [email]");
      assert.equal(await ns("IDENTIFY"), "Syntax: IDENTIFY [account] <password>");
      assert.equal(await ns("IDENTIFY a b c"), "Syntax: IDENTIFY [account] <password>");
      assert.equal(await ns("SET"), "Syntax: SET PASSWORD <new password>");
      assert.equal(await ns("SET PASSWORD"), "Syntax: SET PASSWORD <new password>");
      assert.equal(await ns("DROP"), "Syntax: DROP <password>");
      assert.equal(await ns("SET PASSWORD new-jack-password"), "You are not logged in.");
      assert.equal(await ns("DROP jack-password"), "You are not logged in.");
      // A name every object has is no command.
      assert.equal(await ns("constructor"), "Unknown command CONSTRUCTOR. Type /msg NickServ HELP for help.");
      // Neither the asker nor anyone else is disturbed: both still talk in the room.
      c.send("PRIVMSG #syntax :still here");
      assert.equal(await peer.expect(/PRIVMSG #syntax/), ":jack!jack@127.0.0.1 PRIVMSG #syntax :still here");
      assert.equal(await ns("REGISTER jack-password"), "Account jack registered; you are now logged in.");
    });

    it("tells channel peers with account-notify, tags messages with account-tag, extends JOIN", async () => {
      await account(suite, "ivy", "ivy-password");
      const watcher = await registered(suite, "watcher", "account-notify account-tag extended-join");
      await watcher.join("#acc");
      const plainPeer = await registered(suite, "plainpeer", "multi-prefix");
      await plainPeer.join("#acc");
      const c = await registered(suite, "ivy", "multi-prefix");
      assert.match(
        await c.expect(/NickServ/),
        /This nickname is registered\. Please identify via \/msg NickServ IDENTIFY/,
      );
      await c.join("#acc");
      assert.equal(await watcher.expect(/^:ivy!.* JOIN /), ":ivy!ivy@127.0.0.1 JOIN #acc * :ivy real");
      assert.equal(await plainPeer.expect(/ JOIN /), ":ivy!ivy@127.0.0.1 JOIN #acc");
      c.send("PRIVMSG NickServ :IDENTIFY ivy-password");
      assert.equal(
        await c.expect(/ 900 /),
        ":irc.test 900 ivy ivy!ivy@127.0.0.1 ivy :You are now logged in as ivy",
      );
      assert.equal(await watcher.expect(/ ACCOUNT /), ":ivy!ivy@127.0.0.1 ACCOUNT ivy");
      c.send("PRIVMSG #acc :tagged");
      assert.equal(
        await watcher.expect(/PRIVMSG #acc/),
        "@account=ivy :ivy!ivy@127.0.0.1 PRIVMSG #acc :tagged",
      );
      assert.equal(await plainPeer.expect(/PRIVMSG #acc/), ":ivy!ivy@127.0.0.1 PRIVMSG #acc :tagged");
      c.send("PART #acc");
      await watcher.expect(/ PART /);
      c.send("JOIN #acc");
      assert.equal(await watcher.expect(/ JOIN /), "@account=ivy :ivy!ivy@127.0.0.1 JOIN #acc ivy :ivy real");
      c.send("PRIVMSG NickServ :LOGOUT");
      assert.equal(await c.expect(/ 901 /), ":irc.test 901 ivy ivy!ivy@127.0.0.1 :You are now logged out");
      assert.equal(await watcher.expect(/ ACCOUNT /), ":ivy!ivy@127.0.0.1 ACCOUNT *");
      // No ACCOUNT line for a client without account-notify.
      assert.deepEqual(
        (await plainPeer.drain()).filter((line) => / ACCOUNT /.test(line)),
        [],
      );
    });
  });
});
