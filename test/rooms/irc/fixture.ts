// The IRC suites' shared fixture: one evented rooms server per suite in one of three configurations, and
// the helpers several command groups use.
import assert from "node:assert/strict";
import { type Irc, ircSuiteServer } from "../../support/irc.js";
import { withoutCr } from "../../support/line-client.js";

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
  return { register, connect, registerWith: registrarWith(connect) };
}

/** Registration with capabilities: CAP LS 302, NICK, USER, CAP REQ of `caps` (ACKed whole), CAP END. */
export function registrarWith(connect: () => Promise<Irc>) {
  return async (nick: string, caps: string) => {
    const c = await connect();
    c.send("CAP LS 302");
    c.send(`NICK ${nick}`);
    c.send(`USER ${nick} 0 * :${nick}`);
    c.send(`CAP REQ :${caps}`);
    assert.match(await c.expect(/ CAP \S+ LS :/), / LS /);
    assert.equal(await c.expect(/ CAP /), `:irc.test CAP ${nick} ACK :${caps}`);
    c.send("CAP END");
    await c.expect(/ (376|422) /);
    return c;
  };
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
    [/:Invalid (limit|key)/, "696"],
  ];
  return codes.find(([pattern]) => pattern.test(reply))?.[1] ?? "???";
}

/**
 * The lines of the labeled response to what was just sent: one labeled line, or a labeled batch through
 * its end. Batch references are renamed `R1`, `R2`... in the order they appear, so lines compare exactly.
 */
export async function labeledResponse(client: Irc, label: string): Promise<string[]> {
  const first = await client.expect(new RegExp(`^@label=${escapeRegExp(label)}[; ]`));
  const start = / BATCH \+(\S+) /.exec(first);
  const lines = [first];
  if (start) {
    const ref = start[1] as string;
    const rest = await client.raw.until(new RegExp(`^(@\\S+ )?:irc\\.test BATCH -${ref}\\r?$`));
    lines.push(...rest.map(withoutCr));
  }
  return renameRefs(lines);
}

/** Batch references renamed R1, R2... in order of appearance. */
export function renameRefs(lines: readonly string[]): string[] {
  const names = new Map<string, string>();
  const name = (ref: string) => {
    if (!names.has(ref)) names.set(ref, `R${names.size + 1}`);
    return names.get(ref) as string;
  };
  return lines.map((line) =>
    line
      .replace(/ BATCH ([+-])([A-Za-z0-9-]+)/, (_, sign: string, ref: string) => ` BATCH ${sign}${name(ref)}`)
      .replace(/(^@|;)batch=([A-Za-z0-9-]+)/, (_, lead: string, ref: string) => `${lead}batch=${name(ref)}`),
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
