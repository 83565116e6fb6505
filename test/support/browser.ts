// A real browser for the chat page's tests: Debian's chromium, driven by playwright-core (which downloads
// nothing). Tests skip with this reason when the machine has no chromium; CI installs it (.ci/run).
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export const CHROMIUM_MISSING: string | false = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) to run the browser tests`;

export const BROWSER_ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-dev-shm-usage",
  "--headless",
];

export function launchBrowser(timeoutMs: number): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: BROWSER_ARGS,
    headless: true,
    timeout: timeoutMs,
  });
}

/** A page of a fresh context (its own storage), `width`×`height` CSS pixels. */
export async function openPage(browser: Browser, width = 1280, height = 800): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  return context.newPage();
}
