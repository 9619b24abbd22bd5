// Resumable (tus) uploads across three demo instances behind nginx: each
// PATCH may reach any instance (upload info and leases in Redis, bytes in
// the bucket), an instance may die mid-upload, and a cancel may reach an
// instance that is not receiving the bytes.

import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { randomBytes, throttleUploads } from "../e2e/upload-demo";
import { eventually } from "../support/wait";
import { filesIn } from "../upload/fixture";
import { openTab, pick, useClusterInBrowser, withContext } from "./browser";

const MiB = 1024 * 1024;
const TIMEOUT = 120_000;
const suite = useClusterInBrowser(TIMEOUT);

/** Opens `pathname` in a new session and runs `run` with its tab and the instance holding its stream. */
const withPage = (pathname: string, run: (page: Page, context: BrowserContext, streamOn: string) => Promise<void>) =>
  withContext(suite, async (context) => {
    const { page, streamOn } = await openTab(suite, context, pathname);
    await run(page, context, streamOn);
  });

function fixture(name: string, size: number): { file: string; sha256: string } {
  const bytes = randomBytes(size);
  const file = path.join(suite.fixtures, name);
  writeFileSync(file, bytes);
  return { file, sha256: createHash("sha256").update(bytes).digest("hex") };
}

const sha256Of = async (key: string) => createHash("sha256").update(await suite.cluster.s3.client.file(key).bytes()).digest("hex");
const keysUnder = async (prefix: string) => ((await suite.cluster.s3.client.list({ prefix })).contents ?? []).map((object) => object.key);
const tusRequests = (method: string) => suite.cluster.nginx.requests().filter((request) => request.method === method && request.path.startsWith("/_tus/"));
/** Creations (POST /_tus) in nginx's log. */
const creations = () => suite.cluster.nginx.requests().filter((request) => request.method === "POST" && request.path === "/_tus");
/** The instances nginx sent PATCHes to, from its log. */
const patchedBy = () => new Set(tusRequests("PATCH").flatMap((request) => request.upstreams));

/** The URL of the one tus upload the page keeps for a reload (zone "upload"), as its creation's Location gave it. */
const storedUploadUrl = (page: Page) =>
  page.evaluate(() => {
    const entries = Object.keys(localStorage).filter((key) => key.startsWith("hs-tus:upload:"));
    return entries.length === 1 ? (JSON.parse(localStorage.getItem(entries[0]!)!) as { url: string }).url : `one stored upload expected, found ${entries.length}`;
  });

/** Open TCP connections into an instance's port (nginx keeps none idle: each is a request or a stream), from /proc/net/tcp. */
function connectionsInto(port: number): number {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1] === local && fields[3] === "01").length;
}

describe("tus across three instances", () => {
  test(
    "a 200 MiB upload whose chunks reach different instances finishes byte-identical in the bucket and is served back with Range",
    () =>
      withPage("/basic", async (page) => {
        const { file, sha256 } = fixture("large.bin", 200 * MiB);
        await pick(page, "#upload", file);
        await page.getByRole("button", { name: "Upload", exact: true }).click();
        await page.locator('img[alt="large.bin"]').waitFor({ state: "attached", timeout: 100_000 });
        expect(patchedBy().size).toBe(3);
        expect(await sha256Of("files/large.bin")).toBe(sha256);
        // tus's pieces go right after the handler kept the file; no instance's disk holds a byte of it.
        await eventually(async () => expect(await keysUnder("tus/")).toEqual([]), 10_000);
        for (const dir of suite.cluster.uploadDirs) expect(filesIn(dir)).toEqual([]);
        const part = await fetch(`${suite.cluster.url}/_upload/large.bin`, { headers: { Range: `bytes=${150 * MiB}-${150 * MiB + 99}` } });
        expect(part.status).toBe(206);
        expect(Buffer.from(await part.arrayBuffer()).equals(readFileSync(file).subarray(150 * MiB, 150 * MiB + 100))).toBe(true);
      }),
    TIMEOUT,
  );

  test(
    "Cancel in the page stops a running upload across the instances and leaves no object or part behind",
    () =>
      withPage("/progress", async (page, context) => {
        const { file } = fixture("cancelled.bin", 72 * MiB);
        await throttleUploads(context, page, 12 * MiB);
        await pick(page, "#upload3", file);
        await page.getByRole("button", { name: "Upload", exact: true }).click();
        await eventually(async () => expect(Number(await page.getByRole("progressbar", { name: "Upload progress" }).getAttribute("value"))).toBeGreaterThan(20), 30_000);
        await page.getByRole("button", { name: "Cancel", exact: true }).click();
        await page.locator("[data-hs-upload-message=upload3]", { hasText: "Upload cancelled" }).waitFor();
        await eventually(async () => expect(await keysUnder("tus/")).toEqual([]), 10_000);
        // Nothing arrives after the cancel, and nothing was kept.
        const patches = tusRequests("PATCH").length;
        await Bun.sleep(1500);
        expect(tusRequests("PATCH").length).toBe(patches);
        expect(await keysUnder("tus/")).toEqual([]);
        expect(await suite.cluster.s3.client.exists("files/cancelled.bin")).toBe(false);
        expect(await page.locator("#total-bytes").textContent()).toBe("Total bytes uploaded: 0");
      }),
    TIMEOUT,
  );

  test(
    "a tus DELETE that reaches another instance than the one receiving the bytes stops that PATCH and leaves no object or part behind",
    () =>
      withPage("/basic", async (page, context, streamOn) => {
        const { file } = fixture("elsewhere.bin", 72 * MiB);
        await throttleUploads(context, page, 12 * MiB);
        const earlier = tusRequests("PATCH").length;
        await pick(page, "#upload", file);
        await page.getByRole("button", { name: "Upload", exact: true }).click();
        await eventually(() => expect(tusRequests("PATCH").length).toBeGreaterThan(earlier), 30_000);
        // This upload's URL, as its creation's Location gave it; nginx's log names only finished requests, a late one of an earlier test's among them.
        const uploadPath = await storedUploadUrl(page);
        expect(uploadPath).toStartWith("/_tus/");
        // nginx keeps no idle connection to an instance: one open beside the page's stream is a PATCH in flight.
        let receiving: (typeof suite.cluster.instances)[number] | undefined;
        await eventually(() => {
          receiving = suite.cluster.instances.find((instance) => connectionsInto(instance.port) > (`127.0.0.1:${instance.port}` === streamOn ? 1 : 0));
          expect(receiving).toBeDefined();
        }, 30_000);
        const other = suite.cluster.instances.find((instance) => instance !== receiving)!;
        const session = (await context.cookies(suite.cluster.url)).find((cookie) => cookie.name === "hs_session")!.value;
        const deleted = await fetch(`${other.base}${uploadPath}`, { method: "DELETE", headers: { "Tus-Resumable": "1.0.0", Cookie: `hs_session=${session}` } });
        expect(deleted.status).toBe(204);

        await eventually(async () => expect(await keysUnder("tus/")).toEqual([]), 10_000);
        const stored = tusRequests("PATCH").filter((request) => request.status.startsWith("2")).length;
        await Bun.sleep(1500);
        expect(tusRequests("PATCH").filter((request) => request.status.startsWith("2")).length).toBe(stored);
        expect(await keysUnder("tus/")).toEqual([]);
        expect(await suite.cluster.s3.client.exists("files/elsewhere.bin")).toBe(false);
      }),
    TIMEOUT,
  );

  test(
    "an instance killed mid-upload: the upload finishes through the others, byte-identical",
    () =>
      withPage("/basic", async (page, context, streamOn) => {
        const { file, sha256 } = fixture("survivor.bin", 80 * MiB);
        await throttleUploads(context, page, 40 * MiB);
        const creationsBefore = creations().length;
        await pick(page, "#upload", file);
        await page.getByRole("button", { name: "Upload", exact: true }).click();
        // Once a few chunks are in, kill an instance while it receives one (not the one holding the page's stream).
        await eventually(() => expect(tusRequests("PATCH").length).toBeGreaterThanOrEqual(3), 30_000);
        let victim: (typeof suite.cluster.instances)[number] | undefined;
        await eventually(() => {
          victim = suite.cluster.instances.find((instance) => `127.0.0.1:${instance.port}` !== streamOn && connectionsInto(instance.port) > 0);
          expect(victim).toBeDefined();
        }, 30_000);
        const uploadPath = await storedUploadUrl(page);
        victim!.child.kill("SIGKILL");
        await victim!.child.exited;
        const patchesBefore = tusRequests("PATCH").length;

        await page
          .locator('img[alt="survivor.bin"]')
          .waitFor({ state: "attached", timeout: 100_000 })
          .catch(async (error) => {
            const message = await page.locator("[data-hs-upload-message=upload]").textContent();
            const since = tusRequests("PATCH").slice(patchesBefore).map((request) => `${request.upstreams.join(",")} ${request.status}`);
            throw new Error(`${error}; the page says ${JSON.stringify(message)}; PATCHes after the kill: ${since.join("; ")}`);
          });
        expect(await sha256Of("files/survivor.bin")).toBe(sha256);
        // The page shows the file once the handler ran; the upload's pieces are removed right after.
        await eventually(async () => expect(await keysUnder("tus/")).toEqual([]), 10_000).catch(async (error) => {
          // Rare here (see the closing note of issue 9): say whose pieces stayed, to find out why.
          const made = creations().slice(creationsBefore).map((request) => `${request.upstreams.join(",")} ${request.status}`);
          throw new Error(`${error}; this upload is ${uploadPath}; its creations: ${made.join("; ")}`);
        });
        // The killed instance had taken chunks of this upload; the rest went to the two others.
        const after = new Set(tusRequests("PATCH").slice(patchesBefore).filter((request) => request.status.startsWith("2")).flatMap((request) => request.upstreams.slice(-1)));
        expect(after.has(`127.0.0.1:${victim!.port}`)).toBe(false);
        expect(after.size).toBe(2);
      }),
    TIMEOUT,
  );
});
