import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { BUTTON_ACTION, FakeXhr, fileOf, message, pick, registerDom, settle, startPage, submitUpload, unregisterDom, until, type Page, type ZoneOptions } from "./dom";
import { startClient } from "../../src/client/client";

beforeAll(registerDom);
afterAll(unregisterDom);

let page: Page;
afterEach(() => {
  page.stop();
  localStorage.clear();
});

/** The note of zone upload1 on this page (the DOM is registered by then: location exists). */
const noteKey = () => `hs-upload:${location.pathname}:upload1`;
const file = fileOf("big.bin", 40);
const note = (resumable: boolean) => ({
  url: new URL(BUTTON_ACTION, location.href).href,
  resumable,
  files: [{ name: file.name, relativePath: file.name, size: file.size, lastModified: file.lastModified }],
});

/** A page opened after one that left `upload1`'s upload unfinished. */
async function startAfterReload(resumable: boolean, options: ZoneOptions = {}): Promise<void> {
  page = startPage(options);
  page.stop();
  localStorage.setItem(noteKey(), JSON.stringify(note(resumable)));
  page.stop = startClient();
  await settle();
}

test("an upload running when its page goes away leaves a note of its files and its URL", () => {
  page = startPage();
  pick([file]);
  submitUpload();
  expect(JSON.parse(localStorage.getItem(noteKey())!)).toEqual(note(false));
});

test("an upload that ends, well or not, or is cancelled, leaves no note", async () => {
  page = startPage();
  pick([file]);
  submitUpload();
  FakeXhr.requests.at(-1)!.respond(413, "Too large");
  expect(localStorage.getItem(noteKey())).toBeNull();

  submitUpload();
  document.dispatchEvent(new CustomEvent("hs:actions", { detail: [{ type: "cancelUpload", id: "upload1" }] }));
  expect(localStorage.getItem(noteKey())).toBeNull();
});

test("the next page says which upload stopped and how to go on, and forgets the note", async () => {
  await startAfterReload(true);
  expect(message()).toBe("big.bin: the upload stopped when the page was left. Pick it again to resume.");
  expect(localStorage.getItem(noteKey())).toBeNull();
});

test("a stopped multipart upload is offered again from the start", async () => {
  await startAfterReload(false);
  expect(message()).toBe("big.bin: the upload stopped when the page was left. Pick it again to upload again.");
});

test("the zone's onUploadInterrupted handler receives the stopped files in place of the marker", async () => {
  await startAfterReload(true, { onUploadInterrupted: true });
  expect(page.htmx.ajaxCalls.map((call) => [call.path, JSON.parse(call.options.values["hs-args"])])).toEqual([
    ["/_event/S.interrupted", [[{ name: "big.bin", size: 40, resumable: true }]]],
  ]);
});

test("picking the same file again starts the same upload at once, to the same handler", async () => {
  await startAfterReload(false);
  const before = FakeXhr.requests.length;
  pick([file]);
  await until(() => FakeXhr.requests.length > before, "the upload");
  expect(FakeXhr.requests.at(-1)!.url).toBe(note(false).url);
});

test("picking another file only selects it", async () => {
  await startAfterReload(false);
  const before = FakeXhr.requests.length;
  pick([fileOf("other.bin", 40)]);
  await settle();
  expect(FakeXhr.requests.length).toBe(before);
});

test("a note another page left for a zone of the same id is not this page's", async () => {
  page = startPage();
  page.stop();
  localStorage.setItem("hs-upload:/another-page:upload1", JSON.stringify(note(true)));
  page.stop = startClient();
  await settle();
  expect(message()).toBe("");
  expect(localStorage.getItem("hs-upload:/another-page:upload1")).not.toBeNull();
});
