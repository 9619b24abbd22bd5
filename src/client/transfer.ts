// Uploads a selection and cancels running uploads. XMLHttpRequest rather than
// fetch: only it reports the bytes sent (xhr.upload.onprogress), which a
// browser-side progress display will need.

import {
  ASSETS,
  ATTRS,
  FIELDS,
  HEADERS,
  ROUTES,
  TUS_METADATA,
  UPLOAD_PARAMS,
  type UploadConfig,
  type UploadFilesMarker,
} from "../protocol";
import { htmxApi } from "./htmx";
import { beginUpload, type EndUpload } from "./interrupted";
import { csrfToken, readJson, rootElement, showMessage, scriptHeaders, uploadForm, uploadZone } from "./page";
import type { SelectionStore } from "./selection";
import type { TusFailure } from "./tus/http";
import { relativePathOf } from "./folders";

/** The tus client: a chunk of its own, loaded by the first resumable upload. */
const loadTusClient = () => import("./tus/batch");

/** What runs for an upload id: a multipart request, or a tus batch. */
interface Running {
  abort(): void;
}

export class Transfers {
  /** Per upload id, what runs and the files each carries. */
  #running = new Map<string, Map<Running, readonly File[]>>();
  /** Per upload id, the note that tells a reloaded page this upload stopped. */
  #notes = new Map<string, EndUpload>();
  #selection: SelectionStore;

  constructor(selection: SelectionStore) {
    this.#selection = selection;
  }

  /** Sends the selection of upload `id` to `url` (its form's action, or a submit button's). */
  upload(id: string, url: string, form: HTMLFormElement | null): void {
    const running = this.#running.get(id);
    // A second click, or a pick during a one-step upload, sends only what is not on its way.
    const sending = [...(running?.values() ?? [])].flat();
    const files = this.#selection.get(id).filter((file) => !sending.includes(file));
    if (files.length === 0) {
      if (!running?.size) showMessage(id, "No files selected");
      return;
    }
    const target = new URL(url, location.href);
    const zone = uploadZone(id);
    const config = zone ? readJson<UploadConfig>(zone, ATTRS.upload) : undefined;
    const resumable = wantsTus(id, target, files, config);
    if (resumable) this.#sendOverTus(id, target, form, files, config);
    else this.#sendMultipart(id, target, form, files);
    this.#note(id, target, resumable);
  }

  /** Stops the uploads of `id` here and tells the server to drop what it has. */
  cancel(id: string): void {
    for (const running of this.#running.get(id)?.keys() ?? []) running.abort();
    this.#running.delete(id);
    this.#endNote(id);
    uploadZone(id)?.removeAttribute("aria-busy");
    const body = new URLSearchParams({ [FIELDS.csrf]: csrfToken(uploadForm(id)) });
    // It also ends a handler the server already runs.
    fetch(`${ROUTES.uploadCancel}?id=${encodeURIComponent(id)}`, { method: "POST", headers: scriptHeaders(), body })
      .catch(() => {}); // the local upload is stopped either way
    showMessage(id, "Upload cancelled");
  }

  #sendMultipart(id: string, target: URL, form: HTMLFormElement | null, files: readonly File[]): void {
    // The form's hidden fields (token, signed limits) go before the files, so
    // the server can refuse without reading them; the limits also ride in the
    // URL, so an oversized upload is refused from its Content-Length alone.
    const body = new FormData();
    for (const [name, value] of form ? new FormData(form) : []) if (typeof value === "string") body.append(name, value);
    if (!body.has(FIELDS.csrf)) body.append(FIELDS.csrf, csrfToken(form));
    // A file of a folder is sent under its path in it, as a browser's own folder upload does.
    for (const file of files) body.append(FIELDS.files, file, relativePathOf(file));
    const limits = body.get(FIELDS.config);
    if (typeof limits === "string") target.searchParams.set(FIELDS.config, limits);

    const request = new XMLHttpRequest();
    request.open("POST", target.href);
    for (const [name, value] of Object.entries(scriptHeaders())) request.setRequestHeader(name, value);
    request.onload = () => void this.#finish(id, request, files);
    request.onerror = () => showMessage(id, failureMessage());
    request.onloadend = () => this.#forget(id, request);
    this.#start(id, request, files);
    request.send(body);
  }

  /** Resumable: the server renders when the batch is complete and pushes the page over its stream. */
  #sendOverTus(id: string, target: URL, form: HTMLFormElement | null, files: readonly File[], zone?: UploadConfig): void {
    const controller = new AbortController();
    const param = (name: string) => target.searchParams.get(name);
    const config = form?.querySelector<HTMLInputElement>(`input[name="${FIELDS.config}"]`);
    const job = {
      id,
      files,
      paths: files.map(relativePathOf),
      endpoint: ROUTES.tus,
      keys: TUS_METADATA,
      handler: param(UPLOAD_PARAMS.handler),
      args: param(UPLOAD_PARAMS.args),
      progress: param(UPLOAD_PARAMS.progress),
      signature: param(UPLOAD_PARAMS.signature),
      config: config?.value ?? null,
      chunkSize: zone?.chunkSize,
      checksum: zone?.checksum,
      hashWorker: `${ROUTES.client}/${ASSETS.hashWorker}`,
      headers: scriptHeaders(),
    };
    this.#start(id, controller, files);
    loadTusClient()
      .then(({ uploadOverTus }) => uploadOverTus(job, controller.signal))
      .then(
        () => this.#keepUnsent(id, files),
        // Not loading the client is a lost connection too.
        (error: Partial<TusFailure>) => controller.signal.aborted || showMessage(id, failureMessage(error.response)),
      )
      .finally(() => this.#forget(id, controller));
  }

  #start(id: string, running: Running, files: readonly File[]): void {
    this.#running.set(id, (this.#running.get(id) ?? new Map()).set(running, files));
    uploadZone(id)?.setAttribute("aria-busy", "true");
    showMessage(id);
  }

  /** Files picked while an upload ran stay selected. */
  #keepUnsent(id: string, sent: readonly File[]): void {
    this.#selection.set(id, this.#selection.get(id).filter((file) => !sent.includes(file)));
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
      this.#keepUnsent(id, sent);
    } else {
      showMessage(id, failureMessage(request));
    }
    // htmx runs HX-Trigger whatever the status; so does an upload.
    dispatchTriggers(request.getResponseHeader(HEADERS.trigger), uploadZone(id) ?? document.body);
  }

  #forget(id: string, ended: Running): void {
    const running = this.#running.get(id);
    running?.delete(ended);
    if (running?.size) return;
    this.#running.delete(id);
    this.#endNote(id);
    uploadZone(id)?.removeAttribute("aria-busy");
  }

  /** Notes every file of `id` on its way, so that a reload can tell the upload stopped. */
  #note(id: string, target: URL, resumable: boolean): void {
    const files = [...(this.#running.get(id)?.values() ?? [])].flat();
    this.#endNote(id);
    if (files.length) this.#notes.set(id, beginUpload(id, target.href, resumable, files));
  }

  #endNote(id: string): void {
    this.#notes.get(id)?.();
    this.#notes.delete(id);
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
function failureMessage(request?: XMLHttpRequest | null): string {
  if (!request?.status) return "Upload failed: connection lost";
  const isPage = request.getResponseHeader("Content-Type")?.includes("html");
  const text = isPage ? "" : request.responseText.trim();
  return text || `Upload failed: ${request.status} ${request.statusText}`.trim();
}

/**
 * Resumable (tus) rather than multipart: when the handler asked for chunks
 * (the marker of uploadFilesChunk), or a file reaches the zone's resumableAbove.
 */
function wantsTus(id: string, target: URL, files: readonly File[], config?: UploadConfig): boolean {
  let chunked = false;
  const args = target.searchParams.get(UPLOAD_PARAMS.args);
  try {
    JSON.parse(args ?? "null", (_key, value: Partial<UploadFilesMarker> | null) => {
      if (value?.$upload === id && value.chunked) chunked = true;
      return value;
    });
  } catch {}
  return chunked || files.some((file) => file.size >= (config?.resumableAbove ?? Infinity));
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
