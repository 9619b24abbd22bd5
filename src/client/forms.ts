// Forms and inputs: debounced inputs that never lose their last value, forms
// that clear once their handler took them, and checkboxes that show what the
// server rendered.

import { ATTRS, FLUSH_EVENT } from "../protocol";
import { htmxApi } from "./htmx";

/** Debounced inputs waiting to send: element -> its timer. */
const pending = new Map<Element, ReturnType<typeof setTimeout>>();

export function installForms(signal: AbortSignal): void {
  document.addEventListener("input", (event) => scheduleInput(event.target), { signal, capture: true });
  // Capture: a click or submit flushes pending values before its own request
  // is made, and the page's events wait in one queue, so the handler of the
  // click sees the last keystroke.
  document.addEventListener("click", flushInputs, { signal, capture: true });
  document.addEventListener("submit", flushInputs, { signal, capture: true });
  document.addEventListener("htmx:after:swap", (event) => clearTakenForm(event as CustomEvent), { signal });
  signal.addEventListener("abort", () => {
    for (const timer of pending.values()) clearTimeout(timer);
    pending.clear();
  });
  htmxApi().registerExtension("hyperstate-forms", {
    htmx_before_morph_node: (element: Element, detail: { newNode?: Node }) => {
      showRenderedChoice(element, detail.newNode);
      return true;
    },
  });
}

function scheduleInput(target: EventTarget | null): void {
  if (!(target instanceof Element) || !target.hasAttribute(ATTRS.debounce)) return;
  const wait = Number(target.getAttribute(ATTRS.debounce));
  clearTimeout(pending.get(target));
  pending.set(target, setTimeout(() => sendInput(target), Number.isFinite(wait) ? wait : 0));
}

function sendInput(input: Element): void {
  clearTimeout(pending.get(input));
  pending.delete(input);
  if (input.isConnected) input.dispatchEvent(new Event(FLUSH_EVENT));
}

export function flushInputs(): void {
  for (const input of [...pending.keys()]) sendInput(input);
}

/**
 * After a form's handler took it, the form shows what the server rendered
 * (a new todo's box empty again). A form the handler refused keeps what
 * was typed, beside the messages.
 */
function clearTakenForm(event: CustomEvent): void {
  const ctx = event.detail?.ctx as { sourceElement?: Element; sourceEvent?: Event; response?: { status: number } } | undefined;
  const form = ctx?.sourceElement;
  if (!(form instanceof HTMLFormElement) || ctx?.sourceEvent?.type !== "submit" || ctx.response?.status !== 200) return;
  if (form.isConnected && !form.querySelector('[aria-invalid="true"]')) form.reset();
}

/**
 * Morphing sets the `checked` and `selected` attributes, but a box a person
 * has clicked no longer follows its attribute: set the state itself, so a
 * change from another tab shows here too.
 */
function showRenderedChoice(element: Element, rendered: Node | undefined): void {
  if (!(rendered instanceof Element)) return;
  if (element instanceof HTMLInputElement && (element.type === "checkbox" || element.type === "radio")) {
    element.checked = rendered.hasAttribute("checked");
  } else if (element instanceof HTMLOptionElement && document.activeElement !== element.parentElement) {
    element.selected = rendered.hasAttribute("selected");
  }
}
