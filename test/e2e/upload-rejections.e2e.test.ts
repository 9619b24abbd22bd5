// Refused files in Chromium: the browser says why in the zone's message
// area and sends nothing it refused; what slips past the browser's checks
// the server refuses, and the page shows the server's reason.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { filesIn, GIF_BYTES, openPage, pngBytes, randomBytes, startDemo, TIMEOUT, withContext, writeFixture, type Demo } from "./upload-demo";

const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let demo: Demo;

beforeAll(async () => {
  demo = await startDemo();
}, TIMEOUT);

afterAll(async () => {
  await demo?.stop();
});

/** Records the upload requests the page sends from now on. */
function recordUploads(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/_upload") urls.push(request.url());
  });
  return urls;
}

/** The zone's message area that shows a message: after the zone, or the UploadErrors the page placed (/unstyled). */
const messageOf = (page: Page, uploadId: string) => page.locator(`[data-hs-upload-message="${uploadId}"]:has(p)`);

describe("refused in the browser", () => {
  test(
    "a text file on /customized is refused by name, with the accepted types, and nothing is uploaded",
    () =>
      withContext(demo, async (context) => {
        const file = writeFixture(demo, "notes.txt", "not an image\n");
        const page = await openPage(demo, context, "/customized");
        const uploads = recordUploads(page);
        await page.locator("#upload2-input").setInputFiles(file);
        const message = messageOf(page, "upload2");
        await message.locator("p").waitFor();
        expect(await message.textContent()).toBe("notes.txt: File type must be .pdf, .png, .jpg, .jpeg, .gif, .webp, .html, .htm");
        // Announced to a screen reader, and right after the zone rather than inside the author's children.
        expect(await message.evaluate((element) => element.getAttribute("role"))).toBe("alert");
        expect(await message.evaluate((element) => element.previousElementSibling?.id)).toBe("upload2");
        expect(uploads).toEqual([]);
        expect(existsSync(path.join(demo.uploadDir, "notes.txt"))).toBe(false);
        expect(await page.locator("img").count()).toBe(0);
      }),
    TIMEOUT,
  );

  test(
    "six files on /customized (maxFiles 5): all six are refused as too many, by name, and nothing is uploaded",
    () =>
      withContext(demo, async (context) => {
        const names = ["one.png", "two.png", "three.png", "four.png", "five.png", "six.png"];
        const files = names.map((name, index) => writeFixture(demo, name, pngBytes(4 + index, 4)));
        const page = await openPage(demo, context, "/customized");
        const uploads = recordUploads(page);
        await page.locator("#upload2-input").setInputFiles(files);
        await messageOf(page, "upload2").locator("p").first().waitFor();
        expect(await messageOf(page, "upload2").locator("p").allTextContents()).toEqual(names.map((name) => `${name}: Too many files: at most 5`));
        await page.waitForTimeout(300);
        expect(uploads).toEqual([]);
        expect(await page.locator("img").count()).toBe(0);

        // Five are within the rule: they go at once (the zone uploads on drop).
        await page.locator("#upload2-input").setInputFiles(files.slice(0, 5));
        await page.locator("img[alt='five.png']").waitFor({ timeout: 10_000 });
        expect(existsSync(path.join(demo.uploadDir, "six.png"))).toBe(false);
      }),
    TIMEOUT,
  );

  test(
    "a 6 MB PNG on /unstyled (maxSize 5 MB) is refused as larger than the limit, and nothing is uploaded",
    () =>
      withContext(demo, async (context) => {
        const file = writeFixture(demo, "huge.png", randomBytes(6 * 1024 * 1024, PNG_SIGNATURE));
        const page = await openPage(demo, context, "/unstyled");
        const uploads = recordUploads(page);
        // The zone is the author's flex container, its content centred in it.
        const content = page.locator("#my_upload > div").first();
        const before = await content.boundingBox();
        await page.locator("#my_upload-input").setInputFiles(file);
        const message = messageOf(page, "my_upload");
        await message.locator("p").waitFor();
        expect(await message.textContent()).toBe("huge.png: File is larger than 5 MB");
        // The message is no second flex item beside the content: the content has not moved.
        expect(await content.boundingBox()).toEqual(before);
        expect(uploads).toEqual([]);
        expect(await page.locator("#saved li").count()).toBe(0);
      }),
    TIMEOUT,
  );

  test(
    "a refused file does not stop the accepted ones picked with it",
    () =>
      withContext(demo, async (context) => {
        const text = writeFixture(demo, "readme.txt", "words\n");
        const gif = writeFixture(demo, "with-text.gif", GIF_BYTES);
        const page = await openPage(demo, context, "/customized");
        await page.locator("#upload2-input").setInputFiles([text, gif]);
        await page.locator("img[alt='with-text.gif']").waitFor({ timeout: 10_000 });
        expect(await page.locator("img").count()).toBe(1);
        expect(existsSync(path.join(demo.uploadDir, "with-text.gif"))).toBe(true);
        expect(existsSync(path.join(demo.uploadDir, "readme.txt"))).toBe(false);
      }),
    TIMEOUT,
  );
});

describe("refused by the server", () => {
  test(
    "an HTML page named .png passes the browser's check but the server refuses it, and the zone says why",
    () =>
      withContext(demo, async (context) => {
        const file = writeFixture(demo, "disguised.png", "<!doctype html><html><body><script>alert(1)</script></body></html>");
        const before = filesIn(demo.uploadDir);
        const page = await openPage(demo, context, "/unstyled");
        const uploads = recordUploads(page);
        await page.locator("#my_upload-input").setInputFiles(file);
        const message = messageOf(page, "my_upload");
        await message.locator("p").waitFor({ timeout: 10_000 });
        expect(uploads.length).toBe(1);
        expect(await message.textContent()).toBe("disguised.png: File type must be .svg, .png, .jpg, .jpeg, .gif");
        expect(filesIn(demo.uploadDir)).toEqual(before);
        expect(filesIn(demo.tempDir)).toEqual([]);
        expect(await page.locator("#saved li").count()).toBe(0);
      }),
    TIMEOUT,
  );
});
