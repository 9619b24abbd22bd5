// The upload zone in Chromium, as react-dropzone behaves: a real file input
// in a form, reachable by keyboard, opened by click, Enter or Space (unless
// noKeyboard), marked while files are dragged over it, and fed by a drop.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { JSHandle, Page } from "playwright-core";
import { openPage, startDemo, TIMEOUT, withContext, type Demo } from "./upload-demo";

let demo: Demo;

beforeAll(async () => {
  demo = await startDemo();
}, TIMEOUT);

afterAll(async () => {
  await demo?.stop();
});

/** True when a file chooser opens within `timeoutMs` of `act`, for the input with id `inputId`. */
async function opensChooser(page: Page, act: () => Promise<void>, inputId: string, timeoutMs = 3000): Promise<boolean> {
  const chooser = page.waitForEvent("filechooser", { timeout: timeoutMs }).catch(() => null);
  // Listening turns on Chromium's chooser interception without waiting for it;
  // a round trip makes sure it is on, or a chooser opened at once goes unseen.
  await page.evaluate(() => 0);
  await act();
  const opened = await chooser;
  if (!opened) return false;
  expect(await opened.element().getAttribute("id")).toBe(inputId);
  return true;
}

/** A DataTransfer holding files, built in the page as a real drag from the desktop would carry them. */
function filesTransfer(page: Page, names: string[]): Promise<JSHandle<DataTransfer>> {
  return page.evaluateHandle((names) => {
    const transfer = new DataTransfer();
    for (const name of names) transfer.items.add(new File([`bytes of ${name}`], name, { type: "image/png" }));
    return transfer;
  }, names);
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id);

describe("the upload zone", () => {
  test(
    "holds a real file input, and sits inside the form that posts it",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/basic");
        const input = page.locator("#upload input[type=file]");
        expect(await input.count()).toBe(1);
        expect(await input.getAttribute("name")).toBe("files");
        const form = await input.evaluate((element) => {
          const form = element.closest("form")!;
          return { method: form.method, enctype: form.enctype, holdsZone: form.contains(document.getElementById("upload")) };
        });
        expect(form).toEqual({ method: "post", enctype: "multipart/form-data", holdsZone: true });
      }),
    TIMEOUT,
  );

  test(
    "Tab reaches the zone, which is a button named by the words it shows",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/basic");
        await page.keyboard.press("Tab");
        expect(await focusedId(page)).toBe("upload");
        const zone = page.getByRole("button", { name: "Drag and drop files here or click to select files", exact: true });
        expect(await zone.evaluate((element) => element === document.activeElement)).toBe(true);
      }),
    TIMEOUT,
  );

  test(
    "Enter on the focused zone opens the file chooser",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/basic");
        await page.keyboard.press("Tab");
        expect(await opensChooser(page, () => page.keyboard.press("Enter"), "upload-input")).toBe(true);
      }),
    TIMEOUT,
  );

  test(
    "Space on the focused zone opens the file chooser without scrolling the page",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/basic");
        await page.evaluate(() => document.body.append(Object.assign(document.createElement("div"), { style: "height: 4000px" })));
        await page.keyboard.press("Tab");
        expect(await opensChooser(page, () => page.keyboard.press(" "), "upload-input")).toBe(true);
        expect(await page.evaluate(() => window.scrollY)).toBe(0);
      }),
    TIMEOUT,
  );

  test(
    "Enter and Space open no file chooser on a zone with noKeyboard",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/customized");
        await page.focus("#upload2");
        expect(await opensChooser(page, () => page.keyboard.press("Enter"), "upload2-input", 500)).toBe(false);
        expect(await opensChooser(page, () => page.keyboard.press(" "), "upload2-input", 500)).toBe(false);
        // The zone still opens with a click: only the keyboard is off.
        expect(await opensChooser(page, () => page.click("#upload2"), "upload2-input")).toBe(true);
      }),
    TIMEOUT,
  );

  test(
    "clicking the zone opens the file chooser",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/basic");
        expect(await opensChooser(page, () => page.click("#upload"), "upload-input")).toBe(true);
      }),
    TIMEOUT,
  );

  test(
    "clicking the Select File button inside a zone opens the file chooser",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/multiple");
        const select = page.getByRole("button", { name: "Select File" });
        expect(await opensChooser(page, () => select.click(), "upload1-input")).toBe(true);
      }),
    TIMEOUT,
  );

  test(
    "files dragged over the zone mark it active, and leaving it clears the mark",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/multiple");
        const zone = page.locator("#upload1");
        const idleBackground = await zone.evaluate((element) => getComputedStyle(element).backgroundColor);
        const dataTransfer = await filesTransfer(page, ["a.png"]);
        await page.dispatchEvent("#upload1", "dragenter", { dataTransfer });
        await page.dispatchEvent("#upload1", "dragover", { dataTransfer });
        expect(await zone.getAttribute("data-hs-drag-active")).toBe("");
        expect(await zone.evaluate((element) => getComputedStyle(element).backgroundColor)).not.toBe(idleBackground);
        await page.dispatchEvent("#upload1", "dragleave", { dataTransfer });
        expect(await zone.getAttribute("data-hs-drag-active")).toBeNull();
      }),
    TIMEOUT,
  );

  test(
    "text dragged over the zone does not mark it",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/multiple");
        const dataTransfer = await page.evaluateHandle(() => {
          const transfer = new DataTransfer();
          transfer.setData("text/plain", "just words");
          return transfer;
        });
        await page.dispatchEvent("#upload1", "dragenter", { dataTransfer });
        await page.dispatchEvent("#upload1", "dragover", { dataTransfer });
        expect(await page.locator("#upload1").getAttribute("data-hs-drag-active")).toBeNull();
      }),
    TIMEOUT,
  );

  test(
    "dropping files on the zone adds them to the selection and clears the mark",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/multiple");
        const dataTransfer = await filesTransfer(page, ["first.png", "second.png"]);
        await page.dispatchEvent("#upload1", "dragenter", { dataTransfer });
        await page.dispatchEvent("#upload1", "drop", { dataTransfer });
        const names = page.locator(".hs-selected-file-name");
        await names.nth(1).waitFor();
        expect(await names.allTextContents()).toEqual(["first.png", "second.png"]);
        expect(await page.locator("#upload1").getAttribute("data-hs-drag-active")).toBeNull();
      }),
    TIMEOUT,
  );
});

describe("the unstyled zone", () => {
  test(
    "shows the cloud icon inside the zone at its styled size",
    () =>
      withContext(demo, async (context) => {
        const page = await openPage(demo, context, "/unstyled");
        const icon = page.locator("#my_upload svg.lucide-cloud-upload");
        expect(await icon.count()).toBe(1);
        const [iconBox, zoneBox] = await Promise.all([icon.boundingBox(), page.locator("#my_upload").boundingBox()]);
        // 3rem at the default 16px font size.
        expect(iconBox).toMatchObject({ width: 48, height: 48 });
        expect(iconBox!.x).toBeGreaterThanOrEqual(zoneBox!.x);
        expect(iconBox!.y + iconBox!.height).toBeLessThanOrEqual(zoneBox!.y + zoneBox!.height);
        expect(await icon.locator("path").count()).toBeGreaterThan(0);
      }),
    TIMEOUT,
  );
});
