// The /todos demo in Chromium, by the accessible names tests outside this
// repository rely on ("New todo", "Add", a checkbox per item labelled with
// its text, "Remove <text>", "N left"): with JavaScript, without it, and in
// two tabs of one session. And /counter's "+1" without JavaScript.

import { describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import type { BrowserContext, Page } from "playwright-core";
import { demo } from "../../views/app";
import { useAppInBrowser, waitForTabStream, withContext as inContext } from "./browser";
import { runtimeOf } from "../../src/app";

const TIMEOUT = 40_000;

let demoPlugin: ReturnType<typeof demo>;
const suite = useAppInBrowser(() => new Elysia().use((demoPlugin = demo())).listen({ port: 0, hostname: "127.0.0.1" }));

const withContext = (options: { javaScriptEnabled: boolean }, run: (context: BrowserContext) => Promise<void>) => inContext(suite.browser, options, run);

/** Opens /todos; with JavaScript, waits until the server has the tab's stream. */
async function openTodos(context: BrowserContext, scripted = true): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error));
  await page.goto(`${suite.base}/todos`);
  if (scripted) await waitForTabStream(page, runtimeOf(demoPlugin).hub, suite.base);
  return page;
}

const left = (page: Page, count: number) => page.getByText(`${count} left`, { exact: true }).waitFor({ timeout: 10_000 });

describe("/todos with JavaScript", () => {
  test(
    "Enter in New todo adds an item without a reload, clears the box and keeps its focus",
    () =>
      withContext({ javaScriptEnabled: true }, async (context) => {
        const page = await openTodos(context);
        await page.evaluate(() => ((window as unknown as { marker: string }).marker = "still here"));
        const input = page.getByLabel("New todo");
        await input.fill("milk");
        await input.press("Enter");
        await page.getByRole("checkbox", { name: "milk" }).waitFor({ timeout: 10_000 });
        await left(page, 1);
        expect(await input.inputValue()).toBe("");
        expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("text");
        await input.press("e");
        await input.press("Enter");
        await page.getByRole("checkbox", { name: "e", exact: true }).waitFor({ timeout: 10_000 });
        expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("still here");
      }),
    TIMEOUT,
  );

  test(
    "Add, a checkbox and Remove change the list and the live count",
    () =>
      withContext({ javaScriptEnabled: true }, async (context) => {
        const page = await openTodos(context);
        for (const text of ["bread", "tea"]) {
          await page.getByLabel("New todo").fill(text);
          await page.getByRole("button", { name: "Add", exact: true }).click();
          await page.getByRole("checkbox", { name: text }).waitFor({ timeout: 10_000 });
        }
        await left(page, 2);
        await page.getByRole("checkbox", { name: "bread" }).check();
        await left(page, 1);
        await page.getByRole("checkbox", { name: "bread" }).uncheck();
        await left(page, 2);
        await page.getByRole("button", { name: "Remove tea" }).click();
        await page.getByRole("checkbox", { name: "tea" }).waitFor({ state: "detached", timeout: 10_000 });
        await left(page, 1);
        // The boxes without JavaScript's save buttons stay hidden.
        expect(await page.getByRole("button", { name: "Save bread" }).isVisible()).toBe(false);
      }),
    TIMEOUT,
  );

  test(
    "Add with an empty box shows the message next to the field and adds nothing",
    () =>
      withContext({ javaScriptEnabled: true }, async (context) => {
        const page = await openTodos(context);
        await page.getByRole("button", { name: "Add", exact: true }).click();
        await page.getByText("Write something to add").waitFor({ timeout: 10_000 });
        expect(await page.getByLabel("New todo").getAttribute("aria-invalid")).toBe("true");
        expect(await page.getByRole("checkbox").count()).toBe(0);
        await page.getByLabel("New todo").fill("soap");
        await page.getByLabel("New todo").press("Enter");
        await page.getByRole("checkbox", { name: "soap" }).waitFor({ timeout: 10_000 });
        expect(await page.getByText("Write something to add").count()).toBe(0);
      }),
    TIMEOUT,
  );
});

describe("/todos without JavaScript", () => {
  test(
    "Add, saving a checkbox and Remove work by native form posts",
    () =>
      withContext({ javaScriptEnabled: false }, async (context) => {
        const page = await openTodos(context, false);
        await page.getByLabel("New todo").fill("milk");
        await page.getByLabel("New todo").press("Enter");
        await page.getByRole("checkbox", { name: "milk" }).waitFor({ timeout: 10_000 });
        await page.getByLabel("New todo").fill("eggs");
        await page.getByRole("button", { name: "Add", exact: true }).click();
        await page.getByRole("checkbox", { name: "eggs" }).waitFor({ timeout: 10_000 });
        await left(page, 2);
        expect(new URL(page.url()).pathname).toBe("/todos");
        await page.getByRole("checkbox", { name: "milk" }).check();
        await page.getByRole("button", { name: "Save milk" }).click();
        await left(page, 1);
        expect(await page.getByRole("checkbox", { name: "milk" }).isChecked()).toBe(true);
        await page.getByRole("button", { name: "Remove eggs" }).click();
        await page.getByRole("checkbox", { name: "eggs" }).waitFor({ state: "detached", timeout: 10_000 });
        await left(page, 0);
      }),
    TIMEOUT,
  );

  test(
    "an empty Add answers with the page, the message next to the field",
    () =>
      withContext({ javaScriptEnabled: false }, async (context) => {
        const page = await openTodos(context, false);
        await page.getByRole("button", { name: "Add", exact: true }).click();
        await page.getByText("Write something to add").waitFor({ timeout: 10_000 });
        expect(await page.getByLabel("New todo").getAttribute("aria-invalid")).toBe("true");
        await page.getByLabel("New todo").fill("rice");
        await page.getByRole("button", { name: "Add", exact: true }).click();
        await page.getByRole("checkbox", { name: "rice" }).waitFor({ timeout: 10_000 });
        expect(new URL(page.url()).pathname).toBe("/todos");
      }),
    TIMEOUT,
  );

  test(
    "/counter's +1 and Reset change the count",
    () =>
      withContext({ javaScriptEnabled: false }, async (context) => {
        const page = await context.newPage();
        await page.goto(`${suite.base}/counter`);
        await page.getByRole("button", { name: "+1" }).click();
        await page.locator("#count", { hasText: /^1$/ }).waitFor({ timeout: 10_000 });
        await page.getByRole("button", { name: "+1" }).click();
        await page.locator("#count", { hasText: /^2$/ }).waitFor({ timeout: 10_000 });
        await page.getByRole("button", { name: "Reset" }).click();
        await page.locator("#count", { hasText: /^0$/ }).waitFor({ timeout: 10_000 });
        expect(new URL(page.url()).pathname).toBe("/counter");
      }),
    TIMEOUT,
  );
});

describe("/todos in two tabs of one session", () => {
  test(
    "an item added, checked or removed in one tab shows in the other",
    () =>
      withContext({ javaScriptEnabled: true }, async (context) => {
        const first = await openTodos(context);
        const second = await openTodos(context);
        await first.getByLabel("New todo").fill("milk");
        await first.getByLabel("New todo").press("Enter");
        await second.getByRole("checkbox", { name: "milk" }).waitFor({ timeout: 10_000 });
        await left(second, 1);
        await second.getByRole("checkbox", { name: "milk" }).check();
        await left(first, 0);
        expect(await first.getByRole("checkbox", { name: "milk" }).isChecked()).toBe(true);
        // A box this tab has clicked still follows the other tab's change.
        await first.getByRole("checkbox", { name: "milk" }).uncheck();
        await left(second, 1);
        expect(await second.getByRole("checkbox", { name: "milk" }).isChecked()).toBe(false);
        await second.getByRole("button", { name: "Remove milk" }).click();
        await first.getByRole("checkbox", { name: "milk" }).waitFor({ state: "detached", timeout: 10_000 });
        await left(first, 0);
      }),
    TIMEOUT,
  );
});
