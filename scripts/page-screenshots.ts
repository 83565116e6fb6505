// Takes the chat page's screenshots for the README and docs/web-client.md: a rooms server in this process,
// a conversation between the page, an IRC client and a seed-protocol client, then the page at a desktop's
// and a phone's size, through the same browser set-up as the tests.
//
// Usage: node --import tsx scripts/page-screenshots.ts   (writes docs/web-client-desktop.png and -phone.png)
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { launchBrowser, openPage } from "../test/support/browser.js";
import { Irc } from "../test/support/irc.js";
import { buildPage, logIn, members, shows, type } from "../test/support/page.js";
import { SeedClient, startRoomsServer } from "../test/support/rooms.js";
import { webPort } from "../test/support/websocket.js";

const docs = (name: string) => fileURLToPath(new URL(`../docs/${name}`, import.meta.url));

buildPage();
const server = await startRoomsServer("evented", {}, { web: { port: 0, origins: null, tls: null } });
const url = `http://127.0.0.1:${webPort(server)}/`;
const browser = await launchBrowser(30_000);
try {
  const carol = await Irc.register(server.port, "carol");
  carol.send("JOIN #lobby");
  await carol.numeric("366");
  carol.send("TOPIC #lobby :Questions about the labs welcome · be kind");
  const sam = await SeedClient.connect(server.port);
  const joined = await sam.join("lobby", "sam");

  const desktop = await openPage(browser, 1100, 640);
  await logIn(desktop, url, "alice", "#lobby");
  carol.send("JOIN #dev");
  await carol.numeric("366");
  await type(desktop, "/join #dev");
  await type(desktop, "/join #lobby");
  carol.send("PRIVMSG #lobby :morning! did anyone get server4.py to handle Ctrl-C?");
  sam.chat(joined, "sam", "yes: it needs a signal handler that closes the listening socket");
  await shows(desktop, "sam", "yes: it needs a signal handler that closes the listening socket");
  await type(desktop, "/me reads the select() chapter again");
  await type(desktop, "thanks sam, that was it");
  carol.send("PRIVMSG #dev :the bench report is up, fan-out figures look good");
  carol.send("PRIVMSG #dev :alice, can you check the WebSocket numbers?");
  carol.send("PRIVMSG alice :lunch later?");
  await desktop.getByRole("navigation", { name: "Rooms" }).getByText("1 unread").waitFor();
  await members(desktop).getByText("sam", { exact: true }).waitFor();
  await shot(desktop, "web-client-desktop.png");

  const phone = await openPage(browser, 390, 844);
  await logIn(phone, url, "bob", "#lobby");
  await type(phone, "hello from my phone");
  await shows(phone, "bob", "hello from my phone");
  carol.send("PRIVMSG #lobby :hi bob!");
  await shows(phone, "carol", "hi bob!");
  await shot(phone, "web-client-phone.png");
  carol.raw.destroy();
  sam.close();
} finally {
  await browser.close();
  await server.shutdown();
}

async function shot(page: Page, name: string): Promise<void> {
  // No blinking caret in a picture.
  await page.getByLabel("Message", { exact: true }).blur();
  await page.screenshot({ path: docs(name) });
  console.log(`wrote docs/${name}`);
}
