// Uploads end to end in Chromium: /basic with its Upload button, /customized
// uploading on drop, /video with a seekable result, and an uploaded HTML
// page that downloads rather than runs.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { openPage, pngBytes, startDemo, TIMEOUT, webmBytes, withContext, writeFixture, type Demo } from "./upload-demo";

let demo: Demo;

beforeAll(async () => {
  demo = await startDemo();
}, TIMEOUT);

afterAll(async () => {
  await demo?.stop();
});

/** Waits until the image with this alt text has loaded, and returns its src and natural width. */
async function loadedImage(page: Page, alt: string): Promise<{ src: string; width: number }> {
  const image = page.locator(`img[alt="${alt}"]`);
  await image.waitFor({ timeout: 10_000 });
  await image.evaluate((element: HTMLImageElement) => element.decode());
  return image.evaluate((element: HTMLImageElement) => ({ src: element.getAttribute("src")!, width: element.naturalWidth }));
}

/** Picks files through the file chooser that a click on the zone opens. */
async function pickWithChooser(page: Page, zone: string, files: string[]): Promise<void> {
  const chooser = page.waitForEvent("filechooser");
  await page.evaluate(() => 0); // the listener's interception is on before the click
  await page.click(zone);
  await (await chooser).setFiles(files);
}

describe("/basic", () => {
  test(
    "Upload sends the picked PNG: the page shows it, the upload dir holds the same bytes, the selection is empty",
    () =>
      withContext(demo, async (context) => {
        const bytes = pngBytes(16, 10);
        const file = writeFixture(demo, "basic-photo.png", bytes);
        const page = await openPage(demo, context, "/basic");
        await pickWithChooser(page, "#upload", [file]);
        await page.getByRole("button", { name: "Upload", exact: true }).click();
        expect(await loadedImage(page, "basic-photo.png")).toEqual({ src: "/_upload/basic-photo.png", width: 16 });
        expect(readFileSync(path.join(demo.uploadDir, "basic-photo.png")).equals(bytes)).toBe(true);
        // The sent file left the selection: a second click has nothing to send.
        await page.getByRole("button", { name: "Upload", exact: true }).click();
        await page.locator("[data-hs-upload-message=upload]", { hasText: "No files selected" }).waitFor();
        expect(await page.locator("img").count()).toBe(1);
      }),
    TIMEOUT,
  );

  test(
    "Upload with nothing picked says so and sends nothing",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/basic");
        const uploads: string[] = [];
        page.on("request", (request) => request.url().includes("/_upload?") && uploads.push(request.url()));
        await page.getByRole("button", { name: "Upload", exact: true }).click();
        await page.locator("[data-hs-upload-message=upload]", { hasText: "No files selected" }).waitFor();
        expect(uploads).toEqual([]);
      }),
    TIMEOUT,
  );
});

describe("/customized", () => {
  test(
    "a picked image uploads at once, without a button, and shows in the grid with its name",
    () =>
      withContext(demo, async (context) => {
        const file = writeFixture(demo, "picked.png", pngBytes(20, 20, [22, 163, 74]));
        const page = await openPage(demo, context, "/customized");
        await pickWithChooser(page, "#upload2", [file]);
        expect(await loadedImage(page, "picked.png")).toEqual({ src: "/_upload/picked.png", width: 20 });
        const cell = page.locator("img[alt='picked.png'] + p");
        expect(await cell.textContent()).toBe("picked.png");
        expect(existsSync(path.join(demo.uploadDir, "picked.png"))).toBe(true);
      }),
    TIMEOUT,
  );

  test(
    "a dropped image uploads at once and shows in the grid with its name",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/customized");
        const dataTransfer = await page.evaluateHandle((bytes) => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([new Uint8Array(bytes)], "dropped.png", { type: "image/png" }));
          return transfer;
        }, [...pngBytes(24, 12)]);
        await page.dispatchEvent("#upload2", "dragenter", { dataTransfer });
        await page.dispatchEvent("#upload2", "drop", { dataTransfer });
        expect(await loadedImage(page, "dropped.png")).toEqual({ src: "/_upload/dropped.png", width: 24 });
        expect(await page.locator("img[alt='dropped.png'] + p").textContent()).toBe("dropped.png");
      }),
    TIMEOUT,
  );

  test(
    "an uploaded HTML page with a script downloads when opened, and its script never runs",
    () =>
      withContext(
        demo,
        async (context) => {
          const file = writeFixture(
            demo,
            "evil.html",
            `<!doctype html><title>evil</title><script>fetch('/pwned?from=script')</script><img src="x" onerror="fetch('/pwned?from=img')">`,
          );
          const pwned: string[] = [];
          context.on("request", (request) => request.url().includes("/pwned") && pwned.push(request.url()));
          const page = await openPage(demo, context, "/customized");
          await page.locator("#upload2-input").setInputFiles(file);
          await page.locator("img[alt='evil.html']").waitFor({ timeout: 10_000 });
          expect(readFileSync(path.join(demo.uploadDir, "evil.html"), "utf8")).toContain("/pwned");
          const download = page.waitForEvent("download");
          // Playwright rejects a goto that turns into a download: that is the point.
          await page.goto(`${demo.base}/_upload/evil.html`).catch(() => undefined);
          expect((await download).suggestedFilename()).toBe("evil.html");
          await page.waitForLoadState("load");
          await page.waitForTimeout(300); // room for a script that was going to run
          expect(pwned).toEqual([]);
        },
        { acceptDownloads: true },
      ),
    TIMEOUT,
  );
});

describe("/video", () => {
  test(
    "an uploaded WebM plays from /_upload/<name>, which answers a Range request with 206",
    () =>
      withContext(demo, async (context) => {
        const bytes = webmBytes(4096);
        const file = writeFixture(demo, "clip.webm", bytes);
        const page = await openPage(demo, context, "/video");
        await page.locator("#upload1-input").setInputFiles(file);
        await page.locator(".hs-selected-file-name", { hasText: "clip.webm" }).waitFor();
        await page.getByRole("button", { name: "Upload", exact: true }).click();
        const video = page.locator("video");
        await video.waitFor({ timeout: 10_000 });
        expect(await video.getAttribute("src")).toBe("/_upload/clip.webm");
        const answer = await page.evaluate(async () => {
          const response = await fetch("/_upload/clip.webm", { headers: { Range: "bytes=0-9" } });
          return {
            status: response.status,
            range: response.headers.get("Content-Range"),
            bytes: [...new Uint8Array(await response.arrayBuffer())],
          };
        });
        expect(answer).toEqual({ status: 206, range: "bytes 0-9/4096", bytes: [...bytes.subarray(0, 10)] });
      }),
    TIMEOUT,
  );
});
