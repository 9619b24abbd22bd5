import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import {
  $,
  FakeXhr,
  fileOf,
  listedNames,
  message,
  pick,
  registerDom,
  startPage,
  submitUpload,
  unregisterDom,
  type Page,
} from "./dom";

beforeAll(registerDom);
afterAll(unregisterDom);

let page: Page;
afterEach(() => page.stop());

/** As htmx dispatches an HX-Trigger header entry: the array itself as detail. */
function triggerHeaderActions(actions: unknown[]): void {
  $("#hs-root").dispatchEvent(new CustomEvent("hs:actions", { detail: actions, bubbles: true }));
}

/** As hx-sse dispatches a named event on the element carrying hx-sse:connect. */
function streamActions(data: string): void {
  $("#hs-root").dispatchEvent(new CustomEvent("hs:actions", { detail: { data, id: "4" }, bubbles: true }));
}

test("clears a selection on an hs:actions event from an HX-Trigger header", () => {
  page = startPage();
  pick([fileOf("a.txt", 1)]);
  triggerHeaderActions([{ type: "clearSelectedFiles", id: "upload1" }]);
  expect(listedNames()).toEqual([]);
});

test("clears a selection on an hs:actions event from the stream, whose data is JSON text", () => {
  page = startPage();
  pick([fileOf("a.txt", 1)]);
  streamActions(JSON.stringify([{ type: "clearSelectedFiles", id: "upload1" }]));
  expect(listedNames()).toEqual([]);
});

test("ignores an hs:actions stream event that is not JSON", () => {
  page = startPage();
  pick([fileOf("a.txt", 1)]);
  const error = console.error;
  console.error = () => {};
  try {
    streamActions("clear it please");
  } finally {
    console.error = error;
  }
  expect(listedNames()).toEqual(["a.txt"]);
});

test("aborts a running upload on cancelUpload, tells the server, and says so", () => {
  page = startPage();
  pick([fileOf("a.txt", 1)]);
  submitUpload();
  const request = FakeXhr.requests[0]!;
  triggerHeaderActions([{ type: "cancelUpload", id: "upload1" }]);
  expect(request.aborted).toBe(true);
  expect($("#upload1").hasAttribute("aria-busy")).toBe(false);
  expect(message()).toBe("Upload cancelled");
  expect(page.fetchCalls.length).toBe(1);
  const { url, init } = page.fetchCalls[0]!;
  expect(url).toBe("/_upload/_cancel?id=upload1");
  expect(init.method).toBe("POST");
  expect((init.headers as Record<string, string>)["HS-Tab"]).toBe("tab-7");
  expect(listedNames()).toEqual(["a.txt"]);
});

test("cancels from a button's data-hs-action", () => {
  page = startPage();
  $("#hs-root").insertAdjacentHTML(
    "beforeend",
    `<button id="cancel" type="button" data-hs-action='[{"type":"cancelUpload","id":"upload1"}]'>Cancel</button>`,
  );
  pick([fileOf("a.txt", 1)]);
  submitUpload();
  $("#cancel").click();
  expect(FakeXhr.requests[0]!.aborted).toBe(true);
});

test("goes to the url of a redirect action", () => {
  page = startPage();
  const assigned: string[] = [];
  const assign = location.assign;
  location.assign = (url: string | URL) => void assigned.push(String(url));
  try {
    streamActions(JSON.stringify([{ type: "redirect", url: "/done" }]));
  } finally {
    location.assign = assign;
  }
  expect(assigned).toEqual(["/done"]);
});

test("runs every action of a list in order", () => {
  page = startPage();
  pick([fileOf("a.txt", 1)]);
  submitUpload();
  triggerHeaderActions([
    { type: "cancelUpload", id: "upload1" },
    { type: "clearSelectedFiles", id: "upload1" },
  ]);
  expect(FakeXhr.requests[0]!.aborted).toBe(true);
  expect(listedNames()).toEqual([]);
});
