// Three demo instances behind nginx, round-robin without sticky sessions,
// sharing only Redis (sessions, changes, locks, tus info and leases) and a
// bucket (files, tus data), driven in Chromium through nginx as a person
// would use them.

import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { pngBytes } from "../e2e/upload-demo";
import { filesIn } from "../upload/fixture";
import { openTab as openTabOf, pick, useClusterInBrowser, withContext as withContextOf } from "./browser";

const TIMEOUT = 60_000;
const suite = useClusterInBrowser(TIMEOUT);
const withContext = (run: (context: BrowserContext) => Promise<void>, options?: BrowserContextOptions) => withContextOf(suite, run, options);
const openTab = (context: BrowserContext, pathname: string) => openTabOf(suite, context, pathname);

/** A second tab whose stream is on another instance than `other`'s (round-robin gets there in a few loads). */
async function openTabElsewhere(context: BrowserContext, pathname: string, other: string): Promise<{ page: Page; streamOn: string }> {
  for (let attempt = 0; attempt < 6; attempt++) {
    const tab = await openTab(context, pathname);
    if (tab.streamOn !== other) return tab;
    await tab.page.close();
    // A page load is a fixed number of requests (a multiple of three would always stream from one
    // instance): a growing number of extra ones moves the next stream along the rotation.
    for (let extra = 0; extra <= attempt; extra++) await fetch(`${suite.cluster.url}/_nginx_probe`);
  }
  throw new Error(`Every stream landed on ${other}`);
}

const count = (page: Page) => page.locator("#count").textContent();

/** Instances that answered requests to paths starting with `prefix`, from nginx's log. */
const instancesThatServed = (method: string, prefix: string) =>
  new Set(suite.cluster.nginx.requests().filter((request) => request.method === method && request.path.startsWith(prefix)).flatMap((request) => request.upstreams));

describe("three instances behind nginx", () => {
  test(
    "the counter reaches exactly the number of clicks made from two tabs, whichever instances took them",
    () =>
      withContext(async (context) => {
        const first = await openTab(context, "/counter");
        // The same session in a second window: a tab hidden behind another has its timers slowed by Chromium.
        await withContext(
          async (secondWindow) => {
            const second = await openTabElsewhere(secondWindow, "/counter", first.streamOn);
            const clicks = async (page: Page, times: number) => {
              for (let click = 0; click < times; click++) {
                const answered = page.waitForResponse((response) => new URL(response.url()).pathname === "/_event/CounterState.increment");
                await page.getByRole("button", { name: "+1" }).click();
                expect((await answered).status()).toBe(200);
              }
            };
            // Both tabs at once: their events race for the session's lock across instances.
            await Promise.all([clicks(first.page, 15), clicks(second.page, 15)]);
            await first.page.locator("#count", { hasText: /^30$/ }).waitFor();
            await second.page.locator("#count", { hasText: /^30$/ }).waitFor();
            expect([await count(first.page), await count(second.page)]).toEqual(["30", "30"]);
            expect(instancesThatServed("POST", "/_event/CounterState.increment").size).toBe(3);
          },
          { storageState: await context.storageState() },
        );
      }),
    TIMEOUT,
  );

  test(
    "a background task's progress reaches a tab whose stream sits on another instance than the one running it",
    () =>
      withContext(async (context) => {
        const first = await openTab(context, "/counter");
        const second = await openTabElsewhere(context, "/counter", first.streamOn);
        const started = first.page.waitForResponse((response) => new URL(response.url()).pathname === "/_event/CounterState.runTask");
        await first.page.getByRole("button", { name: "Start task" }).click();
        const runsOn = (await started).headers()["x-upstream"]!;
        // The two streams are on two instances: at least one of them is not where the task runs.
        const elsewhere = [first, second].find((tab) => tab.streamOn !== runsOn)!;
        expect(elsewhere.streamOn).not.toBe(runsOn);
        await elsewhere.page.locator("#task-status", { hasText: "Status: done" }).waitFor();
        expect(await elsewhere.page.getByRole("progressbar", { name: "Task progress" }).getAttribute("value")).toBe("100");
      }),
    TIMEOUT,
  );

  test(
    "an upload through /basic lands in the bucket, on no instance's disk, and every instance serves it back with Range",
    () =>
      withContext(async (context) => {
        const bytes = pngBytes(24, 12);
        const file = path.join(suite.fixtures, "cluster-photo.png");
        writeFileSync(file, bytes);
        const { page } = await openTab(context, "/basic");
        await pick(page, "#upload", file);
        await page.getByRole("button", { name: "Upload", exact: true }).click();
        const image = page.locator('img[alt="cluster-photo.png"]');
        await image.waitFor();
        expect(await image.evaluate((element: HTMLImageElement) => element.decode().then(() => element.naturalWidth))).toBe(24);

        expect(Buffer.from(await suite.cluster.s3.client.file("files/cluster-photo.png").bytes()).equals(bytes)).toBe(true);
        for (const dir of suite.cluster.uploadDirs) expect(filesIn(dir)).toEqual([]);
        for (const instance of suite.cluster.instances) {
          const part = await fetch(`${instance.base}/_upload/cluster-photo.png`, { headers: { Range: "bytes=8-15" } });
          expect(part.status).toBe(206);
          expect(part.headers.get("Content-Range")).toBe(`bytes 8-15/${bytes.length}`);
          expect(part.headers.get("X-Content-Type-Options")).toBe("nosniff");
          expect(Buffer.from(await part.arrayBuffer()).equals(Buffer.from(bytes.subarray(8, 16)))).toBe(true);
        }
      }),
    TIMEOUT,
  );
});
