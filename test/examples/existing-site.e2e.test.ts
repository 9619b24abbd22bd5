// The example of an existing site with one upload form, in Chromium, with
// JavaScript on and off: the form posts, the handler runs, the page shows it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../e2e/browser";

let browser: Browser;
let site: Awaited<typeof import("../../examples/existing-site")>["site"];
let base: string;
let uploadDir: string;
let fixture: string;

beforeAll(async () => {
  uploadDir = await mkdtemp(join(tmpdir(), "hs-site-"));
  process.env.UPLOADED_FILES_DIR = uploadDir;
  fixture = join(uploadDir, "..", `note-${crypto.randomUUID()}.txt`);
  await writeFile(fixture, "hello from the contact form");
  ({ site } = await import("../../examples/existing-site"));
  site.listen({ port: 0, hostname: "127.0.0.1" });
  base = `http://127.0.0.1:${site.server!.port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await rm(uploadDir, { recursive: true, force: true });
  await rm(fixture, { force: true });
});

for (const javaScriptEnabled of [true, false]) {
  test(`attaches a file on a page the site renders itself, with JavaScript ${javaScriptEnabled ? "on" : "off"}`, async () => {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await page.goto(`${base}/contact`);
    await expect(page.locator("h1").textContent()).resolves.toBe("Contact us");
    await page.setInputFiles("#attachment-input", fixture);
    await page.click("text=Attach");
    await page.waitForFunction(() => document.querySelector("#attached")?.textContent?.includes("note-"));
    expect(page.url()).toBe(`${base}/contact`);
    const saved = await readdir(join(uploadDir, "attachments"));
    expect(saved.some((name) => name.startsWith("note-"))).toBe(true);
    await context.close();
  });
}
