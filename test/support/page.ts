// The chat page as a test's user sees it: build it, log in, type, and wait for what the page shows.
import { spawnSync } from "node:child_process";
import type { Locator, Page } from "playwright-core";
import { ROOT } from "./cli.js";
import { DEFAULT_WAIT_MS } from "./timing.js";

/** Builds the page from web/ into dist/page/, where every server started afterwards serves it from. */
export function buildPage(): void {
  const result = spawnSync(process.execPath, ["scripts/build-page.mjs"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: DEFAULT_WAIT_MS,
  });
  if (result.status !== 0) throw new Error(`page build failed: ${result.stderr}${result.stdout}`);
}

/** Opens the page at `url` and logs in as `nick`, into `room`; waits for the room to be shown. */
export async function logIn(page: Page, url: string, nick: string, room = "#lobby"): Promise<void> {
  page.setDefaultTimeout(DEFAULT_WAIT_MS);
  await page.goto(url);
  await page.getByLabel("Nickname", { exact: true }).fill(nick);
  await page.getByLabel("Room").fill(room);
  await page.getByRole("button", { name: "Chat" }).click();
  await page.getByRole("heading", { level: 1, name: room }).waitFor();
  await noted(page, `${nick} joined`);
}

/** Types a line into the message box and sends it with Enter. */
export async function type(page: Page, text: string): Promise<void> {
  const box = page.getByLabel("Message", { exact: true });
  await box.fill(text);
  await box.press("Enter");
}

export function log(page: Page): Locator {
  return page.getByRole("log");
}

export function rooms(page: Page): Locator {
  return page.getByRole("navigation", { name: "Rooms" });
}

export function members(page: Page): Locator {
  return page.getByRole("complementary", { name: "Members" });
}

/** Waits for a line in the log: `from` and the text, as one row of the page. */
export async function shows(page: Page, from: string, text: string): Promise<void> {
  await log(page)
    .locator("li.line")
    .filter({ has: page.locator(".from", { hasText: new RegExp(`^${escapeRegExp(from)}$`) }) })
    .filter({ has: page.locator(".text", { hasText: new RegExp(`^${escapeRegExp(text)}$`) }) })
    .first()
    .waitFor();
}

/** Waits for any line of the log whose text contains `text`. */
export async function noted(page: Page, text: string | RegExp): Promise<void> {
  await log(page).locator("li.line", { hasText: text }).first().waitFor();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
