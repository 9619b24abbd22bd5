// Uploaded HTML and SVG in a real Chromium: opened directly, linked, framed
// and embedded, their scripts never run. Every script here fetches /pwned,
// so "no request reached /pwned" is the proof.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { serveUploadedFile } from "../../src/upload/serve/serve";
import { launchBrowser } from "./browser";

const TIMEOUT = 20_000;
const PAGE_TITLE = "hyperstate upload page";

const EVIL_HTML = `<!doctype html><title>uploaded</title>
<script>document.title = 'pwned'; fetch('/pwned?from=html');</script>`;
const EVIL_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"
  onload="fetch('/pwned?from=svg-onload')">
  <script>fetch('/pwned?from=svg-script')</script>
  <rect width="40" height="40" fill="teal"/>
</svg>`;
// A 1x1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

const PAGE_HTML = `<!doctype html><title>${PAGE_TITLE}</title>
<img id="svg-img" src="/_upload/evil.svg" alt="">
<object id="svg-object" data="/_upload/evil.svg" type="image/svg+xml"></object>
<iframe id="html-frame" src="/inline/evil.html"></iframe>
<a id="html-link" href="/_upload/evil.html">the uploaded page</a>`;

let uploadDir: string;
let server: ReturnType<typeof Bun.serve>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;
const pwnedRequests: string[] = [];

beforeAll(async () => {
  uploadDir = mkdtempSync(path.join(os.tmpdir(), "hs-serve-e2e-"));
  writeFileSync(path.join(uploadDir, "evil.html"), EVIL_HTML);
  writeFileSync(path.join(uploadDir, "evil.svg"), EVIL_SVG);
  writeFileSync(path.join(uploadDir, "photo.png"), PNG);

  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const { pathname, search } = new URL(request.url);
      if (pathname === "/pwned") {
        pwnedRequests.push(search);
        return new Response("ok");
      }
      if (pathname === "/page") return new Response(PAGE_HTML, { headers: { "Content-Type": "text/html" } });
      if (pathname.startsWith("/_upload/")) {
        return serveUploadedFile(uploadDir, pathname.slice("/_upload/".length), request);
      }
      // As a browser that ignored Content-Disposition would see the file:
      // only the CSP stands between the file and its script.
      if (pathname.startsWith("/inline/")) {
        const response = await serveUploadedFile(uploadDir, pathname.slice("/inline/".length), request);
        response.headers.delete("Content-Disposition");
        return response;
      }
      // The same bytes with no protection, to show the scripts are live.
      if (pathname.startsWith("/unprotected/")) {
        const file = Bun.file(path.join(uploadDir, path.basename(pathname)));
        return new Response(file, { headers: { "Content-Type": file.type } });
      }
      return new Response("Not found", { status: 404 });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
  browser = await launchBrowser();
  context = await browser.newContext({ acceptDownloads: true });
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  server?.stop(true);
  rmSync(uploadDir, { recursive: true, force: true });
});

beforeEach(async () => {
  pwnedRequests.length = 0;
  await page?.close();
  page = await context.newPage();
});

/** Goes to a URL that answers with an attachment, and returns the download's file name. */
async function expectDownload(url: string): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    // Playwright rejects goto with "Download is starting": that is the point.
    page.goto(url).catch(() => undefined),
  ]);
  return download.suggestedFilename();
}

/** Gives any script that was going to run time to reach the server. */
async function settle(): Promise<void> {
  await page.waitForLoadState("load");
  await page.waitForTimeout(300);
}

describe("uploaded files in Chromium", () => {
  test("the test's scripts do run when served without protection", async () => {
    const pwned = page.waitForResponse((response) => response.url().includes("/pwned"));
    await page.goto(`${base}/unprotected/evil.html`);
    await pwned;
    expect(pwnedRequests).toContain("?from=html");
    expect(await page.title()).toBe("pwned");
  }, TIMEOUT);

  test("an HTML file opened directly is downloaded, not rendered", async () => {
    expect(await expectDownload(`${base}/_upload/evil.html`)).toBe("evil.html");
    await settle();
    expect(pwnedRequests).toEqual([]);
  }, TIMEOUT);

  test("an SVG file opened directly is downloaded, not rendered", async () => {
    expect(await expectDownload(`${base}/_upload/evil.svg`)).toBe("evil.svg");
    await settle();
    expect(pwnedRequests).toEqual([]);
  }, TIMEOUT);

  test("an HTML file rendered despite the attachment still runs no script", async () => {
    await page.goto(`${base}/inline/evil.html`);
    await settle();
    expect(await page.title()).toBe("uploaded");
    expect(pwnedRequests).toEqual([]);
  }, TIMEOUT);

  test("an SVG file rendered despite the attachment still runs no script", async () => {
    await page.goto(`${base}/inline/evil.svg`);
    await settle();
    expect(pwnedRequests).toEqual([]);
  }, TIMEOUT);

  test("a page that embeds the SVG and frames the HTML runs none of their scripts", async () => {
    await page.goto(`${base}/page`);
    await settle();
    const imageWidth = await page.$eval("#svg-img", (image) => (image as HTMLImageElement).naturalWidth);
    expect(imageWidth).toBe(40);
    expect(await page.title()).toBe(PAGE_TITLE);
    expect(pwnedRequests).toEqual([]);
  }, TIMEOUT);

  test("following a link to the uploaded HTML downloads it and leaves the page alone", async () => {
    await page.goto(`${base}/page`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#html-link")]);
    expect(download.suggestedFilename()).toBe("evil.html");
    await settle();
    expect(await page.title()).toBe(PAGE_TITLE);
    expect(pwnedRequests).toEqual([]);
  }, TIMEOUT);

  test("a PNG opened directly is shown inline", async () => {
    await page.goto(`${base}/_upload/photo.png`);
    const width = await page.$eval("img", (image) => (image as HTMLImageElement).naturalWidth);
    expect(width).toBe(1);
  }, TIMEOUT);
});
