// The one way e2e tests start Chromium: the machine's Debian build, headless,
// with nothing that reaches the network on its own.

import { afterAll, beforeAll } from "bun:test";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import type { StreamHub } from "../../src/stream/hub";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Runs `run` in a fresh browser context (its own cookies), closed afterwards. */
export async function withContext(browser: Browser, options: BrowserContextOptions, run: (context: BrowserContext) => Promise<void>): Promise<void> {
  const context = await browser.newContext(options);
  try {
    await run(context);
  } finally {
    await context.close();
  }
}

/** Waits until the server holds the stream of `page`'s tab, so pushes to it are not missed. */
export async function waitForTabStream(page: Page, hub: StreamHub, base: string, timeoutMs = 15_000): Promise<void> {
  const tabId = await page.locator("#hs-root").getAttribute("data-hs-tab");
  const session = (await page.context().cookies(base)).find((cookie) => cookie.name === "hs_session")?.value ?? "";
  const deadline = Date.now() + timeoutMs;
  while (!hub.tabsOf(session).some((tab) => tab.tabId === tabId)) {
    if (Date.now() > deadline) throw new Error(`The tab's stream did not open within ${timeoutMs} ms`);
    await Bun.sleep(20);
  }
}

interface ListeningApp {
  server: { port?: number } | null;
  stop(closeActiveConnections?: boolean): Promise<unknown>;
}

/**
 * Starts the app and Chromium before a file's tests and stops both after.
 * The client script is bundled on its first request: that happens here,
 * before the timed tests.
 */
export function useAppInBrowser<A extends ListeningApp>(start: () => A): { app: A; browser: Browser; base: string } {
  const suite = {} as { app: A; browser: Browser; base: string };
  beforeAll(async () => {
    suite.app = start();
    suite.base = `http://127.0.0.1:${suite.app.server!.port}`;
    suite.browser = await launchBrowser();
    const script = await fetch(`${suite.base}/_hyperstate/hyperstate.js`);
    if (script.status !== 200) throw new Error(`The client script answered ${script.status}`);
  }, 40_000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.app?.stop(true);
  });
  return suite;
}
