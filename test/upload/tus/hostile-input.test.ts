// The tus endpoint under input an attacker would send: each case was a hole
// once (issue 8), and each answer must be a 4xx that changes nothing.

import { afterAll, beforeAll, beforeEach, describe, expect, spyOn, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serializeMetadata } from "../../../src/upload/tus";
import {

  createUpload,
  eventually,
  head,
  lab,
  labApp,
  metadataFor,
  openZone,
  ORIGIN,
  patch,
  randomBytes,
  resetLab,
  tusFiles,
  tusRequest,
  type Zone,
} from "./app";

let root: string;
let tempDir: string;
let app: ReturnType<typeof labApp>;
let tests = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "hs-tus-hostile-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  resetLab();
  tempDir = join(root, `temp-${++tests}`);
  app = labApp({ tempDir, progressIntervalMs: 0 });
});

/** The start of an ELF executable, padded: what a PNG-only zone must never take. */
function elfBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = randomBytes(size);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]);
  return bytes;
}

function pngBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = randomBytes(size);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
  return bytes;
}

const fakePng = { filename: "fake.png", filetype: "image/png" };
const dataFiles = () => tusFiles(tempDir).filter((name) => !name.endsWith(".json"));

describe("the content check holds over tus as over multipart", () => {
  let zone: Zone;
  beforeEach(async () => {
    zone = await openZone(app, "/lab", "limited", "take-limited");
  });

  test("ELF bytes named fake.png and declared image/png are refused with 415 at the PATCH, and the handler never runs", async () => {
    const location = await createUpload(app, zone, 200, fakePng);
    const response = await patch(app, location, zone.session, 0, elfBytes(200));
    expect(response.status).toBe(415);
    expect(await response.text()).toContain("fake.png");
    expect(lab.files).toEqual([]);
    expect([404, 410]).toContain((await head(app, location, zone.session)).status);
    await eventually(() => dataFiles().length === 0, "the refused upload's bytes to be gone", 2000);
  });

  test("ELF bytes sent with the creation request (creation-with-upload) are refused with 415 and nothing is kept", async () => {
    const metadata = serializeMetadata(metadataFor(zone, fakePng));
    const request = tusRequest(
      "POST",
      "/_tus",
      zone.session,
      { "Upload-Length": "200", "Upload-Metadata": metadata, "Content-Type": "application/offset+octet-stream" },
      elfBytes(200),
    );
    const response = await app.handle(request);
    expect(response.status).toBe(415);
    expect(response.headers.get("Location")).toBeNull();
    expect(lab.files).toEqual([]);
    expect(dataFiles()).toEqual([]);
  });

  test("a real PNG in the same zone is taken", async () => {
    const location = await createUpload(app, zone, 200, { filename: "real.png", filetype: "image/png" });
    expect((await patch(app, location, zone.session, 0, pngBytes(200))).status).toBe(204);
    await eventually(() => lab.files.length === 1, "the handler to take the file");
    expect(lab.files[0]!.name).toBe("real.png");
  });

  test("ELF bytes into a PNG-only chunk handler are refused before the handler reads a byte", async () => {
    const chunkZone = await openZone(app, "/lab", "png-chunks", "read-png");
    const location = await createUpload(app, chunkZone, 8000, fakePng);
    const response = await patch(app, location, chunkZone.session, 0, elfBytes(8000));
    expect(response.status).toBe(415);
    expect(lab.chunks).toEqual([]);
  });

  test("a PNG into a chunk handler in PATCHes shorter than the checked head arrives whole and in order", async () => {
    lab.keepBytes = true;
    const chunkZone = await openZone(app, "/lab", "png-chunks", "read-png");
    const bytes = pngBytes(6000);
    const location = await createUpload(app, chunkZone, bytes.length, { filename: "small-steps.png", filetype: "image/png" });
    for (const [from, to] of [[0, 1000], [1000, 3000], [3000, 6000]] as const) {
      const response = await patch(app, location, chunkZone.session, from, bytes.slice(from, to));
      expect(response.status).toBe(204);
      expect(response.headers.get("Upload-Offset")).toBe(String(to));
    }
    await eventually(() => lab.ended === 1, "the handler to read to the end");
    expect(Buffer.concat(lab.chunks.map((chunk) => chunk.data!))).toEqual(Buffer.from(bytes));
    expect(lab.chunks[0]!.offset).toBe(0);
  });
});

describe("the cross-site check judges the method that will act", () => {
  let zone: Zone;
  beforeEach(async () => {
    zone = await openZone(app, "/lab", "files", "take");
  });

  test("HEAD from another origin overridden to DELETE is refused with 403 and the upload stays", async () => {
    const location = await createUpload(app, zone, 100, { filename: "keep.bin" });
    const response = await app.handle(
      tusRequest("HEAD", location, zone.session, { Origin: "http://evil.example", "X-HTTP-Method-Override": "DELETE" }),
    );
    expect(response.status).toBe(403);
    expect((await head(app, location, zone.session)).status).toBe(200);
  });

  test("OPTIONS from another origin overridden to POST creates nothing", async () => {
    const metadata = serializeMetadata(metadataFor(zone, { filename: "evil.bin" }));
    const response = await app.handle(
      tusRequest("OPTIONS", "/_tus", zone.session, {
        Origin: "http://evil.example",
        "X-HTTP-Method-Override": "POST",
        "Upload-Length": "10",
        "Upload-Metadata": metadata,
      }),
    );
    expect(response.status).toBe(403);
    expect(tusFiles(tempDir)).toEqual([]);
  });

  test("HEAD overridden to POST with Sec-Fetch-Site: cross-site creates nothing", async () => {
    const metadata = serializeMetadata(metadataFor(zone, { filename: "evil.bin" }));
    const response = await app.handle(
      tusRequest("HEAD", "/_tus", zone.session, { "Sec-Fetch-Site": "cross-site", "X-HTTP-Method-Override": "POST", "Upload-Length": "10", "Upload-Metadata": metadata }),
    );
    expect(response.status).toBe(403);
    expect(tusFiles(tempDir)).toEqual([]);
  });

  test("a plain HEAD from another origin still reads the offset: it changes nothing", async () => {
    const location = await createUpload(app, zone, 100, { filename: "read.bin" });
    const response = await app.handle(tusRequest("HEAD", location, zone.session, { Origin: "http://evil.example" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("Upload-Offset")).toBe("0");
  });
});

describe("a PATCH on an upload its handler already took", () => {
  let zone: Zone;
  let location: string;
  beforeEach(async () => {
    zone = await openZone(app, "/lab", "files", "take");
    location = await createUpload(app, zone, 100, { filename: "done.bin" });
    expect((await patch(app, location, zone.session, 0, randomBytes(100))).status).toBe(204);
    await eventually(() => lab.files.length === 1, "the handler to take the file");
    await eventually(() => dataFiles().length === 0, "the taken file's bytes to go");
  });

  test("with its final offset and an empty body answers 204 with that offset and creates no file", async () => {
    const response = await patch(app, location, zone.session, 100, new Uint8Array());
    expect(response.status).toBe(204);
    expect(response.headers.get("Upload-Offset")).toBe("100");
    expect(dataFiles()).toEqual([]);
    expect(lab.files.length).toBe(1);
  });

  test("with its final offset and a chunked empty body answers 204 and creates no file", async () => {
    const empty = new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
    const response = await patch(app, location, zone.session, 100, empty);
    expect(response.status).toBe(204);
    expect(dataFiles()).toEqual([]);
  });

  test("with bytes past its length answers 413 and creates no file", async () => {
    const response = await patch(app, location, zone.session, 100, randomBytes(10));
    expect(response.status).toBe(413);
    expect(dataFiles()).toEqual([]);
    expect(lab.files.length).toBe(1);
  });
});

describe("answers a client can recover from", () => {
  test("a 409 for a wrong Upload-Offset carries the stored offset, which did not move", async () => {
    const zone = await openZone(app, "/lab", "files", "take");
    const location = await createUpload(app, zone, 100, { filename: "offset.bin" });
    expect((await patch(app, location, zone.session, 0, randomBytes(30))).status).toBe(204);
    const response = await patch(app, location, zone.session, 10, randomBytes(10));
    expect(response.status).toBe(409);
    expect(response.headers.get("Upload-Offset")).toBe("30");
    expect(await response.text()).toContain("HEAD the upload");
    expect((await head(app, location, zone.session)).headers.get("Upload-Offset")).toBe("30");
  });
});

describe("after a restart with another secret", () => {
  test("a resumed upload is refused once with a reason, logged once, without a flood of errors", async () => {
    const dir = join(root, "restart");
    // Listening, so stop() runs the plugin's shutdown as a real restart would.
    const before = labApp({ tempDir: dir, progressIntervalMs: 0 }).listen({ port: 0, hostname: "127.0.0.1" });
    const zone = await openZone(before, "/lab", "files", "take-progress");
    const location = await createUpload(before, zone, 4 * 1024 * 1024, { filename: "big.bin" });
    expect((await patch(before, location, zone.session, 0, randomBytes(1024 * 1024))).status).toBe(204);
    await before.stop();

    const warn = spyOn(console, "warn").mockImplementation(() => {});
    const error = spyOn(console, "error").mockImplementation(() => {});
    try {
      const after = labApp({ tempDir: dir, progressIntervalMs: 0 }, "a different secret").listen({ port: 0, hostname: "127.0.0.1" });
      const refused = await patch(after, location, zone.session, 1024 * 1024, randomBytes(3 * 1024 * 1024));
      expect(refused.status).toBe(410);
      expect(await refused.text()).toContain("reload the page");
      const again = await patch(after, location, zone.session, 1024 * 1024, randomBytes(1024));
      expect(again.status).toBe(410);
      await Bun.sleep(50);
      expect(warn.mock.calls.length).toBe(1);
      expect(error.mock.calls.length).toBe(0);
      expect(tusFiles(dir).filter((name) => !name.endsWith(".json"))).toEqual([]);
      expect(lab.files).toEqual([]);
      await after.stop();
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });
});

test("the upload's session is its page's: another session's cookie gets 404", async () => {
  const zone = await openZone(app, "/lab", "files", "take");
  const location = await createUpload(app, zone, 100, { filename: "mine.bin" });
  const stranger = await openZone(app, "/lab", "files", "take");
  expect((await patch(app, location, stranger.session, 0, randomBytes(10))).status).toBe(404);
  expect(new URL(ORIGIN + location).pathname).toBe(location);
});


test("a relativePath in the metadata reaches the handler as a path inside its folder, never climbing out", async () => {
  const zone = await openZone(app, "/lab", "files", "take");
  const metadata = serializeMetadata({ ...metadataFor(zone, { filename: "a.txt" }), relativePath: "../../docs/2024/a.txt" });
  const response = await app.handle(tusRequest("POST", "/_tus", zone.session, { "Upload-Length": "3", "Upload-Metadata": metadata }));
  expect(response.status).toBe(201);
  const location = new URL(response.headers.get("Location")!, ORIGIN).pathname;
  let seen: string[] = [];
  lab.onTake = (files) => (seen = files.map((file) => file.relativePath));
  expect((await patch(app, location, zone.session, 0, randomBytes(3))).status).toBe(204);
  await eventually(() => seen.length === 1, "the handler to take the file");
  expect(seen).toEqual(["docs/2024/a.txt"]);
});
