// The tus endpoint bound to sessions and handlers, driven as an outside tus
// client would: GET the page for the cookie, the signed limits and the
// button's signed action, then POST/PATCH/HEAD/DELETE /_tus with the cookie.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TusStore } from "../../../src/upload/tus";
import { withDiskStores } from "../../../src/upload/tus/store";
import { demo } from "../../../views/app";
import {
  create,
  createUpload,
  eventually,
  head,
  lab,
  labApp,
  openZone,
  ORIGIN,
  overHttp,
  patch,
  patchAll,
  randomBytes,
  remove,
  resetLab,
  tusFiles,
  tusRequest,
  watchStream,
  type Handles,
  type Zone,
} from "./app";

const MiB = 1024 * 1024;
let root: string;
let tempDir: string;
let app: ReturnType<typeof labApp>;

let tests = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "hs-resumable-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
// Each test its own app and temp folder: what one leaves behind cannot pass for another's.
beforeEach(() => {
  resetLab();
  tempDir = join(root, `temp-${++tests}`);
  app = labApp({ tempDir, progressIntervalMs: 0 });
});

/** Data files in the tus folder (info JSON may stay a while after completion so HEAD still answers). */
const tusDataFiles = (dir = tempDir) => tusFiles(dir).filter((name) => !name.endsWith(".json"));
const offsetOf = async (response: Response) => Number(response.headers.get("Upload-Offset"));
const pageOf = async (handles: Handles, path: string, session: string) =>
  (await handles.handle(new Request(ORIGIN + path, { headers: { Cookie: `hs_session=${session}` } }))).text();
const concat = (parts: (Uint8Array | undefined)[]) => Buffer.concat(parts.map((part) => part!));

/** Two uploads of one batch into `zone`'s handler. */
async function batchOfTwo(zone: Zone, batch: string, lengths: [number, number] = [1000, 1000]): Promise<[string, string]> {
  const a = await createUpload(app, zone, lengths[0], { filename: "a.bin", batch, batchSize: 2 });
  const b = await createUpload(app, zone, lengths[1], { filename: "b.bin", batch, batchSize: 2 });
  return [a, b];
}

/** A body of `size` bytes in fresh 64 KiB pieces, made as they are read: nothing holds the whole of it. */
function generatedBody(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream(
    {
      pull(controller) {
        if (sent >= size) return controller.close();
        const piece = new Uint8Array(Math.min(65_536, size - sent)).fill(sent & 0xff);
        sent += piece.length;
        controller.enqueue(piece);
      },
    },
    { highWaterMark: 0 },
  );
}

describe("the /chunked demo", () => {
  let demoRoot: string;
  let demoApp: ReturnType<typeof demo>;
  beforeAll(() => {
    demoRoot = mkdtempSync(join(tmpdir(), "hs-resumable-demo-"));
    process.env.UPLOADED_FILES_DIR = join(demoRoot, "uploaded");
    demoApp = demo({ upload: { tempDir: join(demoRoot, "temp") } });
  });
  afterAll(() => rmSync(demoRoot, { recursive: true, force: true }));

  test("writes both files of a two-file batch byte for byte and says the upload is complete", async () => {
    const zone = await openZone(demoApp, "/chunked", "large_upload");
    const first = randomBytes(3 * MiB + 17);
    const second = randomBytes(2 * MiB + 5);
    const a = await createUpload(demoApp, zone, first.length, { filename: "first.bin", batch: "demo-batch-1", batchSize: 2 });
    const b = await createUpload(demoApp, zone, second.length, { filename: "second.bin", batch: "demo-batch-1", batchSize: 2 });
    // Interleaved, as a client sending files side by side does.
    await patchAll(demoApp, a, zone.session, first.subarray(0, MiB), 0, 512 * 1024);
    await patchAll(demoApp, b, zone.session, second, 0, 512 * 1024);
    await patchAll(demoApp, a, zone.session, first, MiB, 512 * 1024);

    await eventually(async () => (await pageOf(demoApp, "/chunked", zone.session)).includes("Chunked upload complete."), "the handler's last update");
    const html = await pageOf(demoApp, "/chunked", zone.session);
    const status = /<p[^>]*id="chunk-status"[^>]*>(.*?)<\/p>/s.exec(html)?.[1];
    expect(status?.trim().endsWith("Chunked upload complete.")).toBe(true);
    expect(html).toContain(">first.bin<");
    expect(html).toContain(">second.bin<");
    const stream = join(demoRoot, "uploaded", "stream");
    expect(Buffer.compare(readFileSync(join(stream, "first.bin")), first)).toBe(0);
    expect(Buffer.compare(readFileSync(join(stream, "second.bin")), second)).toBe(0);
    expect(tusDataFiles(join(demoRoot, "temp"))).toEqual([]);
  });
});

describe("a chunk handler", () => {
  test("gets every byte once, in order, file by file", async () => {
    lab.keepBytes = true;
    const zone = await openZone(app, "/lab", "chunks", "read");
    const first = randomBytes(700_001);
    const second = randomBytes(300_003);
    const [a, b] = await batchOfTwo(zone, "order-batch", [first.length, second.length]);
    await patchAll(app, a, zone.session, first, 0, 100_000);
    await patchAll(app, b, zone.session, second, 0, 64_000);
    await eventually(() => lab.ended === 1, "the handler's loop to end");

    for (const [name, source] of [["a.bin", first], ["b.bin", second]] as const) {
      const chunks = lab.chunks.filter((chunk) => chunk.filename === name);
      let expected = 0;
      for (const chunk of chunks) {
        expect(chunk.offset).toBe(expected);
        expected += chunk.size;
      }
      expect(Buffer.compare(concat(chunks.map((chunk) => chunk.data)), source)).toBe(0);
    }
    expect(lab.chunks.reduce((sum, chunk) => sum + chunk.size, 0)).toBe(first.length + second.length);
  });

  test("holds a PATCH back while a slow handler has not taken its bytes", async () => {
    lab.bytesPerSecond = 32 * MiB;
    const zone = await openZone(app, "/lab", "chunks", "read");
    const size = 32 * MiB;
    const upload = await createUpload(app, zone, size, { filename: "slow.bin" });
    const started = performance.now();
    const response = await patch(app, upload, zone.session, 0, generatedBody(size));
    const elapsed = performance.now() - started;
    const takenWhenAnswered = lab.taken;

    expect(response.status).toBe(204);
    // The queue between network and handler holds 16 MiB: the rest waited for the handler, at 32 MiB/s.
    expect(takenWhenAnswered).toBeGreaterThanOrEqual(size - 16 * MiB - 65_536);
    expect(elapsed).toBeGreaterThan(400);
    await eventually(() => lab.ended === 1, "the handler to read the rest");
    expect(lab.taken).toBe(size);
  });

  test("keeps server memory flat while a large file streams into a slower handler", async () => {
    lab.bytesPerSecond = 64 * MiB;
    const zone = await openZone(app, "/lab", "chunks", "read");
    const size = 128 * MiB;
    const upload = await createUpload(app, zone, size, { filename: "big.bin" });
    Bun.gc(true);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    // Collected before each sample: what counts is what the server holds, not garbage not yet swept.
    const sampler = setInterval(() => {
      Bun.gc(true);
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    try {
      const response = await patch(app, upload, zone.session, 0, generatedBody(size));
      expect(response.status).toBe(204);
      await eventually(() => lab.ended === 1, "the handler to read everything");
    } finally {
      clearInterval(sampler);
    }
    expect(lab.taken).toBe(size);
    // The queue holds 16 MiB; unbounded, it would have grown towards the whole 128 MiB.
    expect(peak - baseline).toBeLessThan(64 * MiB);
  });
});

describe("a chunk handler that stops early", () => {
  test("returning after one chunk: the next PATCH is refused with a message that says the handler stopped reading", async () => {
    const zone = await openZone(app, "/lab", "chunks", "read-one");
    const [a] = await batchOfTwo(zone, "early-batch-1");
    expect((await patch(app, a, zone.session, 0, randomBytes(500))).status).toBe(204);
    await eventually(() => lab.chunks.length === 1, "the handler's one chunk");
    await Bun.sleep(50);

    const refused = await patch(app, a, zone.session, 500, randomBytes(500));
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(await refused.text()).toContain("Lab.readOne");
  });

  test("returning after one chunk: the other uploads of its batch are deleted and their bytes are gone", async () => {
    const zone = await openZone(app, "/lab", "chunks", "read-one");
    const [a, b] = await batchOfTwo(zone, "early-batch-2");
    await patch(app, a, zone.session, 0, randomBytes(500));
    await eventually(() => tusFiles(tempDir).length === 0, "the batch's files to be deleted");
    expect([404, 410]).toContain((await head(app, a, zone.session)).status);
    expect([404, 410]).toContain((await head(app, b, zone.session)).status);
  });

  test("returning after one chunk: the open page is told the upload stopped", async () => {
    const zone = await openZone(app, "/lab", "chunks", "read-one");
    const stream = watchStream(app, zone.session, "/lab");
    await stream.ready;
    try {
      const [a] = await batchOfTwo(zone, "early-batch-3");
      await patch(app, a, zone.session, 0, randomBytes(500));
      await eventually(() => lab.chunks.length === 1, "the handler's one chunk");
      await Bun.sleep(200);
      expect(stream.text()).toMatch(/class="hs-error"[^>]*>[^<]*Lab\.readOne/);
    } finally {
      stream.close();
    }
  });

  test("throwing: the next PATCH is refused, its batch is deleted, and the page shows the handler's message", async () => {
    const zone = await openZone(app, "/lab", "chunks", "read-throw");
    const stream = watchStream(app, zone.session, "/lab");
    await stream.ready;
    try {
      const [a, b] = await batchOfTwo(zone, "throw-batch-1");
      expect((await patch(app, a, zone.session, 0, randomBytes(500))).status).toBe(204);
      await eventually(() => stream.text().includes("hs-error"), "the error on the page");
      expect(stream.text()).toContain("the archive disk is full");

      const refused = await patch(app, a, zone.session, 500, randomBytes(500));
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBeLessThan(500);
      expect(await refused.text()).toContain("Lab.readThenThrow");
      expect([404, 410]).toContain((await head(app, b, zone.session)).status);
      await eventually(() => tusFiles(tempDir).length === 0, "the batch's files to be deleted");
    } finally {
      stream.close();
    }
  });
});

describe("stopping a batch", () => {
  test("POST /_upload/_cancel deletes the batch's uploads and throws UploadCancelledError into the handler's loop", async () => {
    const zone = await openZone(app, "/lab", "chunks", "read");
    const [a, b] = await batchOfTwo(zone, "cancel-batch-1", [MiB, MiB]);
    await patch(app, a, zone.session, 0, randomBytes(MiB / 2));
    await eventually(() => lab.chunks.length > 0, "the first chunk");

    const cancel = new Request(`${ORIGIN}/_upload/_cancel?id=chunks`, { method: "POST", headers: { Cookie: `hs_session=${zone.session}` } });
    expect((await app.handle(cancel)).status).toBe(204);

    await eventually(() => lab.caught.length === 1, "the handler to catch the cancel");
    expect(lab.caught[0]!.name).toBe("UploadCancelledError");
    expect([404, 410]).toContain((await head(app, a, zone.session)).status);
    expect([404, 410]).toContain((await head(app, b, zone.session)).status);
    await eventually(() => tusFiles(tempDir).length === 0, "the tus folder to empty", 2000);
  });

  test("a cancel from another session leaves the batch alone", async () => {
    const zone = await openZone(app, "/lab", "chunks", "read");
    const other = await openZone(app, "/lab", "chunks", "read");
    const [a] = await batchOfTwo(zone, "cancel-batch-2");
    await patch(app, a, zone.session, 0, randomBytes(100));
    const cancel = new Request(`${ORIGIN}/_upload/_cancel?id=chunks`, { method: "POST", headers: { Cookie: `hs_session=${other.session}` } });
    expect((await app.handle(cancel)).status).toBe(204);
    await Bun.sleep(50);
    expect(await offsetOf(await head(app, a, zone.session))).toBe(100);
    expect(lab.caught).toEqual([]);
    await remove(app, a, zone.session);
  });

  test("DELETE of one upload ends the whole batch the same way", async () => {
    const zone = await openZone(app, "/lab", "chunks", "read");
    const [a, b] = await batchOfTwo(zone, "delete-batch-1", [MiB, MiB]);
    await patch(app, a, zone.session, 0, randomBytes(1000));
    await eventually(() => lab.chunks.length > 0, "the first chunk");

    expect((await remove(app, b, zone.session)).status).toBe(204);
    await eventually(() => lab.caught.length === 1, "the handler to catch the termination");
    expect(lab.caught[0]!.name).toBe("UploadCancelledError");
    expect([404, 410]).toContain((await head(app, a, zone.session)).status);
    await eventually(() => tusFiles(tempDir).length === 0, "the tus folder to empty", 2000);
  });
});

describe("limits at creation", () => {
  let zone: Zone;
  beforeEach(async () => {
    zone = await openZone(app, "/lab", "limited", "take-limited");
  });
  const png = (batch?: string, batchSize?: number) => ({ filename: "a.png", filetype: "image/png", batch, batchSize });

  test("refuses a batch of more files than maxFiles, naming the limit, before storing anything", async () => {
    const response = await create(app, zone, 100, png("many-files-batch", 3));
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("at most 2");
    expect(tusFiles(tempDir)).toEqual([]);
  });

  test("refuses an Upload-Length over the zone's maxSize with 413", async () => {
    const response = await create(app, zone, 1001, png());
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("a.png");
    expect(tusFiles(tempDir)).toEqual([]);
  });

  test("refuses an Upload-Length under minSize with 422", async () => {
    expect((await create(app, zone, 5, png())).status).toBe(422);
    expect(tusFiles(tempDir)).toEqual([]);
  });

  test("refuses a file type the zone does not accept with 415", async () => {
    const response = await create(app, zone, 100, { filename: "notes.txt", filetype: "text/plain" });
    expect(response.status).toBe(415);
    expect(await response.text()).toContain("notes.txt");
    expect((await create(app, zone, 100, { filename: "fake.png", filetype: "text/plain" })).status).toBe(415);
    expect(tusFiles(tempDir)).toEqual([]);
  });

  test("refuses a PATCH that would go past the declared length and keeps the offset", async () => {
    const upload = await createUpload(app, zone, 100, png());
    const response = await patch(app, upload, zone.session, 0, randomBytes(101));
    expect(response.status).toBe(413);
    expect(await offsetOf(await head(app, upload, zone.session))).toBe(0);
    await remove(app, upload, zone.session);
  });
});

describe("tampering", () => {
  let zone: Zone;
  beforeEach(async () => {
    zone = await openZone(app, "/lab", "files", "take");
  });
  const file = { filename: "a.bin" };

  test("refuses a wrong or missing signature with 400", async () => {
    const wrong = await create(app, zone, 10, file, { signature: "A".repeat(43) });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("reload the page");
    expect((await create(app, zone, 10, file, { signature: null })).status).toBe(400);
    // Another handler under this zone's signature.
    expect((await create(app, zone, 10, file, { handler: "Lab.progress" })).status).toBe(400);
    expect(tusFiles(tempDir)).toEqual([]);
  });

  test("refuses limits signed for another zone or another session with 400", async () => {
    const limited = await openZone(app, "/lab", "limited", "take-limited", zone.session);
    const otherSession = await openZone(app, "/lab", "files", "take");
    expect((await create(app, zone, 10, file, { config: limited.config })).status).toBe(400);
    const foreign = await create(app, zone, 10, file, { config: otherSession.config });
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain("hs-upload");
    expect((await create(app, zone, 10, file, { config: null })).status).toBe(400);
    expect(tusFiles(tempDir)).toEqual([]);
  });

  test("refuses a creation without the session cookie with 403", async () => {
    const response = await create(app, { ...zone, session: "" }, 10, file);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("hs_session");
  });

  test("answers another session's HEAD, PATCH and DELETE of an upload with 404 and leaves it intact", async () => {
    const upload = await createUpload(app, zone, 10, file);
    expect((await patch(app, upload, zone.session, 0, randomBytes(4))).status).toBe(204);
    const other = (await openZone(app, "/lab", "files", "take")).session;

    expect((await head(app, upload, other)).status).toBe(404);
    expect((await patch(app, upload, other, 4, randomBytes(6))).status).toBe(404);
    expect((await remove(app, upload, other)).status).toBe(404);
    expect((await app.handle(tusRequest("HEAD", upload, ""))).status).toBe(404);
    expect(await offsetOf(await head(app, upload, zone.session))).toBe(4);
    expect(lab.files).toEqual([]);
    await remove(app, upload, zone.session);
  });
});

describe("an UploadFile[] handler over tus", () => {
  test("gets every file of the batch once all are complete, can move them, and no data stays behind", async () => {
    const movedDir = join(root, "moved");
    lab.moveInto = movedDir;
    const zone = await openZone(app, "/lab", "files", "take");
    const first = randomBytes(2 * MiB + 3);
    const second = randomBytes(MiB + 1);
    const [a, b] = await batchOfTwo(zone, "files-batch-1", [first.length, second.length]);
    await patchAll(app, a, zone.session, first, 0, MiB);
    await Bun.sleep(30);
    expect(lab.files).toEqual([]);

    await patchAll(app, b, zone.session, second, 0, MiB);
    // The last PATCH is answered once the handler ran.
    expect(lab.files.map((entry) => [entry.name, entry.size])).toEqual([
      ["a.bin", first.length],
      ["b.bin", second.length],
    ]);
    expect(Buffer.compare(lab.files[0]!.bytes, first)).toBe(0);
    expect(Buffer.compare(lab.files[1]!.bytes, second)).toBe(0);
    expect(Buffer.compare(readFileSync(join(movedDir, "a.bin")), first)).toBe(0);
    expect(Buffer.compare(readFileSync(join(movedDir, "b.bin")), second)).toBe(0);
    expect(await pageOf(app, "/lab", zone.session)).toContain("took a.bin, b.bin");

    const finished = await head(app, b, zone.session);
    expect(finished.status).toBe(200);
    expect(await offsetOf(finished)).toBe(second.length);
    expect(tusDataFiles()).toEqual([]);
  });

  test("reports increasing progress that ends at 1", async () => {
    const zone = await openZone(app, "/lab", "files", "take-progress");
    const bytes = randomBytes(4 * MiB);
    const upload = await createUpload(app, zone, bytes.length, { filename: "p.bin" });
    await patchAll(app, upload, zone.session, bytes, 0, MiB);
    await eventually(() => lab.progress.at(-1)?.progress === 1, "the last progress");

    const loaded = lab.progress.map((value) => value.loaded);
    expect(loaded.length).toBeGreaterThan(1);
    for (let i = 1; i < loaded.length; i++) expect(loaded[i]!).toBeGreaterThanOrEqual(loaded[i - 1]!);
    expect(lab.progress.at(-1)).toEqual({ loaded: bytes.length, total: bytes.length, progress: 1 });
  });

  test("a chunk handler's progress also ends at 1", async () => {
    const zone = await openZone(app, "/lab", "chunks", "read-progress");
    const bytes = randomBytes(2 * MiB);
    const upload = await createUpload(app, zone, bytes.length, { filename: "p.bin" });
    await patchAll(app, upload, zone.session, bytes, 0, MiB / 2);
    await eventually(() => lab.progress.at(-1)?.progress === 1, "the last progress");
    expect(lab.progress.at(-1)!.loaded).toBe(bytes.length);
  });
});

describe("a restart and expiry", () => {
  test("a new app over the same temp folder and secret resumes a half-sent file batch", async () => {
    const dir = join(root, "restart");
    const bytes = randomBytes(3 * MiB + 11);
    const before = labApp({ tempDir: dir }).listen({ port: 0, hostname: "127.0.0.1" });
    const first = overHttp(`http://127.0.0.1:${before.server!.port}`);
    const zone = await openZone(first, "/lab", "files", "take");
    const upload = await createUpload(first, zone, bytes.length, { filename: "r.bin", batch: "restart-batch", batchSize: 1 });
    await patchAll(first, upload, zone.session, bytes.subarray(0, 2 * MiB), 0, MiB);
    await before.stop(true);

    const after = labApp({ tempDir: dir }).listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const second = overHttp(`http://127.0.0.1:${after.server!.port}`);
      const stored = await head(second, upload, zone.session);
      expect(stored.status).toBe(200);
      expect(await offsetOf(stored)).toBe(2 * MiB);
      await patchAll(second, upload, zone.session, bytes, 2 * MiB, MiB);
      expect(lab.files.map((entry) => entry.name)).toEqual(["r.bin"]);
      expect(Buffer.compare(lab.files[0]!.bytes, bytes)).toBe(0);
      expect(tusDataFiles(dir)).toEqual([]);
    } finally {
      await after.stop(true);
    }
  });

  test("after a restart, an unfinished upload into a chunk handler (whose loop died with the process) is refused and removed", async () => {
    const dir = join(root, "restart-chunks");
    const before = labApp({ tempDir: dir }).listen({ port: 0, hostname: "127.0.0.1" });
    const first = overHttp(`http://127.0.0.1:${before.server!.port}`);
    const zone = await openZone(first, "/lab", "chunks", "read");
    const upload = await createUpload(first, zone, 2000, { filename: "c.bin" });
    expect((await patch(first, upload, zone.session, 0, randomBytes(1000))).status).toBe(204);
    await before.stop(true);

    const after = labApp({ tempDir: dir }).listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const second = overHttp(`http://127.0.0.1:${after.server!.port}`);
      // The first 1000 bytes went to a handler that is gone: resuming cannot make a whole file.
      const refused = await patch(second, upload, zone.session, 1000, randomBytes(1000));
      expect([404, 410]).toContain(refused.status);
      expect([404, 410]).toContain((await head(second, upload, zone.session)).status);
      expect(tusFiles(dir)).toEqual([]);
    } finally {
      await after.stop(true);
    }
  });

  test("an unfinished upload past resumableExpiryMs is refused with 410, and the sweep removes its data", async () => {
    const dir = join(root, "expiry");
    const expiring = labApp({ tempDir: dir, resumableExpiryMs: 50 });
    const zone = await openZone(expiring, "/lab", "files", "take");
    const upload = await createUpload(expiring, zone, 100, { filename: "e.bin" });
    expect((await patch(expiring, upload, zone.session, 0, randomBytes(10))).status).toBe(204);
    await Bun.sleep(80);
    expect((await patch(expiring, upload, zone.session, 10, randomBytes(10))).status).toBe(410);

    // The app's own sweep runs every 10 minutes and cannot be reached: sweep the same folder.
    expect(await new TusStore(withDiskStores({}, join(dir, "tus"))).sweepExpired()).toBe(1);
    expect(tusFiles(dir)).toEqual([]);
    expect((await head(expiring, upload, zone.session)).status).toBe(404);
  });
});
