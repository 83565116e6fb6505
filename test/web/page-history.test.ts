// The chat page in a real browser against `tcpchat serve` with a SQLite store: logging in to an account with
// a password (SASL PLAIN), and a room's history loaded as the reader scrolls up, every message once and in
// order, messages of one millisecond across the pages' boundaries included.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { History, type StoredMessage } from "../../src/store/history.js";
import { openStore } from "../../src/store/index.js";
import { CHROMIUM_MISSING, launchBrowser, openPage } from "../support/browser.js";
import { cliSuite } from "../support/cli.js";
import { Irc } from "../support/irc.js";
import { buildPage, log, logIn, members, shows, type } from "../support/page.js";
import { DEFAULT_WAIT_MS, SUITE_TIMEOUT_MS } from "../support/timing.js";

const TEST_TIMEOUT_MS = 6 * DEFAULT_WAIT_MS;
const STORED = 150;
const ROOM = "#history";
/** Three moments: the first 30 messages in one millisecond, the next 90 in the next, the last 30 after. */
const T0 = Date.now() - 60 * 60_000; // an hour ago: well within the history the server keeps
const timeOf = (i: number) => T0 + (i < 30 ? 0 : i < 120 ? 1 : 2);
const textOf = (i: number) => `stored ${String(i).padStart(3, "0")}`;

describe("the chat page over a stored history", { skip: CHROMIUM_MISSING, timeout: SUITE_TIMEOUT_MS }, () => {
  const cli = cliSuite();
  const dir = mkdtempSync(join(tmpdir(), "tcpchat-page-history-"));
  let browser: Browser;
  let url: string;
  let ircPort: number;
  const closers: Array<() => unknown> = [];
  const pageErrors: string[] = [];

  before(async () => {
    buildPage();
    // The room's past, as the server wrote it, in its SQLite file before the server starts.
    const store = await openStore({ store: "sqlite", dataDir: dir });
    const messages: StoredMessage[] = Array.from({ length: STORED }, (_, i) => ({
      msgid: `seed${i}`,
      target: ROOM,
      kind: "privmsg",
      time: timeOf(i),
      sender: "scribe!scribe@127.0.0.1",
      account: null,
      text: textOf(i),
      tags: null,
    }));
    await new History(store.db, store.sqlite).append(messages);
    await store.close();
    const run = cli.run([
      "serve",
      "--service",
      "rooms",
      "--server-name",
      "irc.test",
      "--port",
      "0",
      "--store",
      "sqlite",
      "--data-dir",
      dir,
    ]);
    const [, port, pageUrl] = await run.waitFor(
      /^listening on 127\.0\.0\.1:(\d+)\nweb listening on (http:\/\/127\.0\.0\.1:\d+\/)$/m,
    );
    ircPort = Number(port);
    url = pageUrl as string;
    browser = await launchBrowser(DEFAULT_WAIT_MS);
  });

  afterEach(() => assert.deepEqual(pageErrors.splice(0), []));

  after(async () => {
    for (const close of closers) await close();
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function page(width?: number, height?: number): Promise<Page> {
    const opened = await openPage(browser, width, height);
    closers.push(() => opened.context().close());
    opened.on("pageerror", (err) => pageErrors.push(String(err.stack ?? err)));
    opened.setDefaultTimeout(DEFAULT_WAIT_MS);
    return opened;
  }

  test("a password logs in to a registered account (SASL); a wrong one is said on the form", {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const owner = await Irc.register(ircPort, "zoe");
    owner.send("REGISTER * * :zoe-password");
    await owner.expect(/ REGISTER SUCCESS /);
    owner.send("QUIT");
    await owner.raw.linesUntilClose();

    const zoe = await page();
    await zoe.goto(url);
    const password = zoe.getByLabel(/^Password/);
    await password.waitFor(); // shown once the page knows the server takes SASL
    await zoe.getByLabel("Nickname", { exact: true }).fill("zoe");
    await password.fill("not-her-password");
    await zoe.getByLabel("Room").fill("#accounts");
    await zoe.getByRole("button", { name: "Chat" }).click();
    await zoe.getByRole("alert").getByText("Nickname or password not accepted.").waitFor();
    assert.equal(await zoe.getByRole("heading", { level: 1, name: "#accounts" }).count(), 0);

    await password.fill("zoe-password");
    await zoe.getByRole("button", { name: "Chat" }).click();
    await zoe.getByRole("heading", { level: 1, name: "#accounts" }).waitFor();
    await members(zoe).getByText("zoe", { exact: true }).waitFor();
    // The server has her logged in to the account: another user's WHOIS says so.
    const witness = await Irc.register(ircPort, "witness");
    closers.push(() => witness.raw.destroy());
    witness.send("WHOIS zoe");
    assert.match(await witness.expect(/ 330 witness zoe /), / 330 witness zoe zoe :/);
    await type(zoe, "logged in");
    await shows(zoe, "zoe", "logged in");
  });

  test("the latest messages on joining, earlier ones on scrolling up to the first: each once, in order", {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const reader = await page(1024, 600);
    await logIn(reader, url, "reader", ROOM);
    const rows = log(reader).locator("li.line.message");
    const texts = () => rows.locator(".text").allInnerTexts();
    // The latest page of history: the last stored message, and not the first.
    await shows(reader, "scribe", textOf(STORED - 1));
    assert.ok((await texts()).length < STORED);

    // Scroll to the top until the first message is there and nothing more is being loaded.
    const first = rows.filter({ hasText: textOf(0) });
    const loading = log(reader).getByText("Loading earlier messages…");
    for (let tries = 0; tries < 20 && (await first.count()) === 0; tries++) {
      const before = await rows.count();
      await log(reader).evaluate((el) => {
        el.scrollTop = 0;
      });
      // At the top the page asks for the page before: wait until it is shown.
      await rows.nth(before).waitFor();
      await loading.waitFor({ state: "detached" });
    }
    await first.waitFor();
    await loading.waitFor({ state: "detached" });
    const expected = Array.from({ length: STORED }, (_, i) => textOf(i));
    assert.deepEqual(await texts(), expected);
    // The page shows the server's times, to the millisecond: the same ones across the pages' boundaries.
    const times = await rows
      .locator("time")
      .evaluateAll((els) => els.map((el) => el.getAttribute("datetime")));
    assert.deepEqual(
      times,
      expected.map((_, i) => new Date(timeOf(i)).toISOString()),
    );

    // Live messages still go after the history.
    const scribe = await Irc.register(ircPort, "scribe");
    closers.push(() => scribe.raw.destroy());
    scribe.send(`JOIN ${ROOM}`);
    await scribe.numeric("366");
    scribe.send(`PRIVMSG ${ROOM} :live after the past`);
    await shows(reader, "scribe", "live after the past");
    assert.deepEqual(await texts(), [...expected, "live after the past"]);
  });
});
