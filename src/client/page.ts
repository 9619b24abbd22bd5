// Reading the server-rendered page: the root, the tab id, JSON attributes,
// and the message area of an upload zone.

import { ATTRS, FIELDS, HEADERS, ROOT_ID } from "../protocol";

export function rootElement(): HTMLElement | null {
  return document.getElementById(ROOT_ID);
}

/** The id of this tab, sent as HS-Tab so the server pushes to the other tabs only. */
export function tabId(): string | null {
  return rootElement()?.getAttribute(ATTRS.tab) ?? null;
}

/** Headers every request of the script carries: it is the script (as htmx says of its own), and from which tab. */
export function scriptHeaders(): Record<string, string> {
  const tab = tabId();
  return tab ? { [HEADERS.script]: "true", [HEADERS.tab]: tab } : { [HEADERS.script]: "true" };
}

/** A JSON attribute; a broken one counts as absent rather than stopping the script. */
export function readJson<T>(element: Element, name: string): T | undefined {
  const text = element.getAttribute(name);
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    console.error(`hyperstate: ${name} is not valid JSON`, element);
    return undefined;
  }
}

/** Elements whose attribute equals value (ids may hold characters a selector would need escaped). */
export function elementsWith(name: string, value: string): Element[] {
  return [...document.querySelectorAll(`[${name}]`)].filter((element) => element.getAttribute(name) === value);
}

/** Writes lines into an upload's message areas (those the author placed, when there are any); no lines clears them. */
export function showMessage(uploadId: string, ...lines: string[]): void {
  const areas = elementsWith(ATTRS.uploadMessage, uploadId);
  const placed = areas.filter((area) => area.hasAttribute(ATTRS.uploadErrors));
  for (const area of placed.length ? placed : areas) {
    area.replaceChildren(
      ...lines.map((line) => {
        const paragraph = document.createElement("p");
        paragraph.textContent = line;
        return paragraph;
      }),
    );
  }
}

/** The upload zone of an id: the element carrying data-hs-upload. */
export function uploadZone(uploadId: string): HTMLElement | null {
  const element = document.getElementById(uploadId);
  return element?.hasAttribute(ATTRS.upload) ? element : null;
}

export function uploadForm(uploadId: string): HTMLFormElement | null {
  const form = elementsWith(ATTRS.uploadForm, uploadId)[0];
  return form instanceof HTMLFormElement ? form : null;
}

/** The CSRF token of an upload's form, or any on the page. */
export function csrfToken(form?: Element | null): string {
  const selector = `input[name="${FIELDS.csrf}"]`;
  const input = form?.querySelector<HTMLInputElement>(selector) ?? document.querySelector<HTMLInputElement>(selector);
  return input?.value ?? "";
}
