// Pasting files in Chromium (a synthetic ClipboardEvent carrying a
// DataTransfer, as Ctrl/Cmd+V sends one): into the focused zone, onto a page
// with one zone, and with the zone's rules.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { openPage, pngBytes, startDemo, TIMEOUT, withContext, type Demo } from "./upload-demo";

let demo: Demo;

beforeAll(async () => {
  demo = await startDemo();
}, TIMEOUT);

afterAll(async () => {
  await demo?.stop();
});

interface Pasted {
  name: string;
  type: string;
  bytes: number[];
}

/** Pastes `files` with focus on `focus` (a selector), or on nothing but the page. */
async function paste(page: Page, files: Pasted[], focus?: string): Promise<void> {
  await page.evaluate(
    ({ files, focus }) => {
      const data = new DataTransfer();
      for (const { name, type, bytes } of files) data.items.add(new File([new Uint8Array(bytes)], name, { type }));
      const target = focus ? document.querySelector<HTMLElement>(focus)! : document.body;
      target.focus();
      target.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    },
    { files, focus },
  );
}

const png = (name: string): Pasted => ({ name, type: "image/png", bytes: [...pngBytes(8, 8)] });

describe("pasting files", () => {
  test(
    "an image pasted into the focused zone of /unstyled is uploaded at once, as if dropped",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/unstyled");
        await paste(page, [png("pasted.png")], "#my_upload");
        await page.locator("#saved li", { hasText: "pasted.png" }).waitFor();
      }),
    TIMEOUT,
  );

  test(
    "files pasted onto /progress, its one zone without focus, are added to its selection",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/progress");
        await paste(page, [png("first.png"), png("second.png")]);
        await page.locator(".hs-selected-file-name", { hasText: "second.png" }).waitFor();
        expect(await page.locator(".hs-selected-file-name").allTextContents()).toEqual(["first.png", "second.png"]);
      }),
    TIMEOUT,
  );

  test(
    "a pasted file the zone does not accept is refused with the reason, and nothing is uploaded",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/unstyled");
        await paste(page, [{ name: "notes.txt", type: "text/plain", bytes: [...new TextEncoder().encode("hello")] }], "#my_upload");
        // The page placed an UploadErrors area under the selected files: the reason shows there, not after the zone.
        const placed = page.locator("[data-hs-upload-message=my_upload][data-hs-upload-errors]");
        await placed.filter({ hasText: "notes.txt" }).waitFor();
        expect(await placed.textContent()).toContain("notes.txt: ");
        expect(await page.locator("[data-hs-upload-message=my_upload]:not([data-hs-upload-errors])").textContent()).toBe("");
        const [zone, area] = await Promise.all([page.locator("#my_upload").boundingBox(), placed.boundingBox()]);
        expect(area!.y).toBeGreaterThanOrEqual(zone!.y + zone!.height);
        expect(await page.locator("#saved li").count()).toBe(0);
      }),
    TIMEOUT,
  );
});
