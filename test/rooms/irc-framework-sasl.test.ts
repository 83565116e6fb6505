// A real client library logging in with SASL: irc-framework with an account configured, PLAIN, against an
// account made over REGISTER; the wrong password fails as the library expects, and another irc-framework
// client sees the account on the logged-in user's messages (account-tag) and join (extended-join).
import assert from "node:assert/strict";
import { type EventEmitter, once } from "node:events";
import { after, before, describe, it } from "node:test";
import irc, { type Client, type ConnectOptions, type IrcEvent } from "irc-framework";
import type { RunningServer } from "../../src/models/index.js";
import { connectIrc, startRoomsServer } from "../support/rooms.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";
import { bounded, nextEvent } from "../support/wait.js";

const next = (client: Client, event: string, match?: (e: IrcEvent) => boolean) =>
  nextEvent<IrcEvent>(client as unknown as EventEmitter, event, match);

describe("irc-framework logging in with SASL", { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  const clients: Client[] = [];

  const client = (options: Partial<ConnectOptions>): Client => {
    const c = new irc.Client();
    clients.push(c);
    c.connect({ host: "127.0.0.1", port: server.port, auto_reconnect: false, ...options });
    return c;
  };

  before(async () => {
    server = await startRoomsServer("evented");
    const raw = await connectIrc(server.port, "sasluser");
    raw.send("REGISTER * * :the right password\r");
    await raw.until(/ REGISTER SUCCESS /);
    raw.send("QUIT\r");
    await raw.linesUntilClose();
  });
  after(async () => {
    for (const c of clients) c.connection.end();
    await server.shutdown();
  });

  it("logs in with PLAIN before registration, and others see its account", async () => {
    const watcher = client({ nick: "watcher" });
    await once(watcher, "registered");
    const joined = next(watcher, "join", (e) => e.nick === "watcher");
    watcher.join("#sasl");
    await joined;
    const c = client({ nick: "sasluser", account: { account: "sasluser", password: "the right password" } });
    const loggedIn = next(c, "loggedin");
    const registered = once(c, "registered");
    assert.equal((await loggedIn).account, "sasluser");
    await registered;
    assert.ok(c.network.cap.enabled.includes("sasl"));
    const seen = next(watcher, "join", (e) => e.nick === "sasluser");
    c.join("#sasl");
    assert.equal((await seen).account, "sasluser");
    const heard = next(watcher, "privmsg", (e) => e.nick === "sasluser");
    c.say("#sasl", "logged in");
    const message = await heard;
    assert.equal(message.message, "logged in");
    assert.equal(message.account, "sasluser");
  });

  it("reports a wrong password as a SASL failure and registers without an account", async () => {
    const c = client({ nick: "wrongpw", account: { account: "sasluser", password: "not it" } });
    const failed = next(c, "sasl failed");
    const registered = once(c, "registered");
    assert.equal((await failed).reason, "fail");
    await registered;
    const whois = new Promise<Record<string, unknown>>((resolve) =>
      (c as unknown as { whois(nick: string, cb: (e: Record<string, unknown>) => void): void }).whois(
        "wrongpw",
        resolve,
      ),
    );
    assert.equal((await bounded(whois, "WHOIS wrongpw")).account, undefined);
  });
});
