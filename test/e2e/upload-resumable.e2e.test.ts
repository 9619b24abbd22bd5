// Resumable uploads in Chromium against the demo run as its own process
// (test/e2e/resumable-server.ts: files of 1 MiB and more over tus, 4 MiB a
// PATCH with its SHA-256): the network taken away mid-upload, a cancel mid-upload, and the
// server killed with SIGKILL mid-upload and started again.

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser } from "./browser";
import { randomBytes, throttleUploads } from "./upload-demo";

const MiB = 1024 * 1024;
const TIMEOUT = 60_000;

let root: string;
let uploadDir: string;
let tempDir: string;
let port: number;
let base: string;
let server: Subprocess;
let browser: Browser;

/** Starts the demo process on `port` and waits until it answers. */
async function startServer(): Promise<Subprocess> {
  const child = Bun.spawn([process.execPath, path.join(import.meta.dir, "resumable-server.ts")], {
    env: { ...process.env, PORT: String(port), HS_TEMP_DIR: tempDir, UPLOADED_FILES_DIR: uploadDir, HYPERSTATE_SECRET: "resumable e2e secret" },
    stdout: "ignore",
    stderr: "inherit",
  });
  const end = performance.now() + 15_000;
  for (;;) {
    const ok = await fetch(`${base}/counter`).then((response) => response.ok, () => false);
    if (ok) return child;
    if (child.exitCode !== null || performance.now() > end) throw new Error("the demo server did not start");
    await Bun.sleep(50);
  }
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), "hs-resumable-e2e-"));
  uploadDir = path.join(root, "uploaded");
  tempDir = path.join(root, "temp");
  mkdirSync(uploadDir);
  // A free port for the server's whole life, restarts included.
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  port = probe.port!;
  await probe.stop(true);
  base = `http://127.0.0.1:${port}`;
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  server?.kill();
  await server?.exited;
  rmSync(root, { recursive: true, force: true });
});

function fixture(name: string, size: number): { file: string; sha256: string } {
  const bytes = randomBytes(size);
  const file = path.join(root, name);
  writeFileSync(file, bytes);
  return { file, sha256: sha256(bytes) };
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Files in the tus store's folder: data and info alike. */
const tusFiles = () => (existsSync(path.join(tempDir, "tus")) ? readdirSync(path.join(tempDir, "tus")) : []);

/** Polls `check`; with `zone`, an upload message shown on the page meanwhile fails at once with its text. */
async function until(check: () => boolean, what: string, timeoutMs: number, zone?: { page: Page; id: string }): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) throw new Error(`Timed out waiting for ${what}`);
    const message = zone && (await zone.page.locator(`[data-hs-upload-message=${zone.id}]`).textContent())?.trim();
    if (message) throw new Error(`The upload failed while waiting for ${what}: ${message}`);
    await Bun.sleep(50);
  }
}

/**
 * A page of a fresh context, once the client script runs and its stream is
 * open. Its uploads are slowed to `bytesPerSecond`: on loopback a browser
 * sends 100 MiB in about a second, faster than a test can act in the middle.
 */
async function openPage(pathname: string, bytesPerSecond: number) {
  const context = await browser.newContext();
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`page error on ${pathname}:`, error));
  const network = await throttleUploads(context, page, bytesPerSecond);
  const connected = page.waitForResponse((response) => new URL(response.url()).pathname === "/_stream");
  await page.goto(base + pathname);
  await connected;
  await page.waitForFunction(() => document.documentElement.classList.contains("hs-js"));
  return { context, page, network };
}

/** The size of `file` on disk, 0 while it does not exist. */
const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : 0);

/** The data file in the tus folder holding at least `bytes`: a file batch's upload that far along. */
const tusUploadPast = (bytes: number) => tusFiles().find((name) => !name.endsWith(".json") && sizeOf(path.join(tempDir, "tus", name)) >= bytes);

/** Counts the page's tus requests that got no answer (Playwright's request events with bodies are slow: only failures are watched). */
function countFailedTusRequests(page: Page): () => number {
  let failed = 0;
  page.on("requestfailed", (request) => {
    if (request.url().includes("/_tus")) failed++;
  });
  return () => failed;
}

test(
  "a 100 MiB chunked upload goes on by itself after the network drops for 2 s, and the written file is the source",
  async () => {
    const before = new Set(tusFiles());
    const source = fixture("offline.bin", 100 * MiB);
    const written = path.join(uploadDir, "stream", "offline.bin");
    const { context, page, network } = await openPage("/chunked", 30 * MiB);
    try {
      const failed = countFailedTusRequests(page);
      await page.locator("#large_upload-input").setInputFiles(source.file);
      await page.getByRole("button", { name: "Upload Large Files" }).click();

      const zone = { page, id: "large_upload" };
      await until(() => sizeOf(written) >= 16 * MiB, "the first 16 MiB", TIMEOUT, zone);
      await network.setOffline(true);
      await Bun.sleep(2000);
      await network.setOffline(false);
      expect(sizeOf(written)).toBeLessThan(100 * MiB);

      await until(() => sizeOf(written) === 100 * MiB, "the whole file", TIMEOUT, zone);
      await page.locator("#chunk-status", { hasText: "Chunked upload complete." }).waitFor({ timeout: 10_000 });
      // The network was really gone: requests failed, and the upload went on after.
      expect(failed()).toBeGreaterThan(0);
      expect(sha256(readFileSync(written))).toBe(source.sha256);
      await until(() => tusFiles().every((name) => before.has(name) || name.endsWith(".json")), "the tus data to go", 5000);
    } finally {
      await context.close();
    }
  },
  2 * TIMEOUT,
);

test(
  "cancelling a chunked upload in the middle stops it and leaves no tus data on the server",
  async () => {
    const before = new Set(tusFiles());
    const source = fixture("cancelled.bin", 60 * MiB);
    const written = path.join(uploadDir, "stream", "cancelled.bin");
    const { context, page } = await openPage("/chunked", 10 * MiB);
    try {
      await page.locator("#large_upload-input").setInputFiles(source.file);
      await page.getByRole("button", { name: "Upload Large Files" }).click();
      await until(() => sizeOf(written) >= 8 * MiB, "the first 8 MiB", TIMEOUT, { page, id: "large_upload" });
      await page.evaluate(() =>
        document.dispatchEvent(new CustomEvent("hs:actions", { detail: [{ type: "cancelUpload", id: "large_upload" }] })),
      );

      await page.locator("[data-hs-upload-message=large_upload]", { hasText: "Upload cancelled" }).waitFor();
      await until(() => tusFiles().every((name) => before.has(name)), "the cancelled uploads to be deleted", 5000);
      // Nothing more arrives once cancelled.
      const stopped = sizeOf(written);
      await Bun.sleep(1500);
      expect(sizeOf(written)).toBe(stopped);
      expect(stopped).toBeLessThan(60 * MiB);
      expect(tusFiles().filter((name) => !before.has(name))).toEqual([]);
      expect(await page.locator("#chunk-status").textContent()).not.toContain("Chunked upload complete.");
    } finally {
      await context.close();
    }
  },
  2 * TIMEOUT,
);

test(
  "a 64 MiB upload to /basic survives the server being killed with SIGKILL and started again",
  async () => {
    const before = new Set(tusFiles());
    const source = fixture("restart.bin", 64 * MiB);
    const saved = path.join(uploadDir, "restart.bin");
    const { context, page } = await openPage("/basic", 20 * MiB);
    try {
      await page.locator("#upload-input").setInputFiles(source.file);
      await page.getByRole("button", { name: "Upload", exact: true }).click();

      const zone = { page, id: "upload" };
      await until(() => tusUploadPast(12 * MiB) !== undefined, "the first 12 MiB", TIMEOUT, zone);
      const upload = tusUploadPast(12 * MiB)!;
      server.kill(9);
      expect(await server.exited).toBe(137);
      expect(existsSync(saved)).toBe(false);
      server = await startServer();

      // The browser's client retries with backoff and resumes where the server's stored offset is.
      await until(() => sizeOf(saved) === 64 * MiB, "the saved file", TIMEOUT, zone);
      expect(sha256(readFileSync(saved))).toBe(source.sha256);
      // The same upload went on (no second one was created), and its data is gone; its info answers HEAD a while.
      await until(() => !tusFiles().includes(upload), "the tus data to go", 5000);
      expect(tusFiles().filter((name) => !before.has(name))).toEqual([`${upload}.json`]);
    } finally {
      await context.close();
    }
  },
  2 * TIMEOUT,
);
