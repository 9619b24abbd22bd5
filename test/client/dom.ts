// Shared by the client tests: happy-dom as the global DOM (keeping Bun's own
// web classes), a page shaped like the server's, and small fakes of htmx,
// XMLHttpRequest and fetch that record what the script asked of them.

import { GlobalRegistrator } from "@happy-dom/global-registrator";
import { startClient } from "../../src/client/client";
import type { UploadConfig } from "../../src/protocol";

// Other test files build responses from Bun.file(); happy-dom's versions of
// these cannot, so they stay Bun's while the DOM is registered.
const KEEP_BUN = ["Response", "Request", "Headers", "FormData", "Blob", "File", "URL", "URLSearchParams", "fetch"];

export function registerDom(): void {
  const kept = KEEP_BUN.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)] as const);
  GlobalRegistrator.register({ url: "http://localhost:3000/page" });
  for (const [name, descriptor] of kept) if (descriptor) Object.defineProperty(globalThis, name, descriptor);
}

export async function unregisterDom(): Promise<void> {
  delete (globalThis as any).htmx;
  await GlobalRegistrator.unregister();
}

// ---------------------------------------------------------------- the page

export interface ZoneOptions extends Partial<UploadConfig> {
  onDrop?: boolean;
  onDropRejected?: boolean;
  onUploadInterrupted?: boolean;
  thumbnails?: boolean;
}

const HANDLER_ARGS = encodeURIComponent(JSON.stringify([{ $upload: "upload1" }]));
export const FORM_ACTION = "/_upload?id=upload1";
export const BUTTON_ACTION = `/_upload?id=upload1&handler=S.handleUpload&args=${HANDLER_ARGS}&progress=S.onProgress&sig=signed-action`;

/** Renders the contract's markup for one upload zone `upload1` into the body. */
export function renderUploadPage(options: ZoneOptions = {}): void {
  const { onDrop, onDropRejected, onUploadInterrupted, thumbnails, ...overrides } = options;
  const config: UploadConfig = { id: "upload1", multiple: true, maxFiles: 5, maxSize: 1024, ...overrides };
  const attr = (value: unknown) => JSON.stringify(value).replaceAll("'", "&#39;");
  const dropAttr = onDrop
    ? ` data-hs-on-drop='${attr({ handler: "S.handleUpload", args: [{ $upload: "upload1" }] })}'`
    : "";
  const rejectedAttr = onDropRejected
    ? ` data-hs-on-drop-rejected='${attr({ handler: "S.rejected", args: ["upload1", { $rejections: true }] })}'`
    : "";
  const interruptedAttr = onUploadInterrupted
    ? ` data-hs-on-upload-interrupted='${attr({ handler: "S.interrupted", args: [{ $interrupted: true }] })}'`
    : "";
  const action = onDrop ? `${FORM_ACTION}&handler=S.handleUpload&args=${HANDLER_ARGS}` : FORM_ACTION;
  document.body.innerHTML = `
    <div id="hs-root" data-hs-tab="tab-7" hx-sse:connect="/_stream?tab=tab-7" hx-swap="innerMorph">
      <form id="hs-form-upload1" data-hs-upload-form="upload1" method="post" enctype="multipart/form-data" action="${action}">
        <input type="hidden" name="hs-csrf" value="token-1"><input type="hidden" name="hs-return" value="/page">
        <div id="upload1" class="hs-upload" tabindex="0" role="button" aria-label="Upload files"
             data-hs-upload='${attr(config)}'${dropAttr}${rejectedAttr}${interruptedAttr}>
          <p class="hint">Drag files here</p>
          <button type="button" class="select">Select File</button>
          <input type="file" name="files" class="hs-upload-input" multiple>
        </div>
        <div data-hs-upload-message="upload1" role="alert" aria-live="polite"></div>
      </form>
      <ul data-hs-selected-files="upload1" ${thumbnails ? "data-hs-thumbnails" : ""} hx-morph-skip-children class="hs-selected-files"></ul>
      <button type="submit" id="upload-button" form="hs-form-upload1" formaction="${BUTTON_ACTION}" formmethod="post" formenctype="multipart/form-data">Upload</button>
      <button type="button" id="clear-button" data-hs-action='[{"type":"clearSelectedFiles","id":"upload1"}]'>Clear</button>
    </div>`;
}

export const $ = <E extends Element = HTMLElement>(selector: string): E => {
  const element = document.querySelector<E>(selector);
  if (!element) throw new Error(`no element matches ${selector}`);
  return element;
};

export function fileOf(name: string, size: number, type = "application/octet-stream", lastModified = 1_700_000_000_000): File {
  return new File(["x".repeat(size)], name, { type, lastModified });
}

export function listedNames(id = "upload1"): string[] {
  return [...document.querySelectorAll(`[data-hs-selected-files="${id}"] .hs-selected-file-name`)].map(
    (element) => element.textContent ?? "",
  );
}

export function message(id = "upload1"): string {
  return $(`[data-hs-upload-message="${id}"]`).textContent ?? "";
}

// ---------------------------------------------------------------- user input

/** Picks files through the zone's file input, as the browser's chooser would. */
export function pick(files: File[], input = $<HTMLInputElement>("#upload1 input[type=file]")): void {
  Object.defineProperty(input, "files", { value: files, configurable: true });
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

/** A drag event carrying files, shaped like Chromium's (types has "Files"). */
export function dragEvent(type: string, files: File[] = []): Event {
  const event = new Event(type, { bubbles: true, cancelable: true });
  Object.defineProperty(event, "dataTransfer", { value: { types: ["Files"], files, dropEffect: "none" } });
  return event;
}

export function drop(files: File[], target: Element = $("#upload1")): Event {
  const event = dragEvent("drop", files);
  target.dispatchEvent(event);
  return event;
}

export function submitUpload(submitter: HTMLElement | null = $<HTMLElement>("#upload-button")): void {
  const form = $<HTMLFormElement>("#hs-form-upload1");
  form.dispatchEvent(new SubmitEvent("submit", { bubbles: true, cancelable: true, submitter }));
}

/** Resolves once pending promise callbacks (a swap after a response) have run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Waits for `check` to hold, a tick at a time (uploads take many). */
export async function until(check: () => boolean, what = "the condition"): Promise<void> {
  for (let tick = 0; tick < 500; tick++) {
    if (check()) return;
    await settle();
  }
  throw new Error(`timed out waiting for ${what}`);
}

// ---------------------------------------------------------------- fakes

export interface FakeHtmx {
  ajaxCalls: { verb: string; path: string; options: Record<string, any> }[];
  swaps: { text: string; target?: Element; swap?: string; sourceElement?: Element }[];
  extension: Record<string, (element: Element, detail: any) => boolean>;
}

/** Stands in for htmx: records requests and swaps, and leaves the page as it is. */
export function installFakeHtmx(): FakeHtmx {
  const fake: FakeHtmx = { ajaxCalls: [], swaps: [], extension: {} };
  (globalThis as any).htmx = {
    config: { noSwap: [204, 304] },
    ajax: async (verb: string, path: string, options: Record<string, any>) => {
      fake.ajaxCalls.push({ verb, path, options });
    },
    swap: async (ctx: FakeHtmx["swaps"][number]) => {
      fake.swaps.push(ctx);
    },
    trigger: (element: Element, name: string, detail: unknown) =>
      element.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, cancelable: true })),
    // As htmx does, every extension's hook runs until one says false.
    registerExtension: (_name: string, hooks: FakeHtmx["extension"]) => {
      for (const [name, hook] of Object.entries(hooks)) {
        const before = fake.extension[name];
        fake.extension[name] = before ? (element, detail) => before(element, detail) !== false && hook(element, detail) !== false : hook;
      }
    },
  };
  return fake;
}

/** Stands in for XMLHttpRequest: records each request; a test (or a FakeTusServer) answers it. */
export class FakeXhr {
  static requests: FakeXhr[] = [];
  /** Called with each request sent. */
  static onSend: ((request: FakeXhr) => void) | null = null;
  method = "";
  url = "";
  headers: Record<string, string> = {};
  body: any = null;
  /** A Blob body's bytes, once a FakeTusServer has read them. */
  sentBytes: Uint8Array | null = null;
  timeout = 0;
  status = 0;
  statusText = "";
  responseText = "";
  aborted = false;
  responseHeaders: Record<string, string> = {};
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onloadend: (() => void) | null = null;

  constructor() {
    FakeXhr.requests.push(this);
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: FormData | Blob | null) {
    this.body = body;
    FakeXhr.onSend?.(this);
  }
  getResponseHeader(name: string): string | null {
    return this.responseHeaders[name.toLowerCase()] ?? null;
  }
  abort() {
    this.aborted = true;
    this.onloadend?.();
  }
  respond(status: number, text: string, headers: Record<string, string> = {}) {
    this.status = status;
    this.responseText = text;
    this.responseHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    this.onload?.();
    this.onloadend?.();
  }
  failConnection() {
    this.onerror?.();
    this.onloadend?.();
  }
}

export function installFakeXhr(): typeof FakeXhr {
  FakeXhr.requests = [];
  FakeXhr.onSend = null;
  (globalThis as any).XMLHttpRequest = FakeXhr;
  return FakeXhr;
}

export interface FetchCall {
  url: string;
  init: RequestInit;
}

export function installFakeFetch(): FetchCall[] {
  const calls: FetchCall[] = [];
  (globalThis as any).fetch = async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(null, { status: 204 });
  };
  return calls;
}

// ---------------------------------------------------------------- a running page

export interface Page {
  htmx: FakeHtmx;
  fetchCalls: FetchCall[];
  /** Removes the script's listeners; call after each test. */
  stop: () => void;
}

/** Renders the page, puts the fakes in place and starts the script on it. */
export function startPage(options?: ZoneOptions): Page {
  // An upload an earlier test left running would be reported as interrupted by this page.
  for (const key of Object.keys(localStorage)) if (key.startsWith("hs-upload:")) localStorage.removeItem(key);
  const htmx = installFakeHtmx();
  installFakeXhr();
  const fetchCalls = installFakeFetch();
  renderUploadPage(options);
  return { htmx, fetchCalls, stop: startClient() };
}

