// Uploads a selection and cancels running uploads. XMLHttpRequest rather than
// fetch: only it reports the bytes sent (xhr.upload.onprogress), which a
// browser-side progress display will need.

import { ATTRS, FIELDS, HEADERS, ROUTES } from "../protocol";
import { htmxApi } from "./htmx";
import { csrfToken, rootElement, showMessage, scriptHeaders, uploadForm, uploadZone } from "./page";
import type { SelectionStore } from "./selection";

export class Transfers {
  /** Per upload id, the requests in flight and the files each carries. */
  #running = new Map<string, Map<XMLHttpRequest, readonly File[]>>();
  #selection: SelectionStore;

  constructor(selection: SelectionStore) {
    this.#selection = selection;
  }

  /** POSTs the selection of upload `id` to `url` (its form's action, or a submit button's). */
  upload(id: string, url: string, form: HTMLFormElement | null): void {
    const running = this.#running.get(id) ?? new Map<XMLHttpRequest, readonly File[]>();
    // A second click, or a pick during a one-step upload, sends only what is not on its way.
    const sending = [...running.values()].flat();
    const files = this.#selection.get(id).filter((file) => !sending.includes(file));
    if (files.length === 0) {
      if (running.size === 0) showMessage(id, "No files selected");
      return;
    }
    // The form's hidden fields (token, signed limits) go before the files, so
    // the server can refuse without reading them; the limits also ride in the
    // URL, so an oversized upload is refused from its Content-Length alone.
    const body = new FormData();
    for (const [name, value] of form ? new FormData(form) : []) if (typeof value === "string") body.append(name, value);
    if (!body.has(FIELDS.csrf)) body.append(FIELDS.csrf, csrfToken(form));
    for (const file of files) body.append(FIELDS.files, file, file.name);
    const target = new URL(url, location.href);
    const limits = body.get(FIELDS.config);
    if (typeof limits === "string") target.searchParams.set(FIELDS.config, limits);

    const request = new XMLHttpRequest();
    request.open("POST", target.href);
    for (const [name, value] of Object.entries(scriptHeaders())) request.setRequestHeader(name, value);
    request.onload = () => void this.#finish(id, request, files);
    request.onerror = () => showMessage(id, "Upload failed: connection lost");
    request.onloadend = () => this.#forget(id, request);
    running.set(request, files);
    this.#running.set(id, running);
    uploadZone(id)?.setAttribute("aria-busy", "true");
    showMessage(id);
    request.send(body);
  }

  /** Stops the uploads of `id` here and tells the server to drop what it has. */
  cancel(id: string): void {
    for (const request of this.#running.get(id)?.keys() ?? []) request.abort();
    this.#running.delete(id);
    uploadZone(id)?.removeAttribute("aria-busy");
    const body = new URLSearchParams({ [FIELDS.csrf]: csrfToken(uploadForm(id)) });
    fetch(`${ROUTES.uploadCancel}?id=${encodeURIComponent(id)}`, { method: "POST", headers: scriptHeaders(), body })
      .catch(() => {}); // the local upload is stopped either way
    showMessage(id, "Upload cancelled");
  }

  async #finish(id: string, request: XMLHttpRequest, sent: readonly File[]): Promise<void> {
    const redirect = request.getResponseHeader(HEADERS.redirect);
    if (redirect) {
      location.assign(redirect);
      return;
    }
    if (request.status >= 200 && request.status < 300) {
      const root = rootElement();
      // As htmx does for its own requests: a 204 leaves the page as it is.
      if (root && !htmxApi().config.noSwap.includes(request.status)) {
        await htmxApi().swap({ text: request.responseText, target: root, swap: "innerMorph", sourceElement: root });
      }
      // Files picked while the upload ran stay selected.
      this.#selection.set(id, this.#selection.get(id).filter((file) => !sent.includes(file)));
    } else {
      showMessage(id, failureMessage(request));
    }
    // htmx runs HX-Trigger whatever the status; so does an upload.
    dispatchTriggers(request.getResponseHeader(HEADERS.trigger), uploadZone(id) ?? document.body);
  }

  #forget(id: string, request: XMLHttpRequest): void {
    const running = this.#running.get(id);
    running?.delete(request);
    if (running?.size) return;
    this.#running.delete(id);
    uploadZone(id)?.removeAttribute("aria-busy");
  }
}

/** Uploads on submit of an upload form, instead of the native post that reloads the page. */
export function installTransfers(transfers: Transfers, signal: AbortSignal): void {
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (event.defaultPrevented || !(form instanceof HTMLFormElement) || !form.hasAttribute(ATTRS.uploadForm)) return;
      event.preventDefault();
      const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
      // A button's formAction falls back to the page's URL when it has no formaction.
      const url = submitter?.hasAttribute("formaction") ? submitter.formAction : form.action;
      transfers.upload(form.getAttribute(ATTRS.uploadForm)!, url, form);
    },
    { signal },
  );
}

/** The server's message for a refused upload: plain text, or the status if it sent a page. */
function failureMessage(request: XMLHttpRequest): string {
  const isPage = request.getResponseHeader("Content-Type")?.includes("html");
  const text = isPage ? "" : request.responseText.trim();
  return text || `Upload failed: ${request.status} ${request.statusText}`.trim();
}

/** HX-Trigger as htmx reads it: a JSON object of event names to details, or a list of names. */
function dispatchTriggers(header: string | null, element: Element): void {
  if (!header) return;
  if (!header.startsWith("{")) {
    for (const name of header.split(",")) htmxApi().trigger(element, name.trim(), {});
    return;
  }
  for (const [name, detail] of Object.entries(JSON.parse(header) as Record<string, unknown>)) {
    htmxApi().trigger(element, name, typeof detail === "object" ? detail : { value: detail });
  }
}
