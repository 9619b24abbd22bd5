// An unmodified tus client (tus-js-client 4, its Node build) uploads into the
// /chunked demo's chunk handler over a real loopback server: aborted at about
// 40 %, resumed from its upload URL, and the file the handler wrote is the
// source, byte for byte, with the first part sent only once.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tus from "tus-js-client";
import { demo } from "../../../views/app";
import { eventually, head, metadataFor, openZone, overHttp, randomBytes, type Handles, type Zone } from "./app";

const MiB = 1024 * 1024;
const SIZE = 50 * MiB;

let root: string;
let server: ReturnType<typeof Bun.serve>;
let base: string;
let http: Handles;
/** Every PATCH the server answered: the offset it was sent at and the offset it answered with. */
const patches: { url: string; from: number; to: number; status: number }[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "hs-tus-interop-"));
  process.env.UPLOADED_FILES_DIR = join(root, "uploaded");
  const app = demo({ upload: { tempDir: join(root, "temp") } });
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    maxRequestBodySize: 64 * MiB,
    async fetch(request) {
      const response = await app.handle(request);
      if (request.method === "PATCH") {
        const from = Number(request.headers.get("Upload-Offset"));
        const to = Number(response.headers.get("Upload-Offset") ?? from);
        patches.push({ url: new URL(request.url).pathname, from, to, status: response.status });
      }
      return response;
    },
  });
  base = `http://127.0.0.1:${server.port}`;
  http = overHttp(base);
});
afterAll(async () => {
  await server.stop(true);
  rmSync(root, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function tusOptions(zone: Zone, extra: Partial<tus.UploadOptions>): tus.UploadOptions {
  return {
    endpoint: `${base}/_tus`,
    metadata: metadataFor(zone, { filename: "interop.bin", filetype: "application/octet-stream" }),
    headers: { Cookie: `hs_session=${zone.session}` },
    chunkSize: 8 * MiB,
    retryDelays: [0, 200, 500],
    ...extra,
  };
}

test("tus-js-client uploads 50 MiB into the chunk handler, aborted at 40 % and resumed, and the written file is the source", async () => {
  const zone = await openZone(http, "/chunked", "large_upload");
  const source = Buffer.from(randomBytes(SIZE));

  // First run: abort once about 40 % went out.
  const aborted = Promise.withResolvers<string>();
  const first: tus.Upload = new tus.Upload(
    source,
    tusOptions(zone, {
      onProgress(sent) {
        if (sent >= 0.4 * SIZE && first.url) {
          void first.abort();
          aborted.resolve(first.url);
        }
      },
      onError: aborted.reject,
      onSuccess: () => aborted.reject(new Error("the upload finished before it was aborted")),
    }),
  );
  first.start();
  const url = await aborted.promise;
  const path = new URL(url).pathname;
  // The aborted PATCH settles on the server a moment later.
  await eventually(async () => (await head(http, path, zone.session)).headers.has("Upload-Offset"), "the server to keep the upload");
  await Bun.sleep(200);
  const stored = Number((await head(http, path, zone.session)).headers.get("Upload-Offset"));
  expect(stored).toBeGreaterThan(0);
  expect(stored).toBeLessThan(SIZE);

  // Second run: the same upload URL; the client asks the offset and sends the rest.
  const resumedFrom = patches.length;
  const finished = Promise.withResolvers<void>();
  new tus.Upload(source, tusOptions(zone, { uploadUrl: url, onSuccess: () => finished.resolve(), onError: finished.reject })).start();
  await finished.promise;

  const resumed = patches.slice(resumedFrom).filter((patch) => patch.url === path);
  expect(resumed[0]!.from).toBe(stored);
  expect(resumed.every((patch) => patch.status === 204)).toBe(true);
  expect(resumed.reduce((sum, patch) => sum + (patch.to - patch.from), 0)).toBe(SIZE - stored);

  await eventually(async () => (await (await http.handle(new Request(`${base}/chunked`, { headers: { Cookie: `hs_session=${zone.session}` } }))).text()).includes("Chunked upload complete."), "the handler to finish");
  const written = readFileSync(join(root, "uploaded", "stream", "interop.bin"));
  expect(written.length).toBe(SIZE);
  expect(sha256(written)).toBe(sha256(source));
}, 60_000);
