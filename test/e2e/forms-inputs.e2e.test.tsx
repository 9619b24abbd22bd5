// Inputs in Chromium: a value typed reaches its handler, a debounced value is
// never lost to a click, and focus and caret survive the morph of each answer.

import { describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import type { Page } from "playwright-core";
import { hyperstate } from "../../src/app";
import { events } from "../../src/events/refs";
import { Button } from "../../src/render/components";
import type { PageContext } from "../../src/render/context";
import { Input, Select } from "../../src/render/forms";
import { State } from "../../src/state/state";
import { useAppInBrowser, withContext } from "./browser";

const TIMEOUT = 40_000;

class Draft extends State {
  static on = events(this);
  text = "";
  saved = "";
  size = "s";
  echoes = 0;

  async setText(text: string) {
    this.text = text;
    this.echoes += 1;
  }

  async save() {
    this.saved = this.text;
  }

  async setSize(size: string) {
    this.size = size;
  }
}

const pageOf =
  (debounce: number) =>
  ({ use }: PageContext): JSX.Element => {
    const draft = use(Draft);
    return (
      <>
        <Input name="text" label="Draft" value={draft.text} onInput={Draft.on.setText} debounce={debounce} />
        <p id="echo" safe>
          {draft.text}
        </p>
        <p id="echoes">{draft.echoes}</p>
        <Button onClick={Draft.on.save()}>Save</Button>
        <p id="saved" safe>
          {draft.saved}
        </p>
        <Select name="size" label="Size" options={["s", "m", "l"]} value={draft.size} onChange={Draft.on.setSize} />
        <p id="size" safe>
          {draft.size}
        </p>
      </>
    );
  };

const suite = useAppInBrowser(() =>
  new Elysia()
    .use(hyperstate({ states: [Draft], pages: { "/live": pageOf(0), "/slow": pageOf(5000), "/quick": pageOf(150) } }))
    .listen({ port: 0, hostname: "127.0.0.1" }),
);

function open(path: string, run: (page: Page) => Promise<void>): Promise<void> {
  return withContext(suite.browser, {}, async (context) => {
    const page = await context.newPage();
    page.on("pageerror", (error) => console.error("page error:", error));
    await page.goto(`${suite.base}${path}`);
    await run(page);
  });
}

describe("an input's value", () => {
  test(
    "reaches its handler as the person types, and the caret and focus stay where they were through every morph",
    () =>
      open("/live", async (page) => {
        const input = page.getByLabel("Draft");
        await input.click();
        await input.pressSequentially("hello", { delay: 40 });
        await page.locator("#echo", { hasText: /^hello$/ }).waitFor({ timeout: 10_000 });
        await input.press("ArrowLeft");
        await input.press("ArrowLeft");
        await input.pressSequentially("XY", { delay: 40 });
        await page.locator("#echo", { hasText: /^helXYlo$/ }).waitFor({ timeout: 10_000 });
        const state = await page.evaluate(() => {
          const active = document.activeElement as HTMLInputElement;
          return { name: active.name, value: active.value, caret: active.selectionStart };
        });
        expect(state).toEqual({ name: "text", value: "helXYlo", caret: 5 });
      }),
    TIMEOUT,
  );

  test(
    "with a debounce, is sent once the person stops typing",
    () =>
      open("/quick", async (page) => {
        await page.getByLabel("Draft").pressSequentially("abcdef", { delay: 10 });
        await page.locator("#echo", { hasText: /^abcdef$/ }).waitFor({ timeout: 10_000 });
        expect(Number(await page.locator("#echoes").textContent())).toBeLessThan(3);
      }),
    TIMEOUT,
  );

  test(
    "with a long debounce, a click sends the pending value first, so the click's handler sees the last keystroke",
    () =>
      open("/slow", async (page) => {
        await page.getByLabel("Draft").pressSequentially("late words", { delay: 10 });
        await page.getByRole("button", { name: "Save" }).click();
        await page.locator("#saved", { hasText: /^late words$/ }).waitFor({ timeout: 4000 });
        expect(await page.locator("#echo").textContent()).toBe("late words");
      }),
    TIMEOUT,
  );

  test(
    "from a select reaches its handler on change",
    () =>
      open("/live", async (page) => {
        await page.getByLabel("Size").selectOption("l");
        await page.locator("#size", { hasText: /^l$/ }).waitFor({ timeout: 10_000 });
      }),
    TIMEOUT,
  );
});
