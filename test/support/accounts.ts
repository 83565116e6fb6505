// Accounts from a client's side, over a raw IRC connection: NickServ's answers, SASL PLAIN and SCRAM-SHA-256
// exchanges, and a client that logs in with SASL while it registers.
import assert from "node:assert/strict";
import { Irc } from "./irc.js";
import { b64, plain, ScramClient, unb64 } from "./sasl.js";

/** A service's answer to one command (NickServ unless named): the text of its NOTICE to `c`. */
export async function ask(c: Irc, text: string, service = "NickServ"): Promise<string> {
  c.send(`PRIVMSG ${service} :${text}`);
  const notice = new RegExp(`^:${service}!${service}@services\\. NOTICE ${c.nick} :`);
  return (await c.expect(notice)).replace(notice, "");
}

/** The next NOTICE of `service` to `c`: its text. */
export async function nextNotice(c: Irc, service = "NickServ"): Promise<string> {
  const notice = new RegExp(`^:${service}!${service}@services\\. NOTICE ${c.nick} :`);
  return (await c.expect(notice)).replace(notice, "");
}

/** SCRAM-SHA-256 up to the client's final message (the server's answer is the caller's to read). */
export async function scramLogin(c: Irc, user: string, password: string): Promise<ScramClient> {
  const scram = new ScramClient(user, password);
  c.send("AUTHENTICATE SCRAM-SHA-256");
  assert.equal(await c.expect(/^AUTHENTICATE /), "AUTHENTICATE +");
  c.send(`AUTHENTICATE ${b64(scram.first)}`);
  const challenge = unb64((await c.expect(/^AUTHENTICATE /)).slice("AUTHENTICATE ".length));
  assert.match(
    challenge,
    new RegExp(`^r=${scram.nonce.replace(/[+/]/g, "\\$&")}[^,]+,s=[A-Za-z0-9+/=]+,i=4096$`),
  );
  c.send(`AUTHENTICATE ${b64(scram.final(challenge))}`);
  return scram;
}

export type SaslMechanism = "PLAIN" | "SCRAM-SHA-256" | "EXTERNAL";

/**
 * Connect as `nick` with `sasl` asked for and log in to `account` with `mechanism` before registering; the
 * client and the numeric that ended the exchange (`903` or the failure's).
 */
export async function saslConnect(
  port: number,
  nick: string,
  account: string,
  password: string,
  mechanism: SaslMechanism,
): Promise<{ c: Irc; outcome: string }> {
  const c = await Irc.open(port, nick);
  return { c, outcome: await saslRegister(c, account, password, mechanism) };
}

/**
 * On a connection of `c.nick`'s, nothing sent yet: register with `sasl` asked for, logging in to `account`
 * with `mechanism` first (EXTERNAL: the connection's certificate, `account` as the authzid, "" for none);
 * the numeric that ended the exchange (`903` or the failure's).
 */
export async function saslRegister(
  c: Irc,
  account: string,
  password: string,
  mechanism: SaslMechanism,
): Promise<string> {
  const nick = c.nick;
  c.send("CAP LS 302");
  c.send(`NICK ${nick}`);
  c.send(`USER ${nick} 0 * :${nick}`);
  c.send("CAP REQ :sasl");
  await c.expect(new RegExp(` CAP ${nick} ACK `));
  if (mechanism === "EXTERNAL") {
    c.send("AUTHENTICATE EXTERNAL");
    assert.equal(await c.expect(/^AUTHENTICATE /), "AUTHENTICATE +");
    c.send(`AUTHENTICATE ${account === "" ? "+" : b64(account)}`);
  } else if (mechanism === "PLAIN") {
    c.send("AUTHENTICATE PLAIN");
    assert.equal(await c.expect(/^AUTHENTICATE /), "AUTHENTICATE +");
    c.send(`AUTHENTICATE ${plain(account, password)}`);
  } else {
    const scram = await scramLogin(c, account, password);
    const answer = await c.expect(/^AUTHENTICATE |^:irc\.test 90[0-9] /);
    if (answer.startsWith("AUTHENTICATE ")) {
      assert.equal(unb64(answer.slice("AUTHENTICATE ".length)), scram.expectedFinal);
      c.send("AUTHENTICATE +");
    }
  }
  const outcome = (await c.expect(/^:irc\.test 90[2-7] /)).split(" ")[1] as string;
  c.send("CAP END");
  await c.expect(/ (376|422) /);
  return outcome;
}
