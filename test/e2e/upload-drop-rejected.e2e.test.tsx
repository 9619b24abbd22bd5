// onDropRejected in Chromium: refused files reach the handler as
// [{ file: { name, size, type }, errors: [{ code, message }] }], and the page
// shows what the handler made of them.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { events, hyperstate, State, Upload, type FileRejection, type PageContext } from "../../src/index";
import { launchBrowser } from "./browser";

class Refusals extends State {
  static on = events(this);
  seen: string[] = [];

  async rejected(rejections: FileRejection[]) {
    for (const { file, errors } of rejections) {
      this.seen.push(`${file.name} (${file.size} bytes): ${errors.map((error) => error.code).join(", ")}`);
    }
  }
}

function RefusalsPage({ use }: PageContext) {
  return (
    <main>
      <Upload id="docs" accept={{ "application/pdf": [".pdf"] }} maxSize={1000} maxFiles={2} onDropRejected={Refusals.on.rejected} />
      <ul id="seen">
        {use(Refusals).seen.map((line) => (
          <li safe>{line}</li>
        ))}
      </ul>
    </main>
  );
}

let browser: Browser;
const app = new Elysia().use(hyperstate({ states: [Refusals], pages: { "/": RefusalsPage } }));
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hs-rejected-"));
  app.listen({ port: 0, hostname: "127.0.0.1" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

test("refused files reach onDropRejected with their codes, and the zone shows no message of its own", async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${app.server!.port}/`);
    await page.waitForFunction(() => document.documentElement.classList.contains("hs-js"));
    const big = join(dir, "big.pdf");
    const notes = join(dir, "notes.txt");
    writeFileSync(big, new Uint8Array(5000));
    writeFileSync(notes, "plain text");
    await page.locator("#docs-input").setInputFiles([big, notes]);
    const items = page.locator("#seen li");
    await items.nth(1).waitFor({ timeout: 10_000 });
    expect(await items.allTextContents()).toEqual(["big.pdf (5000 bytes): file-too-large", "notes.txt (10 bytes): file-invalid-type"]);
    expect(await page.locator('[data-hs-upload-message="docs"]').textContent()).toBe("");
  } finally {
    await context.close();
  }
}, 30_000);
