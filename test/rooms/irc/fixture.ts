// The IRC suites' shared fixture: one evented rooms server per suite in one of three configurations, and
// the helpers several command groups use.
import assert from "node:assert/strict";
import { ircSuiteServer } from "../../support/irc.js";

/** Operators and a MOTD: the plain commands and numerics. */
export function basicServer() {
  return ircSuiteServer({
    opers: [{ name: "admin", password: "s3cret" }],
    motd: ["Welcome to the test server", "Be nice"],
  });
}

/** Tight limits, to hold the server to them; `registerWith` negotiates capabilities first. */
export function detailServer() {
  const { register, connect } = ircSuiteServer({
    opers: [{ name: "boss", password: "hunter2" }],
    limits: {
      maxRoomsPerUser: 3,
      maxMembersPerRoom: 100,
      nickLength: 12,
      roomNameLength: 20,
      topicLength: 40,
      whowasEntries: 100,
    },
  });
  /** Registered with these capabilities. */
  const registerWith = async (nick: string, caps: string) => {
    const c = await connect();
    c.send("CAP LS 302");
    c.send(`NICK ${nick}`);
    c.send(`USER ${nick} 0 * :${nick}`);
    c.send(`CAP REQ :${caps}`);
    assert.match(await c.expect(/ CAP /), / LS /);
    assert.equal(await c.expect(/ CAP /), `:irc.test CAP ${nick} ACK :${caps}`);
    c.send("CAP END");
    await c.expect(/ (376|422) /);
    return c;
  };
  return { register, connect, registerWith };
}

/** For LUSERS counts: one operator. */
export function lusersServer() {
  return ircSuiteServer({ opers: [{ name: "root", password: "pw" }] });
}

/** The numeric each error reply text stands for. */
export function replyCode(reply: string): string {
  const codes: Array<[RegExp, string]> = [
    [/:No such channel$/, "403"],
    [/:You're not on that channel$/, "442"],
    [/:You're not channel operator$/, "482"],
    [/:They aren't on that channel$/, "441"],
    [/:No such nick\/channel$/, "401"],
    [/:is already on channel$/, "443"],
    [/:Not enough parameters$/, "461"],
    [/:Can't change mode for other users$/, "502"],
    [/:Unknown MODE flag$/, "501"],
  ];
  return codes.find(([pattern]) => pattern.test(reply))?.[1] ?? "???";
}
