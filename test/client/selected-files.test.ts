import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import {
  $,
  fileOf,
  listedNames,
  pick,
  registerDom,
  settle,
  startPage,
  unregisterDom,
  type Page,
  type ZoneOptions,
} from "./dom";

beforeAll(registerDom);
afterAll(unregisterDom);

let page: Page;
const start = (options?: ZoneOptions) => (page = startPage(options));
afterEach(() => page.stop());

test("lists a picked file by name and size", () => {
  start();
  pick([fileOf("notes.txt", 1000)]);
  expect(listedNames()).toEqual(["notes.txt"]);
  expect($(".hs-selected-file-size").textContent).toBe("1000 B");
});

test("keeps the same file picked twice only once", () => {
  start();
  pick([fileOf("a.txt", 10)]);
  pick([fileOf("a.txt", 10), fileOf("b.txt", 20)]);
  expect(listedNames()).toEqual(["a.txt", "b.txt"]);
});

test("keeps two files of the same name that differ in size", () => {
  start();
  pick([fileOf("a.txt", 10)]);
  pick([fileOf("a.txt", 11)]);
  expect(listedNames()).toEqual(["a.txt", "a.txt"]);
});

test("adds a new pick to the selection when multiple", () => {
  start();
  pick([fileOf("a.txt", 10)]);
  pick([fileOf("b.txt", 10)]);
  expect(listedNames()).toEqual(["a.txt", "b.txt"]);
});

test("replaces the selection with a new pick without multiple", () => {
  start({ multiple: false });
  pick([fileOf("a.txt", 10)]);
  pick([fileOf("b.txt", 10)]);
  expect(listedNames()).toEqual(["b.txt"]);
});

test("removes one file with its remove button", () => {
  start();
  pick([fileOf("a.txt", 10), fileOf("b.txt", 10), fileOf("c.txt", 10)]);
  $('[aria-label="Remove b.txt"]').click();
  expect(listedNames()).toEqual(["a.txt", "c.txt"]);
});

test("does not open the picker when a remove button inside the zone is clicked", () => {
  start();
  const zone = $("#upload1");
  zone.append($("[data-hs-selected-files]"));
  pick([fileOf("a.txt", 10)]);
  let opened = 0;
  $("#upload1 input[type=file]").addEventListener("click", () => opened++);
  $('[aria-label="Remove a.txt"]').click();
  expect(listedNames()).toEqual([]);
  expect(opened).toBe(0);
});

test("empties the selection when a clearSelectedFiles button is clicked", () => {
  start();
  pick([fileOf("a.txt", 10), fileOf("b.txt", 10)]);
  $("#clear-button").click();
  expect(listedNames()).toEqual([]);
});

test("renders the selection into every list naming the upload", () => {
  start();
  $("#hs-root").insertAdjacentHTML("beforeend", '<ol id="second" data-hs-selected-files="upload1"></ol>');
  pick([fileOf("a.txt", 10)]);
  expect($("#second").textContent).toContain("a.txt");
  expect(listedNames()).toEqual(["a.txt", "a.txt"]);
});

test("fills a list that a swap brings in with the current selection", async () => {
  start();
  pick([fileOf("a.txt", 10)]);
  $("#hs-root").insertAdjacentHTML("beforeend", '<ul id="late" data-hs-selected-files="upload1"></ul>');
  document.dispatchEvent(new CustomEvent("htmx:after:swap", { bubbles: true }));
  await settle();
  expect($("#late").textContent).toContain("a.txt");
});

test("shows a preview of an image in a list with thumbnails and frees it when removed", () => {
  start({ thumbnails: true });
  const revoked: string[] = [];
  const revoke = URL.revokeObjectURL;
  URL.revokeObjectURL = (url: string) => {
    revoked.push(url);
    revoke(url);
  };
  try {
    pick([fileOf("cat.png", 10, "image/png"), fileOf("notes.txt", 10)]);
    const images = document.querySelectorAll<HTMLImageElement>(".hs-selected-file img");
    expect(images.length).toBe(1);
    const src = images[0]!.getAttribute("src")!;
    expect(src).toStartWith("blob:");
    $('[aria-label="Remove cat.png"]').click();
    expect(revoked).toEqual([src]);
  } finally {
    URL.revokeObjectURL = revoke;
  }
});

test("shows no image without data-hs-thumbnails", () => {
  start();
  pick([fileOf("cat.png", 10, "image/png")]);
  expect(document.querySelectorAll(".hs-selected-file img").length).toBe(0);
});

test("names the file in its remove button for screen readers", () => {
  start();
  pick([fileOf("report final.pdf", 10)]);
  expect($(".hs-selected-file-remove").getAttribute("aria-label")).toBe("Remove report final.pdf");
});
