import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import {
  $,
  dragEvent,
  drop,
  fileOf,
  listedNames,
  message,
  registerDom,
  startPage,
  unregisterDom,
  type Page,
  type ZoneOptions,
} from "./dom";

beforeAll(registerDom);
afterAll(unregisterDom);

let page: Page;
let pickerOpened = 0;
function start(options?: ZoneOptions) {
  page = startPage(options);
  pickerOpened = 0;
  // A script's input.click() is what opens the chooser in a browser.
  $("#upload1 input[type=file]").addEventListener("click", () => pickerOpened++);
}
afterEach(() => page.stop());

function press(key: string, target: Element = $("#upload1")): KeyboardEvent {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true });
  target.dispatchEvent(event);
  return event;
}

test("opens the picker on a click on the zone", () => {
  start();
  $(".hint").click();
  expect(pickerOpened).toBe(1);
});

test("opens the picker once on a click on the zone's own button", () => {
  start();
  $("button.select").click();
  expect(pickerOpened).toBe(1);
});

test("opens the picker once when the click lands on the input itself", () => {
  start();
  $("#upload1 input[type=file]").click();
  expect(pickerOpened).toBe(1);
});

test("does not open the picker on a click with noClick", () => {
  start({ noClick: true });
  $("#upload1").click();
  expect(pickerOpened).toBe(0);
});

test("does not open the picker on a click when disabled", () => {
  start({ disabled: true });
  $("#upload1").click();
  expect(pickerOpened).toBe(0);
});

test("opens the picker on Enter and on Space, and stops Space scrolling the page", () => {
  start();
  press("Enter");
  const space = press(" ");
  expect(pickerOpened).toBe(2);
  expect(space.defaultPrevented).toBe(true);
});

test("does not open the picker from the keyboard with noKeyboard", () => {
  start({ noKeyboard: true });
  press("Enter");
  press(" ");
  expect(pickerOpened).toBe(0);
});

test("does not open the picker on a key pressed on a child of the zone", () => {
  start();
  press("a");
  press("Enter", $("button.select"));
  expect(pickerOpened).toBe(0);
});

test("marks the zone while files are dragged over it, across its children", () => {
  start();
  const zone = $("#upload1");
  const child = $(".hint");
  zone.dispatchEvent(dragEvent("dragenter"));
  child.dispatchEvent(dragEvent("dragenter"));
  zone.dispatchEvent(dragEvent("dragleave"));
  expect(zone.hasAttribute("data-hs-drag-active")).toBe(true);
  const over = dragEvent("dragover");
  child.dispatchEvent(over);
  expect(over.defaultPrevented).toBe(true);
  child.dispatchEvent(dragEvent("dragleave"));
  expect(zone.hasAttribute("data-hs-drag-active")).toBe(false);
});

test("does not mark the zone for a drag of text", () => {
  start();
  const event = new Event("dragenter", { bubbles: true, cancelable: true });
  Object.defineProperty(event, "dataTransfer", { value: { types: ["text/plain"], files: [] } });
  $("#upload1").dispatchEvent(event);
  expect($("#upload1").hasAttribute("data-hs-drag-active")).toBe(false);
});

test("takes dropped files, stops the browser opening them and clears the drag mark", () => {
  start();
  $("#upload1").dispatchEvent(dragEvent("dragenter"));
  const event = drop([fileOf("a.txt", 1), fileOf("b.txt", 2)], $(".hint"));
  expect(event.defaultPrevented).toBe(true);
  expect(listedNames()).toEqual(["a.txt", "b.txt"]);
  expect($("#upload1").hasAttribute("data-hs-drag-active")).toBe(false);
});

test("ignores dropped files with noDrag but still stops the browser opening them", () => {
  start({ noDrag: true });
  $("#upload1").dispatchEvent(dragEvent("dragenter"));
  expect($("#upload1").hasAttribute("data-hs-drag-active")).toBe(false);
  const event = drop([fileOf("a.txt", 1)]);
  expect(event.defaultPrevented).toBe(true);
  expect(listedNames()).toEqual([]);
});

test("ignores dropped files when disabled", () => {
  start({ disabled: true });
  drop([fileOf("a.txt", 1)]);
  expect(listedNames()).toEqual([]);
});

test("stops a file dropped beside the zone from replacing the page", () => {
  start();
  const event = drop([fileOf("a.txt", 1)], $("#clear-button"));
  expect(event.defaultPrevented).toBe(true);
  expect(listedNames()).toEqual([]);
});

test("keeps working on a zone that a swap replaced", () => {
  start();
  $("#hs-form-upload1").innerHTML = $("#hs-form-upload1").innerHTML;
  drop([fileOf("a.txt", 1)]);
  expect(listedNames()).toEqual(["a.txt"]);
});

// ---------------------------------------------------------------- paste

/** Ctrl/Cmd+V with files on the clipboard, on `target` (the focused element, as the browser sends it). */
function paste(files: File[], target: Element = $("#upload1")): Event {
  const event = new Event("paste", { bubbles: true, cancelable: true });
  Object.defineProperty(event, "clipboardData", { value: { files, types: files.length ? ["Files"] : ["text/plain"] } });
  target.dispatchEvent(event);
  return event;
}

test("files pasted while the zone has focus are selected as if dropped", () => {
  start();
  const event = paste([fileOf("shot.png", 10, "image/png")]);
  expect(listedNames()).toEqual(["shot.png"]);
  expect(event.defaultPrevented).toBe(true);
});

test("files pasted onto a page with one zone go to that zone", () => {
  start();
  paste([fileOf("shot.png", 10, "image/png")], document.body);
  expect(listedNames()).toEqual(["shot.png"]);
});

test("pasted files meet the zone's limits like dropped ones", () => {
  start({ maxSize: 5 });
  paste([fileOf("big.png", 10, "image/png")]);
  expect(listedNames()).toEqual([]);
  expect(message()).toContain("big.png");
});

test("files pasted into a text field of the page stay there, and text pasted into a zone is left alone", () => {
  start();
  document.body.insertAdjacentHTML("beforeend", '<textarea id="notes"></textarea>');
  expect(paste([fileOf("shot.png", 10, "image/png")], $("#notes")).defaultPrevented).toBe(false);
  expect(paste([]).defaultPrevented).toBe(false);
  expect(listedNames()).toEqual([]);
});

test("with two zones on the page, a paste outside both selects nothing", () => {
  start();
  document.body.insertAdjacentHTML("beforeend", `<div id="upload2" tabindex="0" data-hs-upload='{"id":"upload2"}'></div>`);
  paste([fileOf("shot.png", 10, "image/png")], document.body);
  expect(listedNames()).toEqual([]);
});

test("a disabled zone takes no pasted files", () => {
  start({ disabled: true });
  paste([fileOf("shot.png", 10, "image/png")]);
  expect(listedNames()).toEqual([]);
});

test("with an UploadErrors area placed on the page, the zone's messages show there and not after the zone", () => {
  start({ maxSize: 5 });
  document.body.insertAdjacentHTML("beforeend", '<aside><div data-hs-upload-message="upload1" data-hs-upload-errors role="alert"></div></aside>');
  drop([fileOf("big.png", 10, "image/png")]);
  const [after, placed] = [...document.querySelectorAll('[data-hs-upload-message="upload1"]')];
  expect(placed!.textContent).toContain("big.png");
  expect(after!.textContent).toBe("");
});
