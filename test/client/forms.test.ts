// The client script's part for forms, in happy-dom: a debounced input sends
// after its quiet time or at once when a click or submit comes first; a form
// its handler took is reset; a checkbox shows what the server rendered.

import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { $, registerDom, startPage, unregisterDom, type Page } from "./dom";

beforeAll(registerDom);
afterAll(unregisterDom);

let page: Page;
afterEach(() => page.stop());

/** The page with a debounced input and a form around it; records each flush the input gets. */
function startFormPage(debounce = 50): string[] {
  page = startPage();
  $("#hs-root").insertAdjacentHTML(
    "beforeend",
    `<form id="todo" hx-post="/_event/S.add"><input id="draft" name="draft" value="" data-hs-debounce="${debounce}" hx-trigger="hs:flush">
       <input id="box" type="checkbox" name="done"><button id="add" type="submit">Add</button></form>
     <button id="elsewhere" type="button">Elsewhere</button>`,
  );
  const sent: string[] = [];
  $("#draft").addEventListener("hs:flush", () => sent.push($<HTMLInputElement>("#draft").value));
  return sent;
}

function type(text: string): void {
  const input = $<HTMLInputElement>("#draft");
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

test("a debounced input is sent once, with its last value, after the person stops typing", async () => {
  const sent = startFormPage(40);
  type("a");
  type("ab");
  type("abc");
  expect(sent).toEqual([]);
  await Bun.sleep(80);
  expect(sent).toEqual(["abc"]);
});

test("a click anywhere sends the pending value at once, before the click's own handlers", async () => {
  const sent = startFormPage(5000);
  const order: string[] = [];
  $("#elsewhere").addEventListener("click", () => order.push(`click after ${sent.length} sent`));
  type("late");
  $("#elsewhere").click();
  expect(sent).toEqual(["late"]);
  expect(order).toEqual(["click after 1 sent"]);
  await Bun.sleep(20);
  expect(sent).toEqual(["late"]);
});

test("a submit sends the pending value first too", () => {
  const sent = startFormPage(5000);
  type("enter");
  $("#todo").dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  expect(sent).toEqual(["enter"]);
});

test("nothing pending, a click sends nothing", () => {
  const sent = startFormPage();
  $("#elsewhere").click();
  expect(sent).toEqual([]);
});

function swapAfter(form: Element, status: number): void {
  form.dispatchEvent(new CustomEvent("htmx:after:swap", { bubbles: true, detail: { ctx: { sourceElement: form, sourceEvent: new Event("submit"), response: { status } } } }));
}

test("a form its handler took is reset to what the server rendered", () => {
  startFormPage();
  $<HTMLInputElement>("#draft").value = "milk";
  swapAfter($("#todo"), 200);
  expect($<HTMLInputElement>("#draft").value).toBe("");
});

test("a form its handler refused, or that failed, keeps what was typed", () => {
  startFormPage();
  $<HTMLInputElement>("#draft").value = "milk";
  $("#draft").setAttribute("aria-invalid", "true");
  swapAfter($("#todo"), 200);
  expect($<HTMLInputElement>("#draft").value).toBe("milk");
  $("#draft").removeAttribute("aria-invalid");
  swapAfter($("#todo"), 500);
  expect($<HTMLInputElement>("#draft").value).toBe("milk");
});

test("a morph sets a checkbox to what the server rendered, even after a click", () => {
  startFormPage();
  const box = $<HTMLInputElement>("#box");
  box.click();
  expect(box.checked).toBe(true);
  const rendered = document.createElement("input");
  rendered.type = "checkbox";
  expect(page.htmx.extension.htmx_before_morph_node!(box, { newNode: rendered })).toBe(true);
  expect(box.checked).toBe(false);
  rendered.setAttribute("checked", "");
  page.htmx.extension.htmx_before_morph_node!(box, { newNode: rendered });
  expect(box.checked).toBe(true);
});
