// <SelectedFiles> in Chromium: what a person picked, before it is uploaded.
// On /multiple picks add up, repeats are dropped, each file can be removed,
// images get a preview and Clear empties the list; on /video (maxFiles 1) a
// pick replaces the last.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { GIF_BYTES, openPage, pngBytes, startDemo, TIMEOUT, webmBytes, withContext, writeFixture, type Demo } from "./upload-demo";

let demo: Demo;
const fixtures: Record<string, string> = {};
const sizes: Record<string, number> = {};

beforeAll(async () => {
  demo = await startDemo();
  const files: Record<string, Uint8Array> = {
    "red.png": pngBytes(12, 8, [220, 38, 38]),
    "green.png": pngBytes(6, 6, [22, 163, 74]),
    "dot.gif": GIF_BYTES,
    "first.webm": webmBytes(1536),
    "second.webm": webmBytes(2560),
  };
  for (const [name, bytes] of Object.entries(files)) {
    fixtures[name] = writeFixture(demo, name, bytes);
    sizes[name] = bytes.length;
  }
}, TIMEOUT);

afterAll(async () => {
  await demo?.stop();
});

/** Picks files through the zone's file input, as the file chooser would. */
async function pick(page: Page, inputId: string, ...names: string[]): Promise<void> {
  await page.locator(`#${inputId}`).setInputFiles(names.map((name) => fixtures[name]!));
}

/** The selection as listed: "name size" per file. */
function listed(page: Page): Promise<string[]> {
  return page
    .locator(".hs-selected-file")
    .evaluateAll((items) =>
      items.map((item) => `${item.querySelector(".hs-selected-file-name")!.textContent} ${item.querySelector(".hs-selected-file-size")!.textContent}`),
    );
}

/** Waits until the list shows exactly `count` files. */
async function waitForCount(page: Page, count: number): Promise<void> {
  await page.waitForFunction((count) => document.querySelectorAll(".hs-selected-file").length === count, count);
}

/** "name size" as a person reads it: the images are under 1 KB, the videos 1.5 and 2.5 KB. */
const entry = (name: string) => {
  const size = sizes[name]!;
  return `${name} ${size < 1024 ? `${size} B` : `${size / 1024} KB`}`;
};

describe("selected files on /multiple", () => {
  test(
    "a pick lists each file's name and size",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/multiple");
        await pick(page, "upload1-input", "red.png", "dot.gif");
        await waitForCount(page, 2);
        expect(await listed(page)).toEqual([entry("red.png"), entry("dot.gif")]);
      }),
    TIMEOUT,
  );

  test(
    "a second pick adds to the selection rather than replacing it",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/multiple");
        await pick(page, "upload1-input", "red.png");
        await waitForCount(page, 1);
        await pick(page, "upload1-input", "green.png");
        await waitForCount(page, 2);
        expect(await listed(page)).toEqual([entry("red.png"), entry("green.png")]);
      }),
    TIMEOUT,
  );

  test(
    "picking the same file twice keeps it once",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/multiple");
        await pick(page, "upload1-input", "red.png");
        await waitForCount(page, 1);
        await pick(page, "upload1-input", "red.png", "green.png");
        await waitForCount(page, 2);
        expect(await listed(page)).toEqual([entry("red.png"), entry("green.png")]);
      }),
    TIMEOUT,
  );

  test(
    "each file's Remove button removes that file only",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/multiple");
        await pick(page, "upload1-input", "red.png", "green.png", "dot.gif");
        await waitForCount(page, 3);
        await page.getByRole("button", { name: "Remove green.png" }).click();
        await waitForCount(page, 2);
        expect(await listed(page)).toEqual([entry("red.png"), entry("dot.gif")]);
        await page.getByRole("button", { name: "Remove dot.gif" }).click();
        await waitForCount(page, 1);
        expect(await listed(page)).toEqual([entry("red.png")]);
      }),
    TIMEOUT,
  );

  test(
    "each image shows a thumbnail of itself",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/multiple");
        await pick(page, "upload1-input", "red.png", "dot.gif");
        await waitForCount(page, 2);
        await page.waitForFunction(() =>
          [...document.querySelectorAll<HTMLImageElement>(".hs-selected-file-thumbnail")].every((image) => image.complete),
        );
        const thumbnails = await page
          .locator(".hs-selected-file")
          .evaluateAll((items) => items.map((item) => item.querySelector<HTMLImageElement>("img")?.naturalWidth ?? 0));
        expect(thumbnails).toEqual([12, 1]);
      }),
    TIMEOUT,
  );

  test(
    "Clear empties the selection",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/multiple");
        await pick(page, "upload1-input", "red.png", "green.png");
        await waitForCount(page, 2);
        await page.getByRole("button", { name: "Clear", exact: true }).click();
        await waitForCount(page, 0);
        // Nothing left to upload either.
        await page.getByRole("button", { name: "Upload", exact: true }).click();
        await page.locator("[data-hs-upload-message=upload1]", { hasText: "No files selected" }).waitFor();
      }),
    TIMEOUT,
  );
});

describe("selected files on /video", () => {
  test(
    "a new pick replaces the file picked before",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/video");
        await pick(page, "upload1-input", "first.webm");
        await page.locator(".hs-selected-file-name", { hasText: "first.webm" }).waitFor();
        await pick(page, "upload1-input", "second.webm");
        await page.locator(".hs-selected-file-name", { hasText: "second.webm" }).waitFor();
        expect(await listed(page)).toEqual([entry("second.webm")]);
      }),
    TIMEOUT,
  );
});
