// What the upload e2e tests share: the demo app on a free port with its own
// upload and temp folders, fixture files made on the spot, and pages opened
// once the client script runs (and, when asked, the tab's stream).

import { Elysia } from "elysia";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { deflateSync } from "node:zlib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { UploadOptions } from "../../src";
import { demo } from "../../views/app";
import { launchBrowser } from "./browser";

/** Per test. Playwright's waits give up well before, so a stuck wait fails with its own message. */
export const TIMEOUT = 30_000;
const WAIT_TIMEOUT = 10_000;

export interface Demo {
  base: string;
  browser: Browser;
  /** UPLOADED_FILES_DIR: where the demo's handlers move files. */
  uploadDir: string;
  /** The upload option tempDir: where files wait for their handler. */
  tempDir: string;
  /** Fixture files, made fresh for this test file. */
  fixtureDir: string;
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** The demo's upload options, beside its tempDir. */
  upload?: Omit<UploadOptions, "tempDir">;
  /** Sees every request before the demo does. */
  onRequest?: (request: Request) => void;
}

/** Starts the demo and Chromium; call `stop` in afterAll. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const root = mkdtempSync(path.join(os.tmpdir(), "hs-upload-e2e-"));
  const uploadDir = path.join(root, "uploaded");
  const tempDir = path.join(root, "temp");
  const fixtureDir = path.join(root, "fixtures");
  for (const dir of [uploadDir, tempDir, fixtureDir]) mkdirSync(dir);
  // getUploadDir() reads this on every call; set before the app exists all the same.
  process.env.UPLOADED_FILES_DIR = uploadDir;
  // Bun refuses bodies over 128 MiB unless told otherwise.
  const app = new Elysia({ serve: { maxRequestBodySize: 2 ** 32 } })
    .onRequest(({ request }) => options.onRequest?.(request))
    .use(demo({ upload: { ...options.upload, tempDir } }))
    .listen({ port: 0, hostname: "127.0.0.1" });
  const browser = await launchBrowser();
  return {
    base: `http://127.0.0.1:${app.server!.port}`,
    browser,
    uploadDir,
    tempDir,
    fixtureDir,
    async stop() {
      await browser.close();
      await app.stop(true);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Runs `body` in a fresh context: a new session cookie, so no state leaks between tests. */
export async function withContext(
  demo: Demo,
  body: (context: BrowserContext) => Promise<void>,
  options: Parameters<Browser["newContext"]>[0] = {},
): Promise<void> {
  const context = await demo.browser.newContext(options);
  context.setDefaultTimeout(WAIT_TIMEOUT);
  try {
    await body(context);
  } finally {
    await context.close();
  }
}

/** Opens a demo page and waits until the client script runs. */
export async function openPage(demo: Demo, context: BrowserContext, pathname: string): Promise<Page> {
  const page = await newPage(context, pathname);
  await page.goto(demo.base + pathname);
  await page.waitForFunction(() => document.documentElement.classList.contains("hs-js"));
  return page;
}

/** Opens a demo page once its tab stream is connected, for tests of what the stream pushes. */
export async function openStreamingPage(demo: Demo, context: BrowserContext, pathname: string): Promise<Page> {
  const page = await newPage(context, pathname);
  // The server registers the tab before it answers the stream request.
  const connected = page.waitForResponse((response) => new URL(response.url()).pathname === "/_stream", { timeout: 10_000 });
  await page.goto(demo.base + pathname);
  await connected;
  await page.waitForFunction(() => document.documentElement.classList.contains("hs-js"));
  return page;
}

async function newPage(context: BrowserContext, pathname: string): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`page error on ${pathname}:`, error));
  return page;
}

/**
 * Slows this page's uploads to `bytesPerSecond`, as a slow uplink would.
 * `setOffline` takes the network away through the same emulation (a second
 * one, such as context.setOffline, would not reach requests slowed by this).
 */
export async function throttleUploads(context: BrowserContext, page: Page, bytesPerSecond: number) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const emulate = (offline: boolean) =>
    cdp.send("Network.emulateNetworkConditions", { offline, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
  await emulate(false);
  return { setOffline: emulate };
}

/** The files under a folder, sub-folders' included (not the folders), for "nothing was left here" checks. */
export function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

// ---------------------------------------------------------------- fixtures

/** Writes `bytes` as `name` in the fixture folder and returns its path. */
export function writeFixture(demo: Demo, name: string, bytes: Uint8Array | string): string {
  const file = path.join(demo.fixtureDir, name);
  writeFileSync(file, bytes);
  return file;
}

/** A valid RGB PNG of one colour (PNG spec: signature, IHDR, zlib-deflated IDAT, IEND, each chunk CRC-32'd). */
export function pngBytes(width: number, height: number, rgb: [number, number, number] = [37, 99, 235]): Uint8Array {
  // Each scanline starts with filter type 0 (None).
  const row = [0, ...Array.from({ length: width }, () => rgb).flat()];
  const raw = Buffer.from(Array.from({ length: height }, () => row).flat());
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(raw)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(Bun.hash.crc32(typeAndData) >>> 0);
  return Buffer.concat([length, typeAndData, crc]);
}

/** The classic smallest GIF: one transparent pixel. */
export const GIF_BYTES = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

/** An EBML header declaring the "webm" doctype, then filler: enough to look like a WebM file. */
export function webmBytes(size = 2048): Uint8Array {
  const header = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84, ...Buffer.from("webm")]);
  const bytes = Buffer.alloc(size);
  header.copy(bytes);
  for (let i = header.length; i < size; i++) bytes[i] = i % 251;
  return bytes;
}

/** `size` random bytes, optionally after a PNG signature so the name and the first bytes agree. */
export function randomBytes(size: number, prefix: Uint8Array = new Uint8Array()): Uint8Array {
  const bytes = new Uint8Array(size);
  // getRandomValues fills at most 64 KiB per call.
  for (let offset = 0; offset < size; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, offset + 65_536));
  bytes.set(prefix.subarray(0, size));
  return bytes;
}
