// Uploads with JavaScript off: the zone's form posts natively, the server
// answers 303 back to the page, and a refusal comes back as a page that says
// why. With JavaScript on, the native parts are hidden.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { openPage, pngBytes, startDemo, TIMEOUT, withContext, writeFixture, type Demo } from "./upload-demo";

let demo: Demo;

beforeAll(async () => {
  demo = await startDemo();
}, TIMEOUT);

afterAll(async () => {
  await demo?.stop();
});

const NO_SCRIPT = { javaScriptEnabled: false };

/** Clicks a submit button and returns the status of the native upload POST it sends. */
async function submitUpload(page: Page, button: string): Promise<number> {
  const response = page.waitForResponse((response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/_upload");
  await page.getByRole("button", { name: button, exact: true }).click();
  return (await response).status();
}

describe("without JavaScript", () => {
  test(
    "on /basic the native file input is shown, and Upload posts the form and lands back on /basic with the image",
    () =>
      withContext(
        demo,
        async (context) => {
          const file = writeFixture(demo, "native.png", pngBytes(9, 9));
          const page = await context.newPage();
          await page.goto(`${demo.base}/basic`);
          const input = page.locator("#upload-input");
          expect(await input.isVisible()).toBe(true);
          await input.setInputFiles(file);
          expect(await submitUpload(page, "Upload")).toBe(303);
          const image = page.locator("img[alt='native.png']");
          await image.waitFor();
          expect(new URL(page.url()).pathname).toBe("/basic");
          expect(await image.getAttribute("src")).toBe("/_upload/native.png");
          expect(await image.evaluate((element: HTMLImageElement) => element.decode().then(() => element.naturalWidth))).toBe(9);
        },
        NO_SCRIPT,
      ),
    TIMEOUT,
  );

  test(
    "on /customized the Upload button is shown and uploads the picked file",
    () =>
      withContext(
        demo,
        async (context) => {
          const file = writeFixture(demo, "native-grid.png", pngBytes(7, 5));
          const page = await context.newPage();
          await page.goto(`${demo.base}/customized`);
          const submit = page.locator("#upload2 ~ [data-hs-noscript]");
          expect(await submit.isVisible()).toBe(true);
          expect(await submit.textContent()).toBe("Upload");
          await page.locator("#upload2-input").setInputFiles(file);
          expect(await submitUpload(page, "Upload")).toBe(303);
          await page.locator("img[alt='native-grid.png']").waitFor();
          expect(new URL(page.url()).pathname).toBe("/customized");
          expect(await page.locator("img[alt='native-grid.png'] + p").textContent()).toBe("native-grid.png");
        },
        NO_SCRIPT,
      ),
    TIMEOUT,
  );

  test(
    "a text file on /customized is refused with a page that says why, and nothing is saved",
    () =>
      withContext(
        demo,
        async (context) => {
          const file = writeFixture(demo, "native-notes.txt", "not an image\n");
          const page = await context.newPage();
          await page.goto(`${demo.base}/customized`);
          await page.locator("#upload2-input").setInputFiles(file);
          expect(await submitUpload(page, "Upload")).toBe(415);
          const alert = page.getByRole("alert").filter({ hasText: "native-notes.txt" });
          await alert.waitFor();
          expect(await alert.textContent()).toContain("native-notes.txt: File type must be .pdf, .png");
          // The page around it is the page itself, ready for another try.
          expect(await page.locator("#upload2-input").isVisible()).toBe(true);
          expect(existsSync(path.join(demo.uploadDir, "native-notes.txt"))).toBe(false);
        },
        NO_SCRIPT,
      ),
    TIMEOUT,
  );

  test(
    "on /chunked the chunk handler reads a natively posted file and the page says the upload is complete",
    () =>
      withContext(
        demo,
        async (context) => {
          const bytes = new Uint8Array(3 * 1024 * 1024 + 17).map((_, index) => index % 251);
          const file = writeFixture(demo, "native-large.bin", bytes);
          const page = await context.newPage();
          await page.goto(`${demo.base}/chunked`);
          await page.locator("#large_upload-input").setInputFiles(file);
          expect(await submitUpload(page, "Upload Large Files")).toBe(303);
          await page.locator("#chunk-status", { hasText: "Chunked upload complete." }).waitFor();
          expect(await page.getByText("native-large.bin").count()).toBe(1);
          const written = await Bun.file(path.join(demo.uploadDir, "stream", "native-large.bin")).bytes();
          expect(Bun.hash(written)).toBe(Bun.hash(bytes));
        },
        NO_SCRIPT,
      ),
    TIMEOUT,
  );
});

describe("with JavaScript", () => {
  test(
    "the native file input and the no-script Upload button are hidden",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/customized");
        expect(await page.locator("#upload2-input").isHidden()).toBe(true);
        expect(await page.locator("[data-hs-noscript]").count()).toBe(1);
        expect(await page.locator("[data-hs-noscript]").isHidden()).toBe(true);
      }),
    TIMEOUT,
  );
});
