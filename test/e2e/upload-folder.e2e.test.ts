// A folder on /folder in Chromium: picked through the zone's webkitdirectory
// input, or dropped (a real drop, through DevTools' drag events, so the page
// walks real directory entries), every file is listed with its path, checked
// against the zone's rules, and saved under that path: the tree comes back.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { filesIn, openPage, startDemo, TIMEOUT, withContext, type Demo } from "./upload-demo";

let demo: Demo;
let folder: string;

const TREE: Record<string, string> = {
  "album/cover.txt": "the cover",
  "album/2024/spring.txt": "spring",
  "album/2024/summer.txt": "summer",
  "album/2025/deep/notes.txt": "deep notes",
};

beforeAll(async () => {
  demo = await startDemo();
  for (const [relative, content] of Object.entries(TREE)) {
    const file = path.join(demo.fixtureDir, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  folder = path.join(demo.fixtureDir, "album");
}, TIMEOUT);

afterAll(async () => {
  await demo?.stop();
});

const listedNames = (page: Page) => page.locator(".hs-selected-file-name").allTextContents();

async function uploadAndCheckTree(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await page.waitForFunction((count) => document.querySelectorAll("#saved li").length === count, Object.keys(TREE).length);
  expect(filesIn(demo.uploadDir)).toEqual(Object.keys(TREE).sort());
  for (const [relative, content] of Object.entries(TREE)) {
    expect(await Bun.file(path.join(demo.uploadDir, relative)).text()).toBe(content);
  }
  // Served back from its key, as the page links it.
  const href = await page.locator("#saved a", { hasText: "album/2025/deep/notes.txt" }).getAttribute("href");
  expect(await (await fetch(demo.base + href)).text()).toBe("deep notes");
}

describe("a folder on /folder", () => {
  test(
    "picked through the zone's input, every file is listed and saved under its path in the folder",
    async () => {
      await withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/folder");
        expect(await page.locator("#folder-input").getAttribute("webkitdirectory")).not.toBeNull();
        await page.locator("#folder-input").setInputFiles(folder);
        await page.waitForFunction((count) => document.querySelectorAll(".hs-selected-file").length === count, Object.keys(TREE).length);
        expect((await listedNames(page)).sort()).toEqual(Object.keys(TREE).sort());
        await uploadAndCheckTree(page);
      });
    },
    TIMEOUT,
  );

  test(
    "dropped, the page walks its sub-folders and saves the same tree",
    async () => {
      rmSync(demo.uploadDir, { recursive: true, force: true });
      mkdirSync(demo.uploadDir);
      await withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/folder");
        const box = (await page.locator("#folder").boundingBox())!;
        const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
        const cdp = await context.newCDPSession(page);
        const data = { items: [], files: [folder], dragOperationsMask: 1 };
        for (const type of ["dragEnter", "dragOver", "drop"] as const) await cdp.send("Input.dispatchDragEvent", { type, ...at, data });
        await page.waitForFunction((count) => document.querySelectorAll(".hs-selected-file").length === count, Object.keys(TREE).length);
        expect((await listedNames(page)).sort()).toEqual(Object.keys(TREE).sort());
        await uploadAndCheckTree(page);
      });
    },
    TIMEOUT,
  );
});
