// The demo in a real Chromium: clicks morph the page instead of reloading
// it, background work and other tabs' clicks arrive over SSE, and a failing
// handler shows its banner.

import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { Elysia } from "elysia";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { demo } from "../../views/app";
import { hyperstate } from "../../src/app";
import { clearSelectedFiles, events } from "../../src/events/refs";
import { Button } from "../../src/render/components";
import type { PageContext } from "../../src/render/context";
import { State } from "../../src/state/state";
import { SelectedFiles, Upload } from "../../src/upload/zone/component";
import { launchBrowser } from "./browser";
import { runtimeOf } from "../../src/app";

const TIMEOUT = 40_000;

class Printer extends State {
  static on = events(this);
  jobs = 0;

  async print() {
    this.jobs += 1;
    throw new Error("the printer is on fire");
  }
}

function PrinterPage({ use }: PageContext): JSX.Element {
  return `<p id="jobs">${use(Printer).jobs}</p>${Button({ id: "print", onClick: Printer.on.print(), children: "Print" })}`;
}

/** A handler that answers with a client action, as Reflex's `return rx.clear_selected_files(...)`. */
class Tray extends State {
  static on = events(this);

  async empty() {
    return clearSelectedFiles("photos");
  }
}

function TrayPage(): JSX.Element {
  return [
    Upload({ id: "photos" }),
    SelectedFiles({ id: "photos" }),
    Button({ id: "empty", onClick: Tray.on.empty(), children: "Empty the tray" }),
  ].join("");
}

let demoPlugin: ReturnType<typeof demo>;
const newDemo = () => new Elysia().use((demoPlugin = demo())).listen({ port: 0, hostname: "127.0.0.1" });
const newPrinterApp = () =>
  new Elysia().use(hyperstate({ states: [Printer, Tray], pages: { "/printer": PrinterPage, "/tray": TrayPage } })).listen({ port: 0, hostname: "127.0.0.1" });

let app: ReturnType<typeof newDemo>;
let printerApp: ReturnType<typeof newPrinterApp>;
let browser: Browser;
let base: string;

beforeAll(async () => {
  app = newDemo();
  printerApp = newPrinterApp();
  base = `http://127.0.0.1:${app.server!.port}`;
  browser = await launchBrowser();
  // The client script is bundled on its first request: do it before the timed tests.
  expect((await fetch(`${base}/_hyperstate/hyperstate.js`)).status).toBe(200);
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await app?.stop(true);
  await printerApp?.stop(true);
});

const hub = () => runtimeOf(demoPlugin).hub;

/** Opens the counter and waits until the server has its stream. */
async function openCounter(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error));
  await page.goto(`${base}/counter`);
  const tabId = await page.locator("#hs-root").getAttribute("data-hs-tab");
  const session = (await context.cookies(base)).find((cookie) => cookie.name === "hs_session")?.value ?? "";
  await waitFor(() => hub().tabsOf(session).some((tab) => tab.tabId === tabId));
  return page;
}

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await Bun.sleep(20);
  }
}

async function withContext(run: (context: BrowserContext) => Promise<void>): Promise<void> {
  const context = await browser.newContext();
  try {
    await run(context);
  } finally {
    await context.close();
  }
}

describe("the counter demo", () => {
  test(
    "a click increments the count in place, keeping the page, its scroll and its focus",
    () =>
      withContext(async (context) => {
        const page = await openCounter(context);
        // A tall block above the root and a marker on window: a reload would lose both.
        const scrolled = await page.evaluate(() => {
          const spacer = document.createElement("div");
          spacer.id = "spacer";
          spacer.style.height = "3000px";
          document.body.prepend(spacer);
          (window as unknown as { marker: string }).marker = "still here";
          window.scrollTo(0, 3000);
          return window.scrollY;
        });
        expect(scrolled).toBeGreaterThan(1000);
        const plusOne = page.getByRole("button", { name: "+1" });
        await plusOne.focus();
        await plusOne.click();
        await page.locator("#count", { hasText: /^1$/ }).waitFor({ timeout: 10_000 });
        await plusOne.click();
        await page.locator("#count", { hasText: /^2$/ }).waitFor({ timeout: 10_000 });
        const after = await page.evaluate(() => ({
          marker: (window as unknown as { marker?: string }).marker,
          spacer: document.getElementById("spacer") !== null,
          scrollY: window.scrollY,
          focused: document.activeElement?.textContent,
        }));
        expect(after).toEqual({ marker: "still here", spacer: true, scrollY: scrolled, focused: "+1" });
      }),
    TIMEOUT,
  );

  test(
    "the background task's status goes from running to done without a reload",
    () =>
      withContext(async (context) => {
        const page = await openCounter(context);
        await page.evaluate(() => ((window as unknown as { marker: string }).marker = "still here"));
        const status = page.locator("#task-status");
        expect(await status.textContent()).toBe("Status: idle");
        await page.getByRole("button", { name: "Start task" }).click();
        await page.locator("#task-status", { hasText: "Status: running" }).waitFor({ timeout: 10_000 });
        expect(await page.getByRole("button", { name: "Start task" }).isDisabled()).toBe(true);
        await page.locator("#task-status", { hasText: "Status: done" }).waitFor({ timeout: 10_000 });
        expect(await page.locator("progress").getAttribute("value")).toBe("100");
        expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("still here");
      }),
    TIMEOUT,
  );

  test(
    "two tabs of one session show the same count after a click in one of them",
    () =>
      withContext(async (context) => {
        const first = await openCounter(context);
        const second = await openCounter(context);
        await first.getByRole("button", { name: "+1" }).click();
        await first.getByRole("button", { name: "+1" }).click();
        await first.locator("#count", { hasText: /^2$/ }).waitFor({ timeout: 10_000 });
        await second.locator("#count", { hasText: /^2$/ }).waitFor({ timeout: 10_000 });
        await second.getByRole("button", { name: "-1" }).click();
        await first.locator("#count", { hasText: /^1$/ }).waitFor({ timeout: 10_000 });
        expect(await second.locator("#count").textContent()).toBe("1");
      }),
    TIMEOUT,
  );

  test(
    "another browser's session keeps its own count",
    () =>
      withContext(async (mine) =>
        withContext(async (theirs) => {
          const myPage = await openCounter(mine);
          const theirPage = await openCounter(theirs);
          await myPage.getByRole("button", { name: "+1" }).click();
          await myPage.locator("#count", { hasText: /^1$/ }).waitFor({ timeout: 10_000 });
          await Bun.sleep(300);
          expect(await theirPage.locator("#count").textContent()).toBe("0");
        }),
      ),
    TIMEOUT,
  );
});

describe("a failing handler", () => {
  test(
    "shows a banner naming the handler and its message, and keeps the state",
    () =>
      withContext(async (context) => {
        const logged = spyOn(console, "error").mockImplementation(() => {});
        const page = await context.newPage();
        await page.goto(`http://127.0.0.1:${printerApp.server!.port}/printer`);
        await page.locator("#print").click();
        const banner = page.getByRole("alert");
        await banner.waitFor({ timeout: 10_000 });
        expect(await banner.textContent()).toBe("Printer.print failed: the printer is on fire");
        expect(await page.locator("#jobs").textContent()).toBe("0");
        logged.mockRestore();
      }),
    TIMEOUT,
  );
});

describe("client actions a handler returns", () => {
  test(
    "clearSelectedFiles returned by a handler empties the selection in the browser",
    () =>
      withContext(async (context) => {
        const page = await context.newPage();
        await page.goto(`http://127.0.0.1:${printerApp.server!.port}/tray`);
        await page.locator("#photos-input").setInputFiles({ name: "a.txt", mimeType: "text/plain", buffer: Buffer.from("a") });
        const names = page.locator(".hs-selected-file-name");
        await names.first().waitFor({ timeout: 10_000 });
        expect(await names.allTextContents()).toEqual(["a.txt"]);
        const answered = page.waitForResponse((response) => response.url().endsWith("/_event/Tray.empty"));
        await page.locator("#empty").click();
        expect((await answered).status()).toBe(200);
        await names.first().waitFor({ state: "detached", timeout: 5000 });
        expect(await names.count()).toBe(0);
      }),
    TIMEOUT,
  );
});
