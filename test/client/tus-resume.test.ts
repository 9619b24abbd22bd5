import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import {
  $,
  FakeXhr,
  listedNames,
  pick,
  registerDom,
  settle,
  startPage,
  submitUpload,
  unregisterDom,
  until,
  type Page,
} from "./dom";
import { decodeMetadata, FakeTusServer } from "./tus-server";

beforeAll(registerDom);
afterAll(unregisterDom);

const OPTIONS = { resumableAbove: 1, chunkSize: 4 };
let page: Page;
let server: FakeTusServer;
const start = () => {
  page = startPage(OPTIONS);
  server = new FakeTusServer();
};
afterEach(async () => {
  document.dispatchEvent(new CustomEvent("hs:actions", { detail: [{ type: "cancelUpload", id: "upload1" }] }));
  for (let tick = 0; tick < 5; tick++) await settle();
  page.stop();
  localStorage.clear();
});

const textFile = (name: string, text: string) => new File([text], name, { type: "text/plain", lastModified: 1_700_000_000_000 });
const entryKey = (file: File) => `hs-tus:upload1:${file.name}:${file.size}:${file.lastModified}`;
function store(file: File, url: string, batch: string, batchSize: number): void {
  localStorage.setItem(entryKey(file), JSON.stringify({ url, batch, batchSize }));
}
const done = () => server.uploads.size > 0 && server.complete() && !$("#upload1").hasAttribute("aria-busy");
const patches = () => server.sent("PATCH").map((patch) => `${patch.url} ${patch.headers["Upload-Offset"]}`);

test("after a reload it asks where each stored upload stands and goes on from there, creating nothing", async () => {
  start();
  const a = textFile("a.txt", "01234567");
  const b = textFile("b.txt", "abcd");
  store(a, await server.create(a, 4), "batch-1", 2);
  store(b, await server.create(b, 0), "batch-1", 2);
  pick([a, b]);
  submitUpload();
  await until(done, "the upload");

  expect(server.sent("POST")).toEqual([]);
  expect(server.sent("HEAD").map((head) => head.url)).toEqual(["/_tus/u1", "/_tus/u2"]);
  expect(patches()).toEqual(["/_tus/u1 4", "/_tus/u2 0"]);
  expect(server.text("/_tus/u1")).toBe("01234567");
  expect(server.text("/_tus/u2")).toBe("abcd");
  expect(listedNames()).toEqual([]);
  expect(localStorage.length).toBe(0);
});

test("a reload in the middle of an upload goes on where the server stopped", async () => {
  start();
  let patchCount = 0;
  // The second chunk never gets an answer: the page reloads meanwhile.
  server.override = (request) => (request.method === "PATCH" && ++patchCount === 2 ? "hold" : undefined);
  pick([textFile("a.txt", "01234567")]);
  submitUpload();
  await until(() => server.held.length === 1, "the second chunk");

  const onSend = FakeXhr.onSend;
  page.stop();
  page = startPage(OPTIONS);
  FakeXhr.onSend = onSend;
  server.override = () => undefined;
  pick([textFile("a.txt", "01234567")]);
  submitUpload();
  await until(done, "the upload after the reload");

  expect(server.sent("POST").length).toBe(1);
  expect(patches()).toEqual(["/_tus/u1 0", "/_tus/u1 4", "/_tus/u1 4"]);
  expect(server.text("/_tus/u1")).toBe("01234567");
});

test("stored uploads of a batch of another size start a new batch, and the old uploads are deleted", async () => {
  start();
  const a = textFile("a.txt", "0123");
  store(a, await server.create(a, 2), "batch-1", 2);
  pick([a]);
  submitUpload();
  await until(done, "the upload");

  expect(server.sent("HEAD")).toEqual([]);
  expect(server.sent("DELETE").map((request) => request.url)).toEqual(["/_tus/u1"]);
  expect(server.sent("POST").length).toBe(1);
  expect(decodeMetadata(server.sent("POST")[0]!.headers["Upload-Metadata"]!).batch).not.toBe("batch-1");
  expect(patches()).toEqual(["/_tus/u2 0"]);
});

test("stored uploads of different batches start a new batch", async () => {
  start();
  const a = textFile("a.txt", "0123");
  const b = textFile("b.txt", "4567");
  store(a, await server.create(a, 2), "batch-1", 2);
  store(b, await server.create(b, 2), "batch-2", 2);
  pick([a, b]);
  submitUpload();
  await until(done, "the upload");

  expect(server.sent("HEAD")).toEqual([]);
  expect(server.sent("DELETE").map((request) => request.url)).toEqual(["/_tus/u1", "/_tus/u2"]);
  expect(server.sent("POST").length).toBe(2);
});

test("when the server no longer knows one stored upload, every file starts again in a new batch", async () => {
  start();
  const a = textFile("a.txt", "01234567");
  const b = textFile("b.txt", "abcd");
  store(a, await server.create(a, 4), "batch-1", 2);
  store(b, "/_tus/expired", "batch-1", 2);
  pick([a, b]);
  submitUpload();
  await until(done, "the upload");

  expect(server.sent("HEAD").map((head) => head.url)).toEqual(["/_tus/u1", "/_tus/expired"]);
  expect(server.sent("DELETE").map((request) => request.url)).toEqual(["/_tus/u1", "/_tus/expired"]);
  const created = server.sent("POST").map((post) => decodeMetadata(post.headers["Upload-Metadata"]!));
  expect(created.map((metadata) => [metadata.filename, metadata.batchSize])).toEqual([
    ["a.txt", "2"],
    ["b.txt", "2"],
  ]);
  expect(created[0]!.batch).not.toBe("batch-1");
  expect(patches().sort()).toEqual(["/_tus/u2 0", "/_tus/u2 4", "/_tus/u3 0"]);
});

test("with no connection to ask where stored uploads stand, it keeps them for a later try", async () => {
  start();
  const a = textFile("a.txt", "01234567");
  store(a, await server.create(a, 4), "batch-1", 1);
  server.override = (request) => (request.method === "HEAD" ? "drop" : undefined);
  pick([a]);
  submitUpload();
  await until(() => !$("#upload1").hasAttribute("aria-busy"), "the end of the upload");

  expect($("[data-hs-upload-message]").textContent).toBe("Upload failed: connection lost");
  expect(server.sent("DELETE")).toEqual([]);
  expect(server.sent("POST")).toEqual([]);
  expect(localStorage.getItem(entryKey(a))).toContain("/_tus/u1");
});

test("files still upload when the browser refuses localStorage", async () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "localStorage")!;
  start();
  Object.defineProperty(globalThis, "localStorage", {
    configurable: true,
    get: () => {
      throw new DOMException("The operation is insecure.", "SecurityError");
    },
  });
  try {
    pick([textFile("a.txt", "0123")]);
    submitUpload();
    await until(done, "the upload");
  } finally {
    Object.defineProperty(globalThis, "localStorage", descriptor);
  }
  expect(server.text("/_tus/u1")).toBe("0123");
});
