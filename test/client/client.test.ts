import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { $, registerDom, startPage, unregisterDom, type Page } from "./dom";

beforeAll(registerDom);
afterAll(unregisterDom);

let page: Page;
afterEach(() => page.stop());

test("marks the page as scripted with the class hs-js", () => {
  document.documentElement.classList.remove("hs-js");
  page = startPage();
  expect(document.documentElement.classList.contains("hs-js")).toBe(true);
});

test("adds the tab id to htmx's own requests", () => {
  page = startPage();
  const ctx = { request: { headers: {} as Record<string, string> } };
  $("#hs-root").dispatchEvent(new CustomEvent("htmx:config:request", { detail: { ctx }, bubbles: true }));
  expect(ctx.request.headers["HS-Tab"]).toBe("tab-7");
});

test("keeps a message area's text when the server's render is morphed in", () => {
  page = startPage();
  const { htmx_before_morph_node: morphNode } = page.htmx.extension;
  expect(morphNode!($("[data-hs-upload-message]"), {})).toBe(false);
  expect(morphNode!($("#upload1"), {})).toBe(true);
});

test("keeps the zone's busy and drag marks when the server's render is morphed in", () => {
  page = startPage();
  const { htmx_before_morph_attr: morphAttr } = page.htmx.extension;
  expect(morphAttr!($("#upload1"), { attrName: "aria-busy" })).toBe(false);
  expect(morphAttr!($("#upload1"), { attrName: "data-hs-drag-active" })).toBe(false);
  expect(morphAttr!($("#upload1"), { attrName: "aria-label" })).toBe(true);
  expect(morphAttr!($("#clear-button"), { attrName: "aria-busy" })).toBe(true);
});
