import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import {
  $,
  BUTTON_ACTION,
  FakeXhr,
  FORM_ACTION,
  fileOf,
  listedNames,
  message,
  pick,
  registerDom,
  settle,
  startPage,
  submitUpload,
  unregisterDom,
  type Page,
  type ZoneOptions,
} from "./dom";

beforeAll(registerDom);
afterAll(unregisterDom);

let page: Page;
const start = (options?: ZoneOptions) => (page = startPage(options));
afterEach(() => page.stop());

const lastRequest = () => FakeXhr.requests.at(-1)!;

test("uploads the selection as multipart with the csrf token first and HS-Tab on submit", () => {
  start();
  const a = fileOf("a.txt", 3);
  const b = fileOf("b.txt", 4);
  pick([a, b]);
  submitUpload();
  const request = lastRequest();
  expect(request.method).toBe("POST");
  expect(request.headers["HS-Tab"]).toBe("tab-7");
  expect([...request.body!.keys()]).toEqual(["hs-csrf", "files", "files"]);
  expect(request.body!.get("hs-csrf")).toBe("token-1");
  expect((request.body!.getAll("files") as File[]).map((file) => [file.name, file.size])).toEqual([
    ["a.txt", 3],
    ["b.txt", 4],
  ]);
});

test("sends the selection rather than the input's own files", () => {
  start();
  pick([fileOf("a.txt", 3)]);
  pick([fileOf("b.txt", 3)]);
  submitUpload();
  expect((lastRequest().body!.getAll("files") as File[]).map((file) => file.name)).toEqual(["a.txt", "b.txt"]);
});

test("posts to the submit button's formaction", () => {
  start();
  pick([fileOf("a.txt", 3)]);
  submitUpload();
  expect(lastRequest().url).toBe(new URL(BUTTON_ACTION, location.href).href);
});

test("posts to the form's action when the submitter has no formaction", () => {
  start();
  pick([fileOf("a.txt", 3)]);
  submitUpload(null);
  expect(lastRequest().url).toBe(new URL(FORM_ACTION, location.href).href);
});

test("marks the zone busy while the upload runs", () => {
  start();
  pick([fileOf("a.txt", 3)]);
  submitUpload();
  expect($("#upload1").getAttribute("aria-busy")).toBe("true");
  lastRequest().respond(200, "<p>done</p>");
  expect($("#upload1").hasAttribute("aria-busy")).toBe(false);
});

test("morphs the answer into the root and clears the selection after a successful upload", async () => {
  start();
  pick([fileOf("a.txt", 3)]);
  submitUpload();
  lastRequest().respond(200, '<p id="after">uploaded</p>');
  await settle();
  expect(page.htmx.swaps).toEqual([
    { text: '<p id="after">uploaded</p>', target: $("#hs-root"), swap: "innerMorph", sourceElement: $("#hs-root") },
  ]);
  expect(listedNames()).toEqual([]);
});

test("keeps files picked while the upload ran", async () => {
  start();
  pick([fileOf("a.txt", 3)]);
  submitUpload();
  pick([fileOf("b.txt", 3)]);
  lastRequest().respond(200, "");
  await settle();
  expect(listedNames()).toEqual(["b.txt"]);
});

test("leaves the page as it is after a 204 answer", async () => {
  start();
  pick([fileOf("a.txt", 3)]);
  submitUpload();
  lastRequest().respond(204, "");
  await settle();
  expect(page.htmx.swaps).toEqual([]);
  expect(listedNames()).toEqual([]);
});

test("does not send a file twice when Upload is clicked again while it is on its way", () => {
  start();
  pick([fileOf("a.txt", 3)]);
  submitUpload();
  submitUpload();
  expect(FakeXhr.requests.length).toBe(1);
  expect(message()).toBe("");
});

test("sends only the new file when one is picked during a one-step upload", () => {
  start({ onDrop: true });
  pick([fileOf("a.txt", 3)]);
  pick([fileOf("b.txt", 3)]);
  expect(FakeXhr.requests.map((request) => (request.body!.getAll("files") as File[]).map((file) => file.name))).toEqual([
    ["a.txt"],
    ["b.txt"],
  ]);
});

test("runs the actions of an HX-Trigger header on the upload's answer", async () => {
  start();
  pick([fileOf("a.txt", 3)]);
  submitUpload();
  const seen: unknown[] = [];
  document.addEventListener("hs:actions", (event) => seen.push((event as CustomEvent).detail), { once: true });
  lastRequest().respond(200, "<p>ok</p>", {
    "HX-Trigger": JSON.stringify({ "hs:actions": [{ type: "clearSelectedFiles", id: "upload1" }] }),
  });
  await settle();
  expect(seen).toEqual([[{ type: "clearSelectedFiles", id: "upload1" }]]);
});

test("follows an HX-Redirect header on the upload's answer", () => {
  start();
  pick([fileOf("a.txt", 3)]);
  submitUpload();
  const assigned: string[] = [];
  const assign = location.assign;
  location.assign = (url: string | URL) => void assigned.push(String(url));
  try {
    lastRequest().respond(200, "", { "HX-Redirect": "/uploaded" });
  } finally {
    location.assign = assign;
  }
  expect(assigned).toEqual(["/uploaded"]);
  expect(page.htmx.swaps).toEqual([]);
});

test("shows the message of a 413 answer and keeps the selection", async () => {
  start();
  pick([fileOf("a.txt", 3)]);
  submitUpload();
  lastRequest().respond(413, "a.txt: File is larger than 1 MB", { "Content-Type": "text/plain" });
  await settle();
  expect(message()).toBe("a.txt: File is larger than 1 MB");
  expect(listedNames()).toEqual(["a.txt"]);
  expect(page.htmx.swaps.length).toBe(0);
});

test("shows the status rather than the markup of an HTML error page", async () => {
  start();
  pick([fileOf("a.txt", 3)]);
  submitUpload();
  const request = lastRequest();
  request.statusText = "Bad Gateway";
  request.respond(502, "<html><body>nginx</body></html>", { "Content-Type": "text/html" });
  await settle();
  expect(message()).toBe("Upload failed: 502 Bad Gateway");
});

test("says the connection was lost on a network error and keeps the selection", () => {
  start();
  pick([fileOf("a.txt", 3)]);
  submitUpload();
  lastRequest().failConnection();
  expect(message()).toBe("Upload failed: connection lost");
  expect(listedNames()).toEqual(["a.txt"]);
  expect($("#upload1").hasAttribute("aria-busy")).toBe(false);
});

test("says no files are selected when submitting an empty selection, and sends nothing", () => {
  start();
  submitUpload();
  expect(message()).toBe("No files selected");
  expect(FakeXhr.requests.length).toBe(0);
});

test("stops the native form post that would reload the page", () => {
  start();
  const event = new SubmitEvent("submit", { bubbles: true, cancelable: true });
  $("#hs-form-upload1").dispatchEvent(event);
  expect(event.defaultPrevented).toBe(true);
});
