// The app the upload endpoint tests post to: one page of upload zones with
// different limits, a state whose handlers record the files they were given,
// readers for the rendered forms, and builders of multipart bodies.

import { afterAll, beforeAll, beforeEach } from "bun:test";
import { Elysia } from "elysia";
import { Window } from "happy-dom";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { hyperstate } from "../../src/app";
import { cancelUpload, events } from "../../src/events/refs";
import type { UploadProgress } from "../../src/protocol";
import { Button } from "../../src/render/components";
import type { PageContext } from "../../src/render/context";
import { State } from "../../src/state/state";
import { Upload } from "../../src/upload/zone/component";
import type { UploadOptions } from "../../src/upload/options";
import { uploadFiles } from "../../src/upload/zone/refs";
import type { UploadFile } from "../../src/upload/intake/upload-file";

// ---------------------------------------------------------------- the app

/** What the handlers received, in call order; reset with `resetRecords()`. */
export const records = {
  take: [] as UploadFile[][],
  takeWith: [] as unknown[][],
  progress: [] as UploadProgress[],
};

/** Per-test behaviour inside the handlers, run before they return. */
export const hooks: { take?: (files: UploadFile[]) => Promise<void> } = {};

export function resetRecords(): void {
  records.take = [];
  records.takeWith = [];
  records.progress = [];
  hooks.take = undefined;
}

class Inbox extends State {
  static on = events(this);
  count = 0;
  names: string[] = [];

  async take(files: UploadFile[]) {
    records.take.push(files);
    await hooks.take?.(files);
    this.count += 1;
    this.names.push(...files.map((file) => file.name));
  }

  async takeImage(files: UploadFile[]) {
    await this.take(files);
  }

  async takeWith(label: string, files: UploadFile[], times: number) {
    records.takeWith.push([label, files, times]);
    this.count += times;
  }

  async progress(value: UploadProgress) {
    records.progress.push(value);
  }

  async stop() {
    return cancelUpload("any");
  }
}

const IMAGES = { "image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"] };

function ZonesPage({ use }: PageContext): JSX.Element {
  const inbox = use(Inbox);
  const take = (id: string) => Inbox.on.take(uploadFiles(id));
  return (
    <>
      <p id="count">{inbox.count}</p>
      <ul id="names">
        {inbox.names.map((name) => (
          <li safe>{name}</li>
        ))}
      </ul>
      <Upload id="any" />
      <Button id="send-any" onClick={take("any")}>Send</Button>
      <Button id="send-with" onClick={Inbox.on.takeWith("x", uploadFiles("any"), 3)}>Send with</Button>
      <Button id="send-progress" onClick={Inbox.on.take(uploadFiles("any", { onUploadProgress: Inbox.on.progress }))}>Send with progress</Button>
      <Upload id="images" accept={IMAGES} />
      <Button id="send-images" onClick={Inbox.on.takeImage(uploadFiles("images"))}>Send images</Button>
      <Upload id="three" maxFiles={3} />
      <Button id="send-three" onClick={take("three")}>Send three</Button>
      <Upload id="single" multiple={false} />
      <Button id="send-single" onClick={take("single")}>Send one</Button>
      <Upload id="sized" maxSize={100} minSize={10} />
      <Button id="send-sized" onClick={take("sized")}>Send sized</Button>
      <Upload id="pair" maxFiles={2} maxSize={1000} />
      <Button id="send-pair" onClick={take("pair")}>Send pair</Button>
      <Upload id="dropped" onDrop={take("dropped")} />
    </>
  );
}

const SECRET = "upload test secret";
export const ORIGIN = "http://localhost";

export function uploadApp(upload: UploadOptions) {
  return new Elysia().use(hyperstate({ states: [Inbox], pages: { "/zones": ZonesPage }, upload, secret: SECRET }));
}

export type App = ReturnType<typeof uploadApp>;

export interface UploadTestbed {
  /** A fresh folder for this test file, removed after it. */
  root: string;
  /** The app's upload tempDir, inside root. */
  tempDir: string;
  app: App;
}

/**
 * The set-up every upload test file shares: its own folders, UPLOADED_FILES_DIR
 * pointing into them (put back afterwards), the app, and handler records reset
 * before each test. Fields are filled in beforeAll.
 */
export function useUploadTestbed(prefix: string, upload: Omit<UploadOptions, "tempDir"> = {}): UploadTestbed {
  const testbed = {} as UploadTestbed;
  const previousUploadDir = process.env.UPLOADED_FILES_DIR;
  beforeAll(() => {
    testbed.root = mkdtempSync(join(tmpdir(), prefix));
    testbed.tempDir = join(testbed.root, "tmp");
    process.env.UPLOADED_FILES_DIR = join(testbed.root, "uploads");
    testbed.app = uploadApp({ tempDir: testbed.tempDir, ...upload });
  });
  afterAll(() => {
    if (previousUploadDir === undefined) delete process.env.UPLOADED_FILES_DIR;
    else process.env.UPLOADED_FILES_DIR = previousUploadDir;
    rmSync(testbed.root, { recursive: true, force: true });
  });
  beforeEach(resetRecords);
  return testbed;
}

/** Anything that answers requests the way an Elysia app does: this fixture's app, or the demo. */
export interface Handles {
  handle(request: Request): Promise<Response>;
}

// ---------------------------------------------------------------- the page

export interface ZoneForm {
  action: string;
  csrf: string;
  returnTo: string;
  config: string;
}

export interface RenderedPage {
  session: string;
  html: string;
  /** By upload id. */
  forms: Map<string, ZoneForm>;
  /** Button id -> formaction. */
  buttons: Map<string, string>;
}

export function readPage(html: string, session: string): RenderedPage {
  const window = new Window();
  try {
    const document = window.document;
    document.body.innerHTML = html;
    const forms = new Map<string, ZoneForm>();
    for (const form of document.querySelectorAll("form[data-hs-upload-form]")) {
      const field = (name: string) => form.querySelector(`input[name="${name}"]`)?.getAttribute("value") ?? "";
      forms.set(form.getAttribute("data-hs-upload-form")!, {
        action: form.getAttribute("action")!,
        csrf: field("hs-csrf"),
        returnTo: field("hs-return"),
        config: field("hs-upload"),
      });
    }
    const buttons = new Map<string, string>();
    for (const button of document.querySelectorAll("button[formaction]")) {
      buttons.set(button.getAttribute("id") ?? "", button.getAttribute("formaction")!);
    }
    return { session, html, forms, buttons };
  } finally {
    void window.happyDOM.close();
  }
}

/** GET /zones as a new visitor (or with `session`): the session and the forms. */
export async function openPage(app: Handles, session?: string): Promise<RenderedPage> {
  const headers: Record<string, string> = session ? { Cookie: `hs_session=${session}` } : {};
  const response = await app.handle(new Request(`${ORIGIN}/zones`, { headers }));
  const cookie = /^hs_session=([^;]+)/.exec(response.headers.get("Set-Cookie") ?? "")?.[1];
  return readPage(await response.text(), session ?? cookie ?? "");
}

/** What the page shows: the handler's count and the names it kept. */
export async function shownState(app: Handles, session: string): Promise<{ count: string; names: string[] }> {
  const page = await openPage(app, session);
  return stateIn(page.html);
}

export function stateIn(html: string): { count: string; names: string[] } {
  const count = /<p id="count">(\d+)<\/p>/.exec(html)?.[1] ?? "";
  const list = /<ul id="names">(.*?)<\/ul>/s.exec(html)?.[1] ?? "";
  return { count, names: [...list.matchAll(/<li>(.*?)<\/li>/g)].map((match) => match[1]!) };
}

// ---------------------------------------------------------------- bodies

export interface Part {
  name: string;
  fileName?: string;
  contentType?: string;
  data?: string | Uint8Array;
  /** Replaces the generated header lines. */
  headers?: string;
}

export const BOUNDARY = "----hsTestBoundary7MA4YWxkTrZu0gW";

/** A multipart/form-data body written out byte by byte, so tests control every header. */
export function multipart(parts: Part[], boundary = BOUNDARY): Uint8Array<ArrayBuffer> {
  const chunks: Uint8Array[] = [];
  const text = (value: string) => chunks.push(Buffer.from(value, "utf8"));
  for (const part of parts) {
    text(`--${boundary}\r\n`);
    if (part.headers !== undefined) text(part.headers);
    else {
      const fileName = part.fileName === undefined ? "" : `; filename="${part.fileName}"`;
      text(`Content-Disposition: form-data; name="${part.name}"${fileName}\r\n`);
      if (part.contentType) text(`Content-Type: ${part.contentType}\r\n`);
    }
    text("\r\n");
    chunks.push(typeof part.data === "string" || part.data === undefined ? Buffer.from(part.data ?? "") : part.data);
    text("\r\n");
  }
  text(`--${boundary}--\r\n`);
  return Buffer.concat(chunks);
}

/** The hidden fields of a zone's form, first in the body as a browser sends them. */
export function hiddenParts(form: ZoneForm, overrides: Partial<Record<"hs-csrf" | "hs-return" | "hs-upload", string | null>> = {}): Part[] {
  const values = { "hs-csrf": form.csrf, "hs-return": form.returnTo, "hs-upload": form.config, ...overrides };
  return Object.entries(values)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([name, data]) => ({ name, data }));
}

export function filePart(fileName: string, data: string | Uint8Array, contentType = "application/octet-stream"): Part {
  return { name: "files", fileName, contentType, data };
}

const PNG_HEAD = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

export function pngBytes(size = 64): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(PNG_HEAD.subarray(0, Math.min(size, PNG_HEAD.length)));
  return bytes;
}

// ---------------------------------------------------------------- posting

/** What the client script adds to its requests. */
export const SCRIPT_HEADERS = { "HX-Request": "true", "HS-Tab": "t1" };

export interface PostOptions {
  session: string;
  /** With the client script's headers (HX-Request, HS-Tab); false posts as a browser without JavaScript. @default true */
  script?: boolean;
  contentType?: string;
  headers?: Record<string, string>;
}

export function uploadRequest(url: string, body: BodyInit, options: PostOptions): Request {
  const headers: Record<string, string> = {
    "Content-Type": options.contentType ?? `multipart/form-data; boundary=${BOUNDARY}`,
    Cookie: `hs_session=${options.session}`,
    Origin: ORIGIN,
    Referer: `${ORIGIN}/zones`,
    ...(options.script === false ? {} : SCRIPT_HEADERS),
    ...options.headers,
  };
  return new Request(new URL(url, ORIGIN), { method: "POST", headers, body });
}

/** POSTs `parts` to `url` (a formaction or a form's action). */
export function postUpload(app: Handles, url: string, parts: Part[] | Uint8Array<ArrayBuffer>, options: PostOptions): Promise<Response> {
  const body = parts instanceof Uint8Array ? parts : multipart(parts);
  return app.handle(uploadRequest(url, body, options));
}

/** `url` with the zone's signed limits in the query, as the client script sends them. */
export function withConfigInQuery(url: string, form: ZoneForm): string {
  const target = new URL(url, ORIGIN);
  target.searchParams.set("hs-upload", form.config);
  return target.pathname + target.search;
}

/** The files under `dir`, at any depth (folders such as the tus store's are not files left behind). */
export function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
  } catch {
    return [];
  }
}

/** Waits until `check` holds, polling; throws with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}
