// POST /_upload over a real socket while the body is still arriving: the
// progress handler at a bounded rate, cancelling from the page or from a
// handler, and a client that goes away. Nothing may stay in the temp folder.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BOUNDARY,
  filePart,
  filesIn,
  hiddenParts,
  multipart,
  openPage,
  records,
  resetRecords,
  SCRIPT_HEADERS,
  uploadApp,
  waitFor,
  withConfigInQuery,
  type App,
  type RenderedPage,
} from "../fixture";
import { openRawRequest, type RawRequest } from "../raw-http";

const PROGRESS_INTERVAL_MS = 50;
const MiB = 1024 * 1024;

let root: string;
let tempDir: string;
let server: App;
let origin: string;
const previousUploadDir = process.env.UPLOADED_FILES_DIR;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "hs-receive-stream-"));
  tempDir = join(root, "tmp");
  process.env.UPLOADED_FILES_DIR = join(root, "uploads");
  server = uploadApp({ tempDir, progressIntervalMs: PROGRESS_INTERVAL_MS });
  server.listen({ port: 0, hostname: "127.0.0.1" });
  origin = `http://127.0.0.1:${server.server!.port}`;
});

afterAll(async () => {
  await server.stop(true);
  if (previousUploadDir === undefined) delete process.env.UPLOADED_FILES_DIR;
  else process.env.UPLOADED_FILES_DIR = previousUploadDir;
  rmSync(root, { recursive: true, force: true });
});

beforeEach(resetRecords);

function headersFor(page: RenderedPage, length?: number): Record<string, string> {
  return {
    "Content-Type": `multipart/form-data; boundary=${BOUNDARY}`,
    ...(length === undefined ? {} : { "Content-Length": String(length) }),
    Cookie: `hs_session=${page.session}`,
    Origin: origin,
    Referer: `${origin}/zones`,
    ...SCRIPT_HEADERS,
  };
}

/** A whole upload body for zone "any" with one file of `size` bytes. */
function bodyFor(page: RenderedPage, size: number): Uint8Array {
  return multipart([...hiddenParts(page.forms.get("any")!), filePart("big.bin", new Uint8Array(size).fill(0x62))]);
}

/** Starts an upload over a socket and sends its first `sent` bytes; the rest is the test's to send or not. */
async function startUpload(page: RenderedPage, button: string, body: Uint8Array, sent: number): Promise<RawRequest> {
  const url = withConfigInQuery(page.buttons.get(button)!, page.forms.get("any")!);
  const request = await openRawRequest(server.server!.port!, url, headersFor(page, body.length));
  if (sent > 0) {
    await request.write(body.subarray(0, sent));
    await waitFor(() => filesIn(tempDir).length > 0, "the upload's temp file");
  }
  return request;
}

async function sendSlowly(request: RawRequest, bytes: Uint8Array, chunkSize: number, pauseMs: number): Promise<void> {
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    await request.write(bytes.subarray(offset, offset + chunkSize));
    await Bun.sleep(pauseMs);
  }
}

function postEvent(page: RenderedPage, name: string): Promise<Response> {
  return server.handle(
    new Request(`${origin}/_event/${name}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: `hs_session=${page.session}`, Origin: origin, "HX-Current-URL": `${origin}/zones`, Referer: `${origin}/zones`, ...SCRIPT_HEADERS },
      body: "",
    }),
  );
}

function postCancel(session: string, id: string): Promise<Response> {
  return server.handle(new Request(`${origin}/_upload/_cancel?id=${id}`, { method: "POST", headers: { Cookie: `hs_session=${session}`, Origin: origin } }));
}

describe("progress", () => {
  test("the progress handler hears of the bytes stored, never going back, ending at 100 %", async () => {
    const page = await openPage(server);
    const body = bodyFor(page, 256 * 1024);
    const request = await startUpload(page, "send-progress", body, 0);
    await sendSlowly(request, body, 16 * 1024, 5);
    const response = await request.response;
    expect(response.status).toBe(200);
    const values = records.progress;
    expect(values.length).toBeGreaterThanOrEqual(2);
    for (const value of values) {
      expect(Object.keys(value).sort()).toEqual(["loaded", "progress", "total"]);
      expect(value.total).toBe(body.length);
      expect(value.progress).toBeCloseTo(value.loaded / value.total, 10);
    }
    for (let i = 1; i < values.length; i++) expect(values[i]!.loaded).toBeGreaterThanOrEqual(values[i - 1]!.loaded);
    expect(values.at(-1)).toEqual({ loaded: body.length, total: body.length, progress: 1 });
    // Progress comes before the handler's own run.
    expect(records.take).toHaveLength(1);
  });

  test("a slow multi-MiB upload reports progress several times, but not more often than progressIntervalMs", async () => {
    const page = await openPage(server);
    const body = bodyFor(page, 4 * MiB);
    const started = performance.now();
    const request = await startUpload(page, "send-progress", body, 0);
    await sendSlowly(request, body, 64 * 1024, 12);
    expect((await request.response).status).toBe(200);
    const elapsed = performance.now() - started;
    const calls = records.progress.length;
    expect(elapsed).toBeGreaterThan(500);
    expect(calls).toBeGreaterThan(2);
    // One call per interval at most, plus the first and the final 100 %.
    expect(calls).toBeLessThanOrEqual(Math.ceil(elapsed / PROGRESS_INTERVAL_MS) + 2);
  });
});

describe("cancelling", () => {
  test("POST /_upload/_cancel stops a running upload: it ends with a 4xx, no file stays, the handler never runs", async () => {
    const page = await openPage(server);
    const body = bodyFor(page, 2 * MiB);
    const request = await startUpload(page, "send-any", body, 64 * 1024);
    const cancel = await postCancel(page.session, "any");
    expect(cancel.status).toBe(204);
    const response = await request.response;
    request.destroy();
    expect(response.status).toBe(409);
    expect(response.body).toContain("The upload was cancelled");
    expect(filesIn(tempDir)).toEqual([]);
    expect(records.take).toHaveLength(0);
  });

  test("a handler that returns cancelUpload(id) stops the session's running upload the same way", async () => {
    const page = await openPage(server);
    const body = bodyFor(page, 2 * MiB);
    const request = await startUpload(page, "send-any", body, 64 * 1024);
    const event = await postEvent(page, "Inbox.stop");
    expect(event.status).toBe(200);
    expect(event.headers.get("HX-Trigger")).toContain("cancelUpload");
    const response = await request.response;
    request.destroy();
    expect(response.status).toBe(409);
    expect(filesIn(tempDir)).toEqual([]);
    expect(records.take).toHaveLength(0);
  });

  test("another session's cancel leaves the upload running to the end", async () => {
    const page = await openPage(server);
    const stranger = await openPage(server);
    const body = bodyFor(page, 256 * 1024);
    const request = await startUpload(page, "send-any", body, 64 * 1024);
    expect((await postCancel(stranger.session, "any")).status).toBe(204);
    await request.write(body.subarray(64 * 1024));
    expect((await request.response).status).toBe(200);
    expect(records.take[0]!.map((file) => file.size)).toEqual([256 * 1024]);
  });

  test("a cancel that names no upload is refused with 400", async () => {
    const page = await openPage(server);
    const response = await server.handle(new Request(`${origin}/_upload/_cancel`, { method: "POST", headers: { Cookie: `hs_session=${page.session}` } }));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("names no id");
  });
});

describe("a client that goes away", () => {
  test("dropping the connection mid-upload leaves nothing in the temp folder and runs no handler", async () => {
    const page = await openPage(server);
    const request = await startUpload(page, "send-any", bodyFor(page, 2 * MiB), 64 * 1024);
    request.destroy();
    await waitFor(() => filesIn(tempDir).length === 0, "the temp folder to empty");
    expect(records.take).toHaveLength(0);
  });

  test("a fetch aborted mid-upload leaves nothing in the temp folder and runs no handler", async () => {
    const page = await openPage(server);
    const body = bodyFor(page, 2 * MiB);
    const controller = new AbortController();
    let offset = 0;
    const slowBody = new ReadableStream<Uint8Array>({
      async pull(stream) {
        if (offset >= body.length) return stream.close();
        if (offset > 0) await Bun.sleep(20);
        stream.enqueue(body.subarray(offset, (offset += 32 * 1024)));
      },
    });
    const url = withConfigInQuery(page.buttons.get("send-any")!, page.forms.get("any")!);
    const sent = fetch(`${origin}${url}`, { method: "POST", body: slowBody, duplex: "half", headers: headersFor(page), signal: controller.signal } as RequestInit);
    await waitFor(() => filesIn(tempDir).length > 0, "the upload's temp file");
    controller.abort();
    expect(await sent.then(() => "answered", (error: Error) => error.name)).toBe("AbortError");
    await waitFor(() => filesIn(tempDir).length === 0, "the temp folder to empty");
    expect(records.take).toHaveLength(0);
  });
});
