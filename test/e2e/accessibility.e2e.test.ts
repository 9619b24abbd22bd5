// axe-core (WCAG 2.1 A and AA rules) in Chromium on every demo page, and on
// the upload pages in the states a person brings them to: files picked,
// files refused, an upload running, an upload done.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { openPage, pngBytes, startDemo, throttleUploads, TIMEOUT, withContext, writeFixture, type Demo } from "./upload-demo";

const axeSource = await Bun.file(createRequire(import.meta.url).resolve("axe-core/axe.min.js")).text();
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

let demo: Demo;

beforeAll(async () => {
  demo = await startDemo();
}, TIMEOUT);

afterAll(async () => {
  await demo?.stop();
});

/** Each violation as "rule: the elements it found", so a failure says what to fix. */
async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
    // label-content-name-mismatch (WCAG 2.5.3) is marked experimental in axe: asked for by name.
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, rules: { "label-content-name-mismatch": { enabled: true } } });
    return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  }, WCAG_21_AA);
}

const PAGES = ["/", "/counter", "/todos", "/basic", "/multiple", "/video", "/customized", "/unstyled", "/progress", "/chunked"];

describe("no WCAG 2.1 A/AA violations", () => {
  for (const pathname of PAGES) {
    test(
      `on ${pathname} as it opens`,
      () =>
        withContext(demo, async (context) => {
          const page = await openPage(demo, context, pathname);
          expect(await violations(page)).toEqual([]);
        }),
      TIMEOUT,
    );
  }
});

describe("no WCAG 2.1 A/AA violations in the states a person reaches", () => {
  test(
    "/multiple with two images picked: the list, its previews and its remove buttons",
    () =>
      withContext(demo, async (context) => {
        const files = ["a.png", "b.png"].map((name) => writeFixture(demo, name, pngBytes(8, 8)));
        const page = await openPage(demo, context, "/multiple");
        await page.locator("#upload1-input").setInputFiles(files);
        await page.locator(".hs-selected-file-thumbnail").nth(1).waitFor();
        expect(await violations(page)).toEqual([]);
      }),
    TIMEOUT,
  );

  test(
    "/customized with a file refused: the message after the zone",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/customized");
        await page.locator("#upload2-input").setInputFiles(writeFixture(demo, "notes.txt", "text"));
        await page.locator("[data-hs-upload-message=upload2] p").waitFor();
        expect(await violations(page)).toEqual([]);
      }),
    TIMEOUT,
  );

  test(
    "/progress while an upload runs: the bar and Cancel",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/progress");
        await throttleUploads(context, page, 1024 * 1024);
        await page.locator("#upload3-input").setInputFiles(writeFixture(demo, "slow.bin", new Uint8Array(8 * 1024 * 1024)));
        await page.getByRole("button", { name: "Upload", exact: true }).click();
        await page.getByRole("button", { name: "Cancel", exact: true }).waitFor();
        expect(await violations(page)).toEqual([]);
        await page.getByRole("button", { name: "Cancel", exact: true }).click();
      }),
    TIMEOUT,
  );

  test(
    "/basic with an upload done: the image shown",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/basic");
        await page.locator("#upload-input").setInputFiles(writeFixture(demo, "done.png", pngBytes(8, 8)));
        await page.getByRole("button", { name: "Upload", exact: true }).click();
        await page.locator("img[alt='done.png']").waitFor();
        expect(await violations(page)).toEqual([]);
      }),
    TIMEOUT,
  );
});
