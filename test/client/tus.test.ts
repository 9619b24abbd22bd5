import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import {
  $,
  FakeXhr,
  fileOf,
  listedNames,
  message,
  pick,
  registerDom,
  settle,
  startPage,
  submitUpload,
  unregisterDom,
  until,
  type Page,
  type ZoneOptions,
} from "./dom";
import { decodeMetadata, FakeTusServer } from "./tus-server";

beforeAll(registerDom);
afterAll(unregisterDom);

let page: Page;
let server: FakeTusServer;
const start = (options: ZoneOptions = {}) => {
  page = startPage({ resumableAbove: 1, ...options });
  server = new FakeTusServer();
};
afterEach(async () => {
  // Nothing of this test's upload may reach the next test's server.
  document.dispatchEvent(new CustomEvent("hs:actions", { detail: [{ type: "cancelUpload", id: "upload1" }] }));
  for (let tick = 0; tick < 5; tick++) await settle();
  page.stop();
  localStorage.clear();
});

const textFile = (name: string, text: string, type = "text/plain") =>
  new File([text], name, { type, lastModified: 1_700_000_000_000 });
const sha256 = (text: string) => createHash("sha256").update(text).digest("base64");
const storedKeys = () => Object.keys(localStorage).filter((key) => key.startsWith("hs-tus:"));

/** Points the Upload button at a handler whose marker asks for chunks (uploadFilesChunk). */
function useChunkedHandler(): void {
  const args = encodeURIComponent(JSON.stringify([{ $upload: "upload1", chunked: true }]));
  $("#upload-button").setAttribute("formaction", `/_upload?id=upload1&handler=S.handleChunks&args=${args}`);
}

test("creates an upload per file, before any data, with the tus headers and the batch in Upload-Metadata", async () => {
  start();
  $("#hs-form-upload1").insertAdjacentHTML("afterbegin", '<input type="hidden" name="hs-upload" value="signed-limits">');
  pick([fileOf("a.txt", 3, "text/plain"), fileOf("résumé 📄.pdf", 5, "application/pdf")]);
  submitUpload();
  await until(() => server.sent("PATCH").length === 2 && server.complete(), "the upload");

  const posts = server.sent("POST");
  expect(posts.map((post) => [post.url, post.headers["Upload-Length"]])).toEqual([
    ["/_tus", "3"],
    ["/_tus", "5"],
  ]);
  expect(posts[0]!.headers).toMatchObject({ "Tus-Resumable": "1.0.0", "HX-Request": "true", "HS-Tab": "tab-7" });
  const [first, second] = posts.map((post) => decodeMetadata(post.headers["Upload-Metadata"]!));
  expect(first!.batch).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(second).toEqual({
    filename: "résumé 📄.pdf",
    filetype: "application/pdf",
    handler: "S.handleUpload",
    upload: "upload1",
    config: "signed-limits",
    args: JSON.stringify([{ $upload: "upload1" }]),
    batch: first!.batch!,
    batchSize: "2",
    progress: "S.onProgress",
    signature: "signed-action",
  });
  expect(server.requests.findIndex((request) => request.method === "PATCH")).toBe(2);
});

test("two clicks make two batches", async () => {
  start();
  pick([fileOf("a.txt", 3)]);
  submitUpload();
  await until(() => server.complete() && server.sent("PATCH").length === 1, "the first upload");
  await settle();
  pick([fileOf("b.txt", 3)]);
  submitUpload();
  await until(() => server.sent("POST").length === 2, "the second creation");
  const [first, second] = server.sent("POST").map((post) => decodeMetadata(post.headers["Upload-Metadata"]!));
  expect(first!.batch).not.toBe(second!.batch!);
});

test("with the checksum option, sends a file in chunks of chunkSize, each with its offset and the SHA-256 of its bytes", async () => {
  start({ chunkSize: 4, checksum: true });
  pick([textFile("digits.txt", "0123456789")]);
  submitUpload();
  await until(() => server.sent("PATCH").length === 3 && server.complete(), "the upload");

  const patches = server.sent("PATCH");
  expect(patches.map((patch) => patch.headers["Upload-Offset"])).toEqual(["0", "4", "8"]);
  expect(patches.map((patch) => new TextDecoder().decode(patch.sentBytes!))).toEqual(["0123", "4567", "89"]);
  expect(patches.map((patch) => patch.headers["Upload-Checksum"])).toEqual([
    `sha256 ${sha256("0123")}`,
    `sha256 ${sha256("4567")}`,
    `sha256 ${sha256("89")}`,
  ]);
  expect(patches[0]!.headers).toMatchObject({ "Content-Type": "application/offset+octet-stream", "Tus-Resumable": "1.0.0" });
  expect(server.text(server.sent("POST")[0]!.responseHeaders.location!)).toBe("0123456789");
});

test("without chunkSize, a file goes in one PATCH whose body is the picked File itself, with no checksum", async () => {
  start();
  const file = textFile("digits.txt", "0123456789");
  pick([file]);
  submitUpload();
  await until(() => server.complete() && server.sent("PATCH").length === 1, "the upload");

  const [patch] = server.sent("PATCH");
  // The File, not a slice of it: Chromium streams a File from disk in its network process.
  expect(patch!.body).toBe(file);
  expect(patch!.headers["Upload-Offset"]).toBe("0");
  expect(patch!.headers).not.toHaveProperty("Upload-Checksum");
  expect(server.text(server.sent("POST")[0]!.responseHeaders.location!)).toBe("0123456789");
});

test("with the checksum option and no chunkSize, PATCHes are 8 MiB, each with its SHA-256", async () => {
  start({ checksum: true, maxSize: 64 * 1024 ** 2 });
  const size = 8 * 1024 ** 2 + 3;
  pick([fileOf("big.bin", size)]);
  submitUpload();
  await until(() => server.complete() && server.sent("PATCH").length === 2, "the upload");

  const patches = server.sent("PATCH");
  expect(patches.map((patch) => patch.sentBytes!.length)).toEqual([8 * 1024 ** 2, 3]);
  expect(patches[1]!.headers["Upload-Checksum"]).toBe(`sha256 ${sha256("xxx")}`);
});

test("sends each chunk as a slice of the picked file, which the browser streams from disk, not as a copy in memory", async () => {
  start({ chunkSize: 4 });
  pick([textFile("digits.txt", "0123456789")]);
  submitUpload();
  await until(() => server.sent("PATCH").length === 3 && server.complete(), "the upload");

  expect(server.sent("PATCH").map((patch) => [patch.body instanceof Blob, patch.body instanceof ArrayBuffer])).toEqual([
    [true, false],
    [true, false],
    [true, false],
  ]);
});

test("never sends more than three files at once", async () => {
  start({ chunkSize: 4 });
  let most = 0;
  const onSend = FakeXhr.onSend!;
  FakeXhr.onSend = (request) => {
    onSend(request);
    const unanswered = server.sent("PATCH").filter((patch) => patch.status === 0).length;
    most = Math.max(most, unanswered);
  };
  server.override = (request) => (request.method === "PATCH" ? "hold" : undefined);
  pick(["a", "b", "c", "d", "e"].map((name) => textFile(`${name}.txt`, "12345678")));
  submitUpload();
  await until(() => server.held.length === 3, "three files on their way");
  for (let tick = 0; tick < 10; tick++) await settle();
  expect(server.held.length).toBe(3);
  for (let round = 0; round < 100 && !(server.sent("PATCH").length === 10 && server.complete()); round++) {
    server.release();
    await settle();
  }
  expect(server.complete()).toBe(true);
  expect(server.uploads.size).toBe(5);
  expect(most).toBe(3);
});

test("when every file is on the server it clears them from the selection, the busy mark and the stored entries", async () => {
  start({ chunkSize: 4, resumableAbove: 8 });
  server.override = (request) => (request.method === "PATCH" ? "hold" : undefined);
  pick([textFile("a.txt", "12345678")]);
  submitUpload();
  await until(() => server.held.length === 1, "the first chunk");
  expect($("#upload1").getAttribute("aria-busy")).toBe("true");
  expect(JSON.parse(localStorage.getItem("hs-tus:upload1:a.txt:8:1700000000000")!)).toEqual({
    url: "/_tus/u1",
    batch: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    batchSize: 1,
  });
  pick([textFile("picked-meanwhile.txt", "1")]);
  server.override = () => undefined;
  server.release();
  await until(() => !$("#upload1").hasAttribute("aria-busy"), "the end of the upload");

  expect(server.text("/_tus/u1")).toBe("12345678");
  expect(listedNames()).toEqual(["picked-meanwhile.txt"]);
  expect(storedKeys()).toEqual([]);
  expect(message()).toBe("");
});

test("a creation refused with 413 shows the server's message, sends nothing, and deletes the batch's uploads", async () => {
  start();
  let posts = 0;
  server.override = (request) =>
    request.method === "POST" && ++posts === 2 ? { status: 413, text: "b.txt: File is larger than 1 MB" } : undefined;
  pick([fileOf("a.txt", 3), fileOf("b.txt", 4)]);
  submitUpload();
  await until(() => server.sent("DELETE").length === 1, "the DELETE");

  expect(message()).toBe("b.txt: File is larger than 1 MB");
  expect(server.sent("DELETE")[0]!.url).toBe("/_tus/u1");
  expect(server.sent("PATCH")).toEqual([]);
  expect(listedNames()).toEqual(["a.txt", "b.txt"]);
  expect($("#upload1").hasAttribute("aria-busy")).toBe(false);
  expect(storedKeys()).toEqual([]);
});

test("a chunk refused with 403 stops every file of the batch with the server's message", async () => {
  start({ chunkSize: 2 });
  server.override = (request) =>
    request.method === "PATCH" && request.url === "/_tus/u2" ? { status: 403, text: "Your session ended" } : undefined;
  pick([fileOf("a.txt", 8), fileOf("b.txt", 8)]);
  submitUpload();
  await until(() => server.sent("DELETE").length === 2, "the DELETEs");

  expect(message()).toBe("Your session ended");
  expect(server.uploads.size).toBe(0);
  expect(server.sent("PATCH").length).toBeLessThan(4);
  expect(listedNames()).toEqual(["a.txt", "b.txt"]);
});

test("cancelUpload aborts the requests on their way and deletes every upload of the batch", async () => {
  start();
  server.override = (request) => (request.method === "PATCH" ? "hold" : undefined);
  pick([fileOf("a.txt", 3), fileOf("b.txt", 4)]);
  submitUpload();
  await until(() => server.held.length === 2, "both files on their way");
  const inFlight = [...server.held];
  document.dispatchEvent(new CustomEvent("hs:actions", { detail: [{ type: "cancelUpload", id: "upload1" }] }));
  await until(() => server.sent("DELETE").length === 2, "the DELETEs");

  expect(inFlight.every((request) => request.aborted)).toBe(true);
  expect(server.sent("DELETE").map((request) => request.url).sort()).toEqual(["/_tus/u1", "/_tus/u2"]);
  expect(page.fetchCalls.map((call) => call.url)).toEqual(["/_upload/_cancel?id=upload1"]);
  expect(message()).toBe("Upload cancelled");
  expect($("#upload1").hasAttribute("aria-busy")).toBe(false);
  expect(storedKeys()).toEqual([]);
  for (let tick = 0; tick < 10; tick++) await settle();
  expect(server.sent("PATCH").length).toBe(2);
  expect(message()).toBe("Upload cancelled");
});

test("a cancel right after the click, while the tus client loads, sends nothing", async () => {
  start();
  pick([fileOf("a.txt", 3)]);
  submitUpload();
  document.dispatchEvent(new CustomEvent("hs:actions", { detail: [{ type: "cancelUpload", id: "upload1" }] }));
  for (let tick = 0; tick < 10; tick++) await settle();
  expect(server.requests).toEqual([]);
  expect(message()).toBe("Upload cancelled");
  expect(listedNames()).toEqual(["a.txt"]);
});

test("a success without Upload-Offset stops the upload rather than starting the file over", async () => {
  start({ chunkSize: 2 });
  server.override = (request) => (request.method === "PATCH" ? { status: 204 } : undefined);
  pick([fileOf("a.txt", 4)]);
  submitUpload();
  await until(() => !$("#upload1").hasAttribute("aria-busy"), "the end of the upload");
  expect(message()).toBe("Upload failed: 204");
  expect(server.sent("PATCH").length).toBe(1);
});

test("files smaller than resumableAbove still go as one multipart request", () => {
  start({ resumableAbove: 100 });
  pick([fileOf("a.txt", 99)]);
  submitUpload();
  expect(FakeXhr.requests.map((request) => [request.method, new URL(request.url).pathname])).toEqual([["POST", "/_upload"]]);
  expect(server.requests).toEqual([]);
});

test("one file of resumableAbove bytes sends the whole selection over tus, as one batch", async () => {
  start({ resumableAbove: 100 });
  pick([fileOf("small.txt", 3), fileOf("big.txt", 100)]);
  submitUpload();
  await until(() => server.sent("POST").length === 2, "the creations");
  expect(server.sent("POST").map((post) => decodeMetadata(post.headers["Upload-Metadata"]!).batchSize)).toEqual(["2", "2"]);
  expect(FakeXhr.requests.every((request) => request.url.startsWith("/_tus"))).toBe(true);
});

test("a handler that asks for chunks gets even a small file over tus", async () => {
  start({ resumableAbove: undefined });
  useChunkedHandler();
  pick([fileOf("a.txt", 3)]);
  submitUpload();
  await until(() => server.complete() && server.sent("PATCH").length === 1, "the upload");
  expect(decodeMetadata(server.sent("POST")[0]!.headers["Upload-Metadata"]!)).toMatchObject({
    handler: "S.handleChunks",
    args: JSON.stringify([{ $upload: "upload1", chunked: true }]),
  });
});
