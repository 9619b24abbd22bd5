// /progress in Chromium: the bar is fed by the server's byte count and moves
// through values between 0 and 100; Cancel stops a slow upload on both sides
// and leaves no bytes behind.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { filesIn, openStreamingPage, randomBytes, startDemo, throttleUploads, TIMEOUT, withContext, writeFixture, type Demo } from "./upload-demo";

const LARGE_SIZE = 60 * 1024 * 1024;
/** At the demo's resumableAbove (64 MiB) and over: sent over tus. */
const RESUMABLE_SIZE = 70 * 1024 * 1024;

let demo: Demo;
let large: string;
let resumable: string;

beforeAll(async () => {
  demo = await startDemo();
  large = writeFixture(demo, "large.bin", randomBytes(LARGE_SIZE));
  resumable = writeFixture(demo, "resumable.bin", randomBytes(RESUMABLE_SIZE));
}, TIMEOUT);

afterAll(async () => {
  await demo?.stop();
});

/** Records every value the progress bar takes from now on, morphs included. */
async function recordProgressValues(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { progressValues: string[] }).progressValues = seen;
    const read = () => {
      const value = document.querySelector("progress")?.getAttribute("value");
      if (value != null && seen.at(-1) !== value) seen.push(value);
    };
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
}

const progressValues = (page: Page) =>
  page.evaluate(() => (window as unknown as { progressValues: string[] }).progressValues.map(Number));

describe("the progress page", () => {
  test(
    "the bar passes through a value between 0 and 100 and the total is the file's exact size",
    () =>
      withContext(demo, async (context) => {
        const page = await openStreamingPage(demo, context, "/progress");
        // Loopback is too fast for a 100 ms progress interval to land mid-way: about 2 s at 30 MB/s.
        await throttleUploads(context, page, 30 * 1024 * 1024);
        await page.locator("#upload3-input").setInputFiles(large);
        await page.locator(".hs-selected-file-name", { hasText: "large.bin" }).waitFor();
        await recordProgressValues(page);
        await page.getByRole("button", { name: "Upload", exact: true }).click();
        await page.locator("#total-bytes", { hasText: `Total bytes uploaded: ${LARGE_SIZE}` }).waitFor({ timeout: 15_000 });
        const values = await progressValues(page);
        const full = values.indexOf(100);
        expect(full).toBeGreaterThan(0);
        expect(values.slice(0, full).some((value) => value > 0 && value < 100)).toBe(true);
        expect(values.at(-1)).toBe(100);
        expect(await page.locator("progress").getAttribute("value")).toBe("100");
      }),
    TIMEOUT,
  );

  test(
    "Cancel stops a slow upload: no temp file, no saved file, nothing counted",
    () =>
      withContext(demo, async (context) => {
        const uploadsBefore = filesIn(demo.uploadDir);
        const page = await openStreamingPage(demo, context, "/progress");
        // About 30 s for the whole file: the test cancels long before the end.
        await throttleUploads(context, page, 2 * 1024 * 1024);
        await page.locator("#upload3-input").setInputFiles(large);
        await page.getByRole("button", { name: "Upload", exact: true }).click();
        const cancel = page.getByRole("button", { name: "Cancel", exact: true });
        await cancel.waitFor({ timeout: 10_000 });
        // The server is spooling by now: the Cancel button shows only once progress arrived.
        expect(filesIn(demo.tempDir).length).toBeGreaterThan(0);
        const uploadStopped = page.waitForEvent("requestfailed", {
          predicate: (request) => request.url().includes("/_upload?id=upload3"),
          timeout: 3000,
        }).then(() => true, () => false);
        await cancel.click();
        await page.getByRole("button", { name: "Upload", exact: true }).waitFor({ timeout: 5000 });
        await page.waitForTimeout(1000);
        expect(filesIn(demo.tempDir)).toEqual([]);
        expect(filesIn(demo.uploadDir)).toEqual(uploadsBefore);
        expect(await page.locator("#total-bytes").textContent()).toBe("Total bytes uploaded: 0");
        // The browser stops sending too, rather than pushing the rest of the file at a closed upload.
        expect(await page.locator("[data-hs-upload-message=upload3]").textContent()).toBe("Upload cancelled");
        expect(await uploadStopped).toBe(true);
      }),
    TIMEOUT,
  );

  test(
    "a reload during a resumable upload offers Upload again, and picking the file again resumes from the server's offset",
    () =>
      withContext(demo, async (context) => {
        const page = await openStreamingPage(demo, context, "/progress");
        // About 7 s for the whole file: the reload comes long before the end.
        await throttleUploads(context, page, 10 * 1024 * 1024);
        await page.locator("#upload3-input").setInputFiles(resumable);
        await page.getByRole("button", { name: "Upload", exact: true }).click();
        await page.getByRole("button", { name: "Cancel", exact: true }).waitFor();
        await page.waitForFunction(() => Number(document.querySelector("progress")?.getAttribute("value")) >= 10);

        const connected = page.waitForResponse((response) => new URL(response.url()).pathname === "/_stream");
        await page.reload();
        await connected;
        await page.waitForFunction(() => document.documentElement.classList.contains("hs-js"));
        // Not a stuck Cancel: the page says what happened and offers the upload again.
        await page.getByRole("button", { name: "Upload", exact: true }).waitFor();
        expect(await page.getByRole("button", { name: "Cancel", exact: true }).count()).toBe(0);
        expect(await page.locator("[data-hs-upload-message=upload3]").textContent()).toBe(
          "resumable.bin: the upload stopped when the page was left. Pick it again to resume.",
        );

        const requests: { method: string; offset: number }[] = [];
        page.on("request", (request) => {
          if (request.url().includes("/_tus")) requests.push({ method: request.method(), offset: Number(request.headers()["upload-offset"] ?? NaN) });
        });
        // Picking the file is enough: the upload goes on by itself, to the same handler.
        await page.locator("#upload3-input").setInputFiles(resumable);
        await page.locator("#total-bytes", { hasText: `Total bytes uploaded: ${RESUMABLE_SIZE}` }).waitFor({ timeout: 20_000 });
        expect(requests.filter((request) => request.method === "POST")).toEqual([]);
        const firstPatch = requests.find((request) => request.method === "PATCH")!;
        expect(firstPatch.offset).toBeGreaterThan(0);
        expect(await page.getByRole("button", { name: "Upload", exact: true }).count()).toBe(1);
      }),
    TIMEOUT,
  );

  test(
    "the page opens its progress stream even when its scripts arrive late",
    () =>
      withContext(demo, async (context) => {
        const page = await context.newPage();
        // As on a slow link: htmx and its SSE extension arrive after the page was parsed.
        await page.route("**/_hyperstate/htmx.js*", async (route) => {
          await Bun.sleep(300);
          await route.continue();
        });
        const stream = page.waitForRequest((request) => new URL(request.url()).pathname === "/_stream", { timeout: 3000 });
        await page.goto(`${demo.base}/progress`);
        expect(await stream.then(() => "connected", () => "never connected")).toBe("connected");
      }),
    TIMEOUT,
  );
});
