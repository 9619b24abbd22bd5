import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { FakeXhr, fileOf, listedNames, message, pick, registerDom, startPage, unregisterDom, type Page, type ZoneOptions } from "./dom";

beforeAll(registerDom);
afterAll(unregisterDom);

let page: Page;
const start = (options?: ZoneOptions) => (page = startPage(options));
afterEach(() => page.stop());

test("refuses a file over maxSize with a message naming it", () => {
  start({ maxSize: 100 });
  pick([fileOf("small.txt", 50), fileOf("huge.txt", 500)]);
  expect(listedNames()).toEqual(["small.txt"]);
  expect(message()).toBe("huge.txt: File is larger than 100 B");
});

test("refuses a file of a type not accepted, naming the types", () => {
  start({ accept: { "image/png": [".png"], "image/jpeg": [".jpg"] } });
  pick([fileOf("virus.exe", 10, "application/x-msdownload")]);
  expect(listedNames()).toEqual([]);
  expect(message()).toBe("virus.exe: File type must be .png, .jpg");
});

test("says each refused file on its own line", () => {
  start({ maxSize: 100, minSize: 5 });
  pick([fileOf("empty.txt", 0), fileOf("huge.txt", 500)]);
  const lines = [...document.querySelectorAll("[data-hs-upload-message] p")].map((p) => p.textContent);
  expect(lines).toEqual(["empty.txt: File is smaller than 5 B", "huge.txt: File is larger than 100 B"]);
});

test("a pick that would take the selection past maxFiles is refused whole, each of its files with too-many-files", () => {
  start({ maxFiles: 2, onDropRejected: true });
  pick([fileOf("a.txt", 1)]);
  pick([fileOf("b.txt", 1), fileOf("c.txt", 1)]);
  expect(listedNames()).toEqual(["a.txt"]);
  const [call] = page.htmx.ajaxCalls;
  const [, rejections] = JSON.parse(call!.options.values["hs-args"]);
  const tooMany = [{ code: "too-many-files", message: "Too many files: at most 2" }];
  expect(rejections).toEqual([
    { file: { name: "b.txt", size: 1, type: "application/octet-stream" }, errors: tooMany },
    { file: { name: "c.txt", size: 1, type: "application/octet-stream" }, errors: tooMany },
  ]);
});

test("files refused for their own reasons keep them and do not count towards maxFiles", () => {
  start({ maxFiles: 1, maxSize: 10 });
  pick([fileOf("small.txt", 1), fileOf("huge.txt", 500)]);
  expect(listedNames()).toEqual(["small.txt"]);
  expect(message()).toBe("huge.txt: File is larger than 10 B");
});

test("posts refusals to the onDropRejected handler in place of the marker", () => {
  start({ maxSize: 100, onDropRejected: true });
  pick([fileOf("huge.txt", 500, "application/octet-stream")]);
  expect(page.htmx.ajaxCalls.length).toBe(1);
  const { verb, path, options } = page.htmx.ajaxCalls[0]!;
  expect([verb, path]).toEqual(["POST", "/_event/S.rejected"]);
  expect(options.target).toBe("#hs-root");
  expect(options.swap).toBe("innerMorph");
  expect(options.values["hs-csrf"]).toBe("token-1");
  expect(JSON.parse(options.values["hs-args"])).toEqual([
    "upload1",
    [{ file: { name: "huge.txt", size: 500, type: "application/octet-stream" }, errors: [{ code: "file-too-large", message: "File is larger than 100 B" }] }],
  ]);
  expect(message()).toBe("");
});

test("posts nothing to onDropRejected when every file is accepted", () => {
  start({ onDropRejected: true });
  pick([fileOf("a.txt", 10)]);
  expect(page.htmx.ajaxCalls).toEqual([]);
});

test("clears an old refusal message when a new file is accepted", () => {
  start({ maxSize: 100 });
  pick([fileOf("huge.txt", 500)]);
  expect(message()).not.toBe("");
  pick([fileOf("fine.txt", 50)]);
  expect(message()).toBe("");
});

test("refuses a second file in one pick without multiple", () => {
  start({ multiple: false });
  pick([fileOf("a.txt", 1), fileOf("b.txt", 1)]);
  expect(listedNames()).toEqual([]);
  expect(message()).toContain("Only one file is allowed");
});

test("accepts nothing when the zone is disabled", () => {
  start({ disabled: true });
  pick([fileOf("a.txt", 1)]);
  expect(listedNames()).toEqual([]);
});

test("uploads at once after a pick when the zone has onDrop", () => {
  start({ onDrop: true });
  pick([fileOf("a.txt", 1)]);
  expect(FakeXhr.requests.length).toBe(1);
  const request = FakeXhr.requests[0]!;
  expect(request.url).toContain("/_upload?id=upload1&handler=S.handleUpload");
  expect((request.body!.getAll("files") as File[]).map((file) => file.name)).toEqual(["a.txt"]);
});

test("does not upload after a pick that was wholly refused, even with onDrop", () => {
  start({ onDrop: true, maxSize: 1 });
  pick([fileOf("big.txt", 10)]);
  expect(FakeXhr.requests.length).toBe(0);
});
