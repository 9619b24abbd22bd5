// The server enforces each zone's signed limits again, whatever the browser
// checked: a refused upload answers 413, 415 or 422 with a message naming the
// file, runs no handler and leaves no file anywhere.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { getUploadDir } from "../../../src/upload/storage/paths";
import {
  BOUNDARY,
  filePart,
  filesIn,
  hiddenParts,
  hooks,
  multipart,
  openPage,
  pngBytes,
  postUpload,
  records,
  SCRIPT_HEADERS,
  shownState,
  uploadApp,
  uploadRequest,
  withConfigInQuery,
  type App,
  type Part,
  type RenderedPage,
  useUploadTestbed,
} from "../fixture";
import { openRawRequest } from "../raw-http";

const testbed = useUploadTestbed("hs-receive-limits-");

beforeEach(() => {
  rmSync(getUploadDir(), { recursive: true, force: true });
  // Were the handler to run, the files would stay in the upload folder.
  hooks.take = async (files) => {
    for (const file of files) await file.moveTo(join(getUploadDir(), file.name));
  };
});

function send(page: RenderedPage, zone: string, files: Part[], target: App = testbed.app): Promise<Response> {
  return postUpload(target, page.buttons.get(`send-${zone}`)!, [...hiddenParts(page.forms.get(zone)!), ...files], { session: page.session });
}

/** A refusal: the status, the message naming the file, no handler run, no file kept, the state as it was. */
async function expectRefused(page: RenderedPage, response: Response, statuses: number[], message: string, target: App = testbed.app) {
  expect(statuses).toContain(response.status);
  expect(await response.text()).toContain(message);
  expect(records.take).toHaveLength(0);
  expect(filesIn(testbed.tempDir)).toEqual([]);
  expect(filesIn(getUploadDir())).toEqual([]);
  expect((await shownState(target, page.session)).count).toBe("0");
}

const bytes = (size: number) => new Uint8Array(size).fill(0x61);

describe("how many files", () => {
  test("one file more than maxFiles is refused, naming the file that did not fit", async () => {
    const page = await openPage(testbed.app);
    const files = ["a.txt", "b.txt", "c.txt", "d.txt"].map((name) => filePart(name, "x"));
    await expectRefused(page, await send(page, "three", files), [422], "d.txt: Too many files: at most 3");
  });

  test("exactly maxFiles files are taken", async () => {
    const page = await openPage(testbed.app);
    const response = await send(page, "three", ["a.txt", "b.txt", "c.txt"].map((name) => filePart(name, "x")));
    expect(response.status).toBe(200);
    expect(records.take[0]!.map((file) => file.name)).toEqual(["a.txt", "b.txt", "c.txt"]);
  });

  test("a zone with multiple={false} refuses a second file", async () => {
    const page = await openPage(testbed.app);
    const response = await send(page, "single", [filePart("a.txt", "a"), filePart("b.txt", "b")]);
    await expectRefused(page, response, [413, 422], "b.txt: Only one file is allowed");
  });
});

describe("file sizes", () => {
  test("a file one byte over maxSize is refused with 413", async () => {
    const page = await openPage(testbed.app);
    await expectRefused(page, await send(page, "sized", [filePart("big.bin", bytes(101))]), [413], "big.bin");
  });

  test("a file of exactly maxSize is taken", async () => {
    const page = await openPage(testbed.app);
    const response = await send(page, "sized", [filePart("exact.bin", bytes(100))]);
    expect(response.status).toBe(200);
    expect(records.take[0]![0]!.size).toBe(100);
  });

  test("a file under minSize is refused with 422", async () => {
    const page = await openPage(testbed.app);
    await expectRefused(page, await send(page, "sized", [filePart("tiny.bin", bytes(9))]), [422], "tiny.bin: File is smaller than 10 B");
  });

  test("the server's maxFileSize caps a zone that sets no maxSize", async () => {
    const capped = uploadApp({ tempDir: testbed.tempDir, maxFileSize: 2048 });
    const page = await openPage(capped);
    await expectRefused(page, await send(page, "any", [filePart("over.bin", bytes(2049))], capped), [413], "over.bin", capped);
    const atCap = await send(page, "any", [filePart("at-cap.bin", bytes(2048))], capped);
    expect(atCap.status).toBe(200);
  });
});

describe("the whole body", () => {
  test("a body sent without Content-Length (chunked) is still held to the server's maxRequestSize", async () => {
    const capped = uploadApp({ tempDir: testbed.tempDir, maxRequestSize: 64 * 1024 });
    const page = await openPage(capped);
    const url = withConfigInQuery(page.buttons.get("send-any")!, page.forms.get("any")!);
    const bytes = multipart([...hiddenParts(page.forms.get("any")!), filePart("huge.bin", new Uint8Array(256 * 1024))]);
    const chunked = new ReadableStream<Uint8Array>({
      start(stream) {
        for (let offset = 0; offset < bytes.length; offset += 16 * 1024) stream.enqueue(bytes.subarray(offset, offset + 16 * 1024));
        stream.close();
      },
    });
    const request = uploadRequest(url, chunked, { session: page.session });
    expect(request.headers.get("Content-Length")).toBeNull();
    await expectRefused(page, await capped.handle(request), [413], "larger than", capped);
  });
});

describe("file types", () => {
  test("an image zone takes a PNG", async () => {
    const page = await openPage(testbed.app);
    const response = await send(page, "images", [filePart("photo.png", pngBytes(), "image/png")]);
    expect(response.status).toBe(200);
  });

  test("an image zone refuses an .exe with 415, whatever type it declares", async () => {
    const page = await openPage(testbed.app);
    await expectRefused(page, await send(page, "images", [filePart("setup.exe", bytes(64))]), [415], "setup.exe: File type must be .png, .jpg, .jpeg");
    await expectRefused(page, await send(page, "images", [filePart("setup.exe", pngBytes(), "image/png")]), [415], "setup.exe");
  });

  test("a .png declared as text/html is refused with 415", async () => {
    const page = await openPage(testbed.app);
    await expectRefused(page, await send(page, "images", [filePart("x.png", pngBytes(), "text/html")]), [415], "x.png");
  });

  test("a .png declared image/png whose bytes are an ELF executable is refused with 415", async () => {
    const page = await openPage(testbed.app);
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), bytes(56)]);
    await expectRefused(page, await send(page, "images", [filePart("x.png", elf, "image/png")]), [415], "x.png");
  });

  test("a .png declared image/png whose bytes are HTML is refused with 415", async () => {
    const page = await openPage(testbed.app);
    const html = "<!doctype html><html><script>alert(document.cookie)</script></html>";
    await expectRefused(page, await send(page, "images", [filePart("x.png", html, "image/png")]), [415], "x.png");
  });
});

describe("Content-Length, before the body is read", () => {
  let server: App;
  let port: number;

  beforeAll(() => {
    server = uploadApp({ tempDir: testbed.tempDir, maxRequestSize: 1024 * 1024 });
    server.listen({ port: 0, hostname: "127.0.0.1" });
    port = server.server!.port!;
  });

  afterAll(async () => {
    await server.stop(true);
  });

  /** Sends the head of an upload announcing `length` bytes, and one small part of them; the rest never comes. */
  async function announce(page: RenderedPage, url: string, length: number) {
    const request = await openRawRequest(port, url, {
      "Content-Type": `multipart/form-data; boundary=${BOUNDARY}`,
      "Content-Length": String(length),
      Cookie: `hs_session=${page.session}`,
      Origin: `http://127.0.0.1:${port}`,
      Referer: `http://127.0.0.1:${port}/zones`,
      ...SCRIPT_HEADERS,
    });
    await request.write(Buffer.from(`--${BOUNDARY}\r\n`));
    return request;
  }

  test("a body announced larger than the server's maxRequestSize is refused with 413 before it is sent", async () => {
    const page = await openPage(server);
    const request = await announce(page, page.buttons.get("send-any")!, 10 * 1024 * 1024);
    const response = await request.response;
    request.destroy();
    expect(response.status).toBe(413);
    expect(response.body).toContain("larger than the server accepts (1048576 bytes)");
    expect(records.take).toHaveLength(0);
    expect(filesIn(testbed.tempDir)).toEqual([]);
  });

  test("a body announced larger than the zone's maxFiles × maxSize is refused with 413 when the limits ride in the query", async () => {
    const page = await openPage(server);
    const url = withConfigInQuery(page.buttons.get("send-pair")!, page.forms.get("pair")!);
    const request = await announce(page, url, 512 * 1024);
    const response = await request.response;
    request.destroy();
    expect(response.status).toBe(413);
    expect(response.body).toContain("larger than this form accepts (2 × 1000 bytes)");
    expect(records.take).toHaveLength(0);
    expect(filesIn(testbed.tempDir)).toEqual([]);
  });
});
