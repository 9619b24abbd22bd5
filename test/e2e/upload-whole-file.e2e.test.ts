// The resumable path in Chromium. By default (no chunkSize, no checksum) a
// file goes over tus in one PATCH whose body is the picked file; when the
// connection breaks in the middle, the upload goes on from the server's offset
// in 8 MiB PATCHes, and the stored file is the source. With the checksum
// option, 8 MiB PATCHes each carry the SHA-256 the worker computed.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { startRelay, type Relay } from "../support/relay";
import { openStreamingPage, randomBytes, startDemo, throttleUploads, TIMEOUT, withContext, writeFixture, type Demo } from "./upload-demo";

const MiB = 1024 * 1024;

interface TusRequest {
  method: string;
  offset: number;
  length: number;
  checksum: string | null;
}

let demo: Demo;
/** The browser reaches the demo through it, so the test can break its connections. */
let relay: Relay;
const requests: TusRequest[] = [];

/** Records the demo's tus requests on an upload (not creations) in `into`. */
const recordTus = (into: TusRequest[]) => (request: Request) => {
  if (!new URL(request.url).pathname.startsWith("/_tus/")) return;
  const header = (name: string) => request.headers.get(name);
  into.push({ method: request.method, offset: Number(header("Upload-Offset")), length: Number(header("Content-Length")), checksum: header("Upload-Checksum") });
};
const checksummedRequests: TusRequest[] = [];

beforeAll(async () => {
  demo = await startDemo({ upload: { resumableAbove: MiB }, onRequest: recordTus(requests) });

  relay = await startRelay(Number(new URL(demo.base).port));
  demo.base = relay.url;
}, TIMEOUT);

afterAll(async () => {
  await relay?.close();
  await demo?.stop();
});

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The bytes the tus store holds of the one unfinished upload, 0 while there is none. */
function storedBytes(): number {
  const dir = path.join(demo.tempDir, "tus");
  if (!existsSync(dir)) return 0;
  const sizes = readdirSync(dir)
    .filter((name) => !name.endsWith(".json"))
    .map((name) => statSync(path.join(dir, name)).size);
  return Math.max(0, ...sizes);
}

async function until(check: () => boolean, what: string): Promise<void> {
  const end = performance.now() + TIMEOUT;
  while (!check()) {
    if (performance.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}

test(
  "a 40 MiB file goes in one PATCH without a checksum; after the connection breaks, the rest goes in 8 MiB PATCHes from the server's offset",
  () =>
    withContext(demo, async (context) => {
      const bytes = randomBytes(40 * MiB);
      const file = writeFixture(demo, "whole.bin", bytes);
      const page = await openStreamingPage(demo, context, "/basic");
      // Slow enough to drop the network in the middle of the first PATCH.
      await throttleUploads(context, page, 20 * MiB);
      await page.locator("#upload-input").setInputFiles(file);
      await page.getByRole("button", { name: "Upload", exact: true }).click();

      await until(() => storedBytes() >= 4 * MiB, "the first 4 MiB");
      relay.cut();
      await page.locator('img[alt="whole.bin"]').waitFor({ timeout: TIMEOUT });

      expect(sha256(readFileSync(path.join(demo.uploadDir, "whole.bin")))).toBe(sha256(bytes));
      expect(requests[0]).toEqual({ method: "PATCH", offset: 0, length: 40 * MiB, checksum: null });
      // Chromium may send a request that broke on a kept-alive connection again by itself; the client asks the offset (HEAD) first.
      const asked = requests.findIndex((request) => request.method === "HEAD");
      expect(requests.slice(0, asked).every((request) => request.method === "PATCH" && request.offset === 0 && request.length === 40 * MiB)).toBe(true);
      // The break kept what had arrived: the next PATCH starts past it, and each after it is 8 MiB at most.
      const after = requests.slice(asked).filter((request) => request.method === "PATCH");
      expect(after[0]!.offset).toBeGreaterThanOrEqual(4 * MiB);
      expect(after.every((patch) => patch.length <= 8 * MiB && patch.checksum === null)).toBe(true);
      expect(after.at(-1)!.offset + after.at(-1)!.length).toBe(40 * MiB);
    }),
  2 * TIMEOUT,
);

test(
  "with the checksum option, 8 MiB PATCHes each carry the SHA-256 of their bytes, computed in the worker, and the server takes them",
  async () => {
    // A demo of its own, started after the first is done with (UPLOADED_FILES_DIR is one for the process).
    const checksummed = await startDemo({ upload: { resumableAbove: MiB, checksum: true }, onRequest: recordTus(checksummedRequests) });
    try {
      await withContext(checksummed, async (context) => {
        const bytes = randomBytes(20 * MiB);
        const file = writeFixture(checksummed, "summed.bin", bytes);
        const page = await openStreamingPage(checksummed, context, "/basic");
        const workers: string[] = [];
        page.on("worker", (worker) => workers.push(new URL(worker.url()).pathname));
        await page.locator("#upload-input").setInputFiles(file);
        await page.getByRole("button", { name: "Upload", exact: true }).click();
        await page.locator('img[alt="summed.bin"]').waitFor({ timeout: TIMEOUT });

        expect(sha256(readFileSync(path.join(checksummed.uploadDir, "summed.bin")))).toBe(sha256(bytes));
        const digest = (from: number, to: number) => `sha256 ${createHash("sha256").update(bytes.subarray(from, to)).digest("base64")}`;
        expect(checksummedRequests.filter((request) => request.method === "PATCH")).toEqual(
          [0, 8, 16].map((mib) => {
            const end = Math.min((mib + 8) * MiB, bytes.length);
            return { method: "PATCH", offset: mib * MiB, length: end - mib * MiB, checksum: digest(mib * MiB, end) };
          }),
        );
        expect(workers).toEqual(["/_hyperstate/hash-worker.js"]);
      });
    } finally {
      await checksummed.stop();
    }
  },
  2 * TIMEOUT,
);
