// The chat page in a real browser (Debian's chromium through playwright-core) against a real rooms server:
// pages, an IRC client and a seed-protocol client in one room; slash commands; bad input; the keyboard; a
// phone's screen; the page's size.
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, afterEach, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { RunningServer } from "../../src/models/index.js";
import { CHROMIUM_MISSING, launchBrowser, openPage } from "../support/browser.js";
import { cliSuite } from "../support/cli.js";
import { Irc } from "../support/irc.js";
import { withoutCr } from "../support/line-client.js";
import { buildPage, log, logIn, members, noted, rooms, shows, type } from "../support/page.js";
import { SeedClient, startRoomsServer } from "../support/rooms.js";
import { CHILD_START_MS, DEFAULT_WAIT_MS, SUITE_TIMEOUT_MS } from "../support/timing.js";
import { webPort } from "../support/websocket.js";

const TEST_TIMEOUT_MS = 6 * DEFAULT_WAIT_MS;

describe("the chat page in a browser", { skip: CHROMIUM_MISSING, timeout: SUITE_TIMEOUT_MS }, () => {
  const cli = cliSuite();
  let browser: Browser;
  let server: RunningServer;
  let url: string;
  const closers: Array<() => unknown> = [];
  /** Uncaught errors in any page: a test passes only without them. */
  const pageErrors: string[] = [];

  before(async () => {
    buildPage();
    browser = await launchBrowser(DEFAULT_WAIT_MS);
    server = await startRoomsServer("evented", {}, { web: { port: 0, origins: null, tls: null } });
    url = `http://127.0.0.1:${webPort(server)}/`;
  });

  afterEach(() => assert.deepEqual(pageErrors.splice(0), []));

  after(async () => {
    for (const close of closers) await close();
    await browser?.close();
    await server?.shutdown();
  });

  async function page(width?: number, height?: number): Promise<Page> {
    const opened = await openPage(browser, width, height);
    closers.push(() => opened.context().close());
    opened.on("pageerror", (err) => pageErrors.push(String(err.stack ?? err)));
    return opened;
  }

  async function irc(nick: string, channel: string): Promise<Irc> {
    const client = await Irc.register(server.port, nick);
    closers.push(() => client.raw.destroy());
    client.send(`JOIN ${channel}`);
    await client.numeric("366");
    return client;
  }

  test("two pages, an IRC client and a seed client talk in one room, every way", {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const alice = await page();
    const bob = await page();
    await logIn(alice, url, "alice", "#every");
    await logIn(bob, url, "bob", "#every");
    const carol = await irc("carol", "#every");
    const sam = await SeedClient.connect(server.port);
    closers.push(() => sam.close());
    const joined = await sam.join("every", "sam");

    // Everyone is in the member list, whatever they speak.
    for (const nick of ["alice", "bob", "carol", "sam"])
      await members(alice).getByText(nick, { exact: true }).waitFor();

    await type(alice, "hello from the page");
    await shows(bob, "alice", "hello from the page");
    await carol.expect(/^:alice!\S+ PRIVMSG #every :hello from the page\r?$/);
    await sam.raw.until(/^MESSAGE: hello from the page$/);

    carol.send("PRIVMSG #every :hello from IRC");
    await shows(alice, "carol", "hello from IRC");
    await shows(bob, "carol", "hello from IRC");

    sam.chat(joined, "sam", "hello from the seed protocol");
    await shows(alice, "sam", "hello from the seed protocol");
    await shows(bob, "sam", "hello from the seed protocol");
    await carol.expect(/^:sam!\S+ PRIVMSG #every :hello from the seed protocol\r?$/);

    await type(bob, "/me waves");
    await noted(alice, "* bob waves");
    const action = await carol.expect(/^:bob!\S+ PRIVMSG #every :/);
    assert.equal(action.slice(action.indexOf(" :") + 2), "\u0001ACTION waves\u0001");

    // A private message opens a conversation on the other side, counted unread until it is opened.
    carol.send("PRIVMSG alice :psst, alice");
    const fromCarol = rooms(alice).getByRole("button", { name: /^carol/ });
    await fromCarol.getByText("1 unread").waitFor();
    await fromCarol.click();
    await shows(alice, "carol", "psst, alice");
    assert.equal(await fromCarol.getByText("unread").count(), 0);
    await type(alice, "hi carol");
    await carol.expect(/^:alice!\S+ PRIVMSG carol :hi carol\r?$/);

    // Unread in a room the page is not looking at.
    carol.send("PRIVMSG #every :while you were away");
    await rooms(alice)
      .getByRole("button", { name: /^#every/ })
      .getByText("1 unread")
      .waitFor();

    // Joins and parts are folded quietly into one line.
    sam.leave(joined, "sam");
    await noted(bob, "sam left");
    await members(bob).getByText("sam", { exact: true }).waitFor({ state: "detached" });
  });

  test("slash commands: /join, /msg, /nick, /topic, /part", { timeout: TEST_TIMEOUT_MS }, async () => {
    const dora = await page();
    await logIn(dora, url, "dora", "#slash");
    const eve = await irc("eve", "#slash");

    await type(dora, "/join #second");
    await dora.getByRole("heading", { level: 1, name: "#second" }).waitFor();
    await rooms(dora)
      .getByRole("button", { name: /^#second/ })
      .waitFor();

    await type(dora, "/topic Second things first");
    await dora.locator("p.topic", { hasText: "Second things first" }).waitFor();

    await type(dora, "/msg eve a word in private");
    await eve.expect(/^:dora!\S+ PRIVMSG eve :a word in private\r?$/);
    await dora.getByRole("heading", { level: 1, name: "eve" }).waitFor();

    await type(dora, "/nick dorothy");
    await eve.expect(/^:dora!\S+ NICK :?dorothy\r?$/);
    await rooms(dora).getByText("dorothy").waitFor();

    await rooms(dora)
      .getByRole("button", { name: /^#second/ })
      .click();
    await type(dora, "/part");
    await rooms(dora)
      .getByRole("button", { name: /^#second/ })
      .waitFor({ state: "detached" });

    await type(dora, "/nonsense");
    await noted(dora, "Unknown command /nonsense");
  });

  test("bad input: an overlong message goes in pieces or not at all; a nickname the server refuses is shown", {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const fred = await page();
    await logIn(fred, url, "fred", "#bad");
    const gina = await irc("gina", "#bad");

    // Longer than one IRC line: sent as several messages, which together are what was typed.
    const long = Array.from({ length: 150 }, (_, i) => `word${i}`).join(" ");
    await type(fred, long);
    let received = "";
    while (received.length < long.length) {
      const line = withoutCr(await gina.expect(/^:fred!\S+ PRIVMSG #bad :/));
      received += (received === "" ? "" : " ") + line.slice(line.indexOf(" :") + 2);
    }
    assert.equal(received, long);

    // Far too long: refused on the page, nothing sent.
    await type(fred, "x".repeat(20_000));
    await noted(fred, /Message too long/);
    await type(fred, "after the long one");
    const next = await gina.expect(/^:fred!\S+ PRIVMSG #bad :/);
    assert.match(next, /:after the long one$/);

    // A nickname the server refuses, while chatting...
    await type(fred, "/nick 9lives");
    await noted(fred, /9lives: Erroneous nickname/i);
    // ...and at the login form.
    const other = await page();
    other.setDefaultTimeout(DEFAULT_WAIT_MS);
    await other.goto(url);
    await other.getByLabel("Nickname", { exact: true }).fill("bad nick!");
    await other.getByRole("button", { name: "Chat" }).click();
    await other
      .getByRole("alert")
      .getByText(/Erroneous nickname/i)
      .waitFor();
    // And a nickname in use.
    await other.getByLabel("Nickname", { exact: true }).fill("gina");
    await other.getByRole("button", { name: "Chat" }).click();
    await other
      .getByRole("alert")
      .getByText(/already in use/i)
      .waitFor();
  });

  test("keyboard: typing goes to the message box; Alt+↑ and Alt+↓ move between conversations", {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const kim = await page();
    await logIn(kim, url, "kim", "#keys-one");
    const lee = await irc("lee", "#keys-one");
    lee.send("JOIN #keys-two");
    await lee.numeric("366");
    await type(kim, "/join #keys-two");
    const heading = (name: string) => kim.getByRole("heading", { level: 1, name });
    await heading("#keys-two").waitFor();
    // No mouse from here on: keys only.
    await kim.keyboard.press("Alt+ArrowUp");
    await heading("#keys-one").waitFor();
    await kim.keyboard.type("said by keyboard");
    await kim.keyboard.press("Enter");
    await lee.expect(/^:kim!\S+ PRIVMSG #keys-one :said by keyboard\r?$/);
    await kim.keyboard.press("Alt+ArrowDown");
    await heading("#keys-two").waitFor();
    await kim.keyboard.type("and in the next room");
    await kim.keyboard.press("Enter");
    await lee.expect(/^:kim!\S+ PRIVMSG #keys-two :and in the next room\r?$/);
    // Past the last conversation, round to the first (the server's).
    await kim.keyboard.press("Alt+ArrowDown");
    await heading("#keys-two").waitFor({ state: "detached" });
    await kim.keyboard.press("Alt+ArrowUp");
    await heading("#keys-two").waitFor();
  });

  test("a phone-sized screen: the message box and the rooms are usable", {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const phone = await page(390, 844);
    await phone.goto(url);
    const nickField = phone.getByLabel("Nickname", { exact: true });
    await nickField.fill("hana");
    await phone.getByLabel("Room").fill("#phone");
    await phone.getByRole("button", { name: "Chat" }).click();
    await phone.getByRole("heading", { level: 1, name: "#phone" }).waitFor();

    // The rooms are a panel behind a button; the message box is on screen and takes text.
    const nav = rooms(phone);
    assert.equal(await nav.isVisible(), false);
    const box = phone.getByLabel("Message", { exact: true });
    const place = await box.boundingBox();
    assert.ok(
      place && place.y + place.height <= 844 && place.x >= 0 && place.x + place.width <= 390,
      JSON.stringify(place),
    );
    await type(phone, "/join #other");
    await phone.getByRole("heading", { level: 1, name: "#other" }).waitFor();

    await phone.getByRole("button", { name: "Rooms" }).click();
    await nav.waitFor({ state: "visible" });
    await nav.getByRole("button", { name: /^#phone/ }).click();
    await phone.getByRole("heading", { level: 1, name: "#phone" }).waitFor();
    await nav.waitFor({ state: "hidden" });
    await type(phone, "typed on a phone");
    await shows(phone, "hana", "typed on a phone");

    // Keyboard: Escape closes the panel.
    await phone.getByRole("button", { name: "Rooms" }).click();
    await nav.waitFor({ state: "visible" });
    await phone.keyboard.press("Escape");
    await nav.waitFor({ state: "hidden" });
  });

  test("the page's origin may open the WebSocket; the page is served with its types and caching", {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(response.headers.get("cache-control"), "no-cache");
    const html = await response.text();
    const script = /src="(\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    assert.ok(script, html);
    const js = await fetch(new URL(script, url));
    assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.match(js.headers.get("cache-control") ?? "", /immutable/);
    // Small, as docs/web-client.md says: what a browser downloads, gzipped as the server sends it, is far
    // under the 100 KB aimed at.
    const style = /href="(\/style-[A-Z0-9]+\.css)"/.exec(html)?.[1];
    assert.ok(style, html);
    const sizes = await Promise.all(["/", script, style].map((path) => gzippedSize(new URL(path, url))));
    const total = sizes.reduce((a, b) => a + b, 0);
    assert.ok(total > 1000 && total < 100 * 1024, `${total} bytes gzipped`);
    // A browser's page logs in: its Origin was the listener's own (the default allow-list).
    const ivy = await page();
    await logIn(ivy, url, "ivy", "#origin");
    assert.equal(await log(ivy).count(), 1);
  });

  test("the page reconnects after the server restarts, and says so", {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const serve = ["serve", "--service", "rooms", "--server-name", "irc.test", "--port", "0"];
    const first = cli.run([...serve, "--web-port", "0"]);
    const [, pageUrl, port] = await first.waitFor(/^web listening on (http:\/\/127\.0\.0\.1:(\d+)\/)$/m);
    const jack = await page();
    await logIn(jack, pageUrl as string, "jack", "#restart");

    first.kill("SIGTERM");
    await first.exited;
    await jack
      .getByRole("status")
      .getByText(/Connection lost/)
      .waitFor();
    await noted(jack, "Connection lost.");

    // The same web port, as a restarted server has; the page tries again with backoff until it answers.
    const second = cli.run([...serve, "--web-port", port as string]);
    const [, ircPort] = await second.waitFor(/^listening on 127\.0\.0\.1:(\d+)$/m);
    // Bound: the backoff's waits while the server starts, plus its start.
    const back = { timeout: 2 * DEFAULT_WAIT_MS + CHILD_START_MS };
    await noted(jack, "Reconnected.").catch(async () => {
      await log(jack).locator("li.line", { hasText: "Reconnected." }).first().waitFor(back);
    });
    await members(jack).getByText("jack", { exact: true }).waitFor();
    assert.equal(await jack.getByRole("status").count(), 0);

    const kate = await Irc.register(Number(ircPort), "kate");
    closers.push(() => kate.raw.destroy());
    kate.send("JOIN #restart");
    await kate.numeric("366");
    await type(jack, "back again");
    await kate.expect(/^:jack!\S+ PRIVMSG #restart :back again\r?$/);
  });
});

/** The bytes of a file as the server sends it to a browser that takes gzip. */
function gzippedSize(url: URL): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { "Accept-Encoding": "gzip" }, agent: false }, (res) => {
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
      });
      res.on("end", () => resolve(size));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
