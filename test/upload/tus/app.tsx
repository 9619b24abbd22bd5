// What the resumable-upload tests share: an outside tus client's view of a
// hyperstate page. It GETs the page with a cookie, reads the zone's signed
// limits (hs-upload) and the upload button's formaction, and turns them into
// the Upload-Metadata a tus upload into that handler needs.

import { Elysia } from "elysia";
import { Window } from "happy-dom";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { hyperstate, type HyperstateOptions } from "../../../src/app";
import { events } from "../../../src/events/refs";
import { TUS_METADATA as META, type UploadProgress } from "../../../src/protocol";
import { Button } from "../../../src/render/components";
import type { PageContext } from "../../../src/render/context";
import { background, State } from "../../../src/state/state";
import type { UploadChunk, UploadChunkIterator } from "../../../src/upload/intake/chunks";
import { Upload } from "../../../src/upload/zone/component";
import type { UploadOptions } from "../../../src/upload/options";
import { uploadFiles, uploadFilesChunk } from "../../../src/upload/zone/refs";
import { serializeMetadata } from "../../../src/upload/tus";
import type { UploadFile } from "../../../src/upload/intake/upload-file";

/** Anything that answers requests: an Elysia app, or a server reached with fetch. */
export interface Handles {
  handle(request: Request): Promise<Response>;
}

export const ORIGIN = "http://127.0.0.1";

/** A real server's `handle`: the same requests, over the loopback. */
export function overHttp(base: string): Handles {
  return {
    handle(request) {
      const url = new URL(request.url);
      return fetch(base + url.pathname + url.search, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        // @ts-expect-error: Bun streams request bodies without it; the DOM types ask for it
        duplex: "half",
      });
    },
  };
}

/** One upload zone as a page rendered it for one session. */
export interface Zone {
  session: string;
  /** The form's hs-upload field: the zone's signed limits. */
  config: string;
  /** The upload button's formaction query: id, handler, args, progress, sig. */
  action: URLSearchParams;
}

/** GETs `path` (as a new visitor unless `session` is given) and reads zone `uploadId` and the button `buttonId`. */
export async function openZone(app: Handles, path: string, uploadId: string, buttonId?: string, session?: string): Promise<Zone> {
  const headers: Record<string, string> = session ? { Cookie: `hs_session=${session}` } : {};
  const response = await app.handle(new Request(ORIGIN + path, { headers }));
  const cookie = /^hs_session=([^;]+)/.exec(response.headers.get("Set-Cookie") ?? "")?.[1];
  const html = await response.text();
  const window = new Window();
  try {
    const document = window.document;
    document.body.innerHTML = html;
    const form = document.querySelector(`form[data-hs-upload-form="${uploadId}"]`);
    const config = form?.querySelector('input[name="hs-upload"]')?.getAttribute("value");
    const buttons = [...document.querySelectorAll(`button[form="${form?.getAttribute("id")}"][formaction]`)];
    const button = buttonId ? buttons.find((element) => element.getAttribute("id") === buttonId) : buttons[0];
    const formaction = button?.getAttribute("formaction");
    if (!config || !formaction) throw new Error(`${path} has no upload zone "${uploadId}" with a button ${buttonId ?? ""}`);
    return { session: session ?? cookie ?? "", config, action: new URL(formaction, ORIGIN).searchParams };
  } finally {
    void window.happyDOM.close();
  }
}

export interface FileMeta {
  filename: string;
  filetype?: string;
  batch?: string;
  batchSize?: number;
}

/** The Upload-Metadata of one file for the zone's handler; `overrides` replaces or (with null) drops keys. */
export function metadataFor(zone: Zone, file: FileMeta, overrides: Record<string, string | null> = {}): Record<string, string> {
  const values: Record<string, string | null | undefined> = {
    [META.filename]: file.filename,
    [META.filetype]: file.filetype ?? "application/octet-stream",
    [META.upload]: zone.action.get("id"),
    [META.handler]: zone.action.get("handler"),
    [META.args]: zone.action.get("args"),
    [META.progress]: zone.action.get("progress"),
    [META.signature]: zone.action.get("sig"),
    [META.config]: zone.config,
    [META.batch]: file.batch,
    [META.batchSize]: file.batchSize === undefined ? undefined : String(file.batchSize),
    ...overrides,
  };
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** A tus request carrying `session`'s cookie (none when it is empty). */
export function tusRequest(method: string, path: string, session: string, headers: Record<string, string> = {}, body?: BodyInit): Request {
  return new Request(ORIGIN + path, {
    method,
    headers: { "Tus-Resumable": "1.0.0", ...(session ? { Cookie: `hs_session=${session}` } : {}), ...headers },
    body,
    // @ts-expect-error: Bun needs no duplex, but streamed bodies are typed for it in the DOM lib
    duplex: "half",
  });
}

/** POST /_tus for one file of `length` bytes; the Response, so refusals can be read. */
export function create(app: Handles, zone: Zone, length: number, file: FileMeta, overrides: Record<string, string | null> = {}): Promise<Response> {
  const metadata = serializeMetadata(metadataFor(zone, file, overrides));
  return app.handle(tusRequest("POST", "/_tus", zone.session, { "Upload-Length": String(length), "Upload-Metadata": metadata }));
}

/** Creates an upload and returns its Location, or throws with the server's answer. */
export async function createUpload(app: Handles, zone: Zone, length: number, file: FileMeta): Promise<string> {
  const response = await create(app, zone, length, file);
  if (response.status !== 201) throw new Error(`creation answered ${response.status}: ${await response.text()}`);
  return new URL(response.headers.get("Location")!, ORIGIN).pathname;
}

export function patch(app: Handles, location: string, session: string, offset: number, body: BodyInit): Promise<Response> {
  return app.handle(
    tusRequest("PATCH", location, session, { "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset) }, body),
  );
}

/** PATCHes `bytes` from `offset` in pieces of `chunkSize`, each its own request; throws on a refusal. */
export async function patchAll(app: Handles, location: string, session: string, bytes: Uint8Array, offset = 0, chunkSize = 4 * 1024 * 1024): Promise<void> {
  for (let at = offset; at < bytes.length; at += chunkSize) {
    const response = await patch(app, location, session, at, bytes.slice(at, at + chunkSize));
    if (response.status !== 204) throw new Error(`PATCH at ${at} answered ${response.status}: ${await response.text()}`);
  }
}

export function head(app: Handles, location: string, session: string): Promise<Response> {
  return app.handle(tusRequest("HEAD", location, session));
}

export function remove(app: Handles, location: string, session: string): Promise<Response> {
  return app.handle(tusRequest("DELETE", location, session));
}

/** `size` random bytes (getRandomValues fills at most 64 KiB a call). */
export function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, offset + 65_536));
  return bytes;
}

/** Polls an async check until it holds; throws with `what` after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

// ---------------------------------------------------------------- the lab app

/** What the lab's handlers saw, in order; reset with `resetLab()`. */
export const lab = {
  /** Per chunk: file name, offset, size, and (when keepBytes) its bytes. */
  chunks: [] as { filename: string; offset: number; size: number; data?: Uint8Array }[],
  keepBytes: false,
  /** Bytes the slow reader has taken so far. */
  taken: 0,
  /** The slow reader's pace. */
  bytesPerSecond: Infinity,
  /** What a handler caught in its loop. */
  caught: [] as Error[],
  ended: 0,
  files: [] as { name: string; size: number; contentType: string; bytes: Uint8Array; movedTo?: string }[],
  /** Where `take` moves the files it got; none when empty. */
  moveInto: "",
  progress: [] as UploadProgress[],
  /** Runs first in `take`, with the files as the handler got them. */
  onTake: undefined as ((files: UploadFile[]) => void) | undefined,
};

export function resetLab(): void {
  Object.assign(lab, { chunks: [], keepBytes: false, taken: 0, bytesPerSecond: Infinity, caught: [], ended: 0, files: [], moveInto: "", progress: [], onTake: undefined });
}

function record(chunk: UploadChunk): void {
  lab.chunks.push({ filename: chunk.filename, offset: chunk.offset, size: chunk.data.byteLength, data: lab.keepBytes ? chunk.data.slice() : undefined });
}

export class Lab extends State {
  static on = events(this);
  status = "idle";

  /** Reads every chunk, recording it, at `lab.bytesPerSecond`; records what it catches. */
  @background
  async read(chunks: UploadChunkIterator) {
    let started: number | undefined;
    try {
      for await (const chunk of chunks) {
        record(chunk);
        lab.taken += chunk.data.byteLength;
        // Paced on the whole: short sleeps per chunk would round down.
        started ??= performance.now();
        const due = started + (lab.taken / lab.bytesPerSecond) * 1000;
        if (due > performance.now()) await Bun.sleep(due - performance.now());
      }
      lab.ended += 1;
    } catch (error) {
      lab.caught.push(error as Error);
      throw error;
    }
    await this.update((s) => {
      s.status = "read everything";
    });
  }

  /** Takes one chunk and returns. */
  @background
  async readOne(chunks: UploadChunkIterator) {
    for await (const chunk of chunks) {
      record(chunk);
      return;
    }
  }

  /** Takes one chunk and throws. */
  @background
  async readThenThrow(chunks: UploadChunkIterator) {
    for await (const chunk of chunks) {
      record(chunk);
      throw new Error("the archive disk is full");
    }
  }

  async take(files: UploadFile[]) {
    lab.onTake?.(files);
    for (const file of files) {
      const entry = { name: file.name, size: file.size, contentType: file.contentType, bytes: await file.bytes(), movedTo: undefined as string | undefined };
      if (lab.moveInto) {
        entry.movedTo = join(lab.moveInto, file.name);
        await file.moveTo(entry.movedTo);
      }
      lab.files.push(entry);
    }
    this.status = `took ${files.map((file) => file.name).join(", ")}`;
  }

  async progress(value: UploadProgress) {
    lab.progress.push(value);
  }
}

function LabPage({ use }: PageContext): JSX.Element {
  const state = use(Lab);
  return (
    <>
      <p id="status" safe>{state.status}</p>
      <Upload id="chunks" />
      <Button id="read" onClick={Lab.on.read(uploadFilesChunk("chunks"))}>Read</Button>
      <Button id="read-one" onClick={Lab.on.readOne(uploadFilesChunk("chunks"))}>Read one</Button>
      <Button id="read-throw" onClick={Lab.on.readThenThrow(uploadFilesChunk("chunks"))}>Read then throw</Button>
      <Button id="read-progress" onClick={Lab.on.read(uploadFilesChunk("chunks", { onUploadProgress: Lab.on.progress }))}>Read with progress</Button>
      <Upload id="files" />
      <Button id="take" onClick={Lab.on.take(uploadFiles("files"))}>Take</Button>
      <Button id="take-progress" onClick={Lab.on.take(uploadFiles("files", { onUploadProgress: Lab.on.progress }))}>Take with progress</Button>
      <Upload id="limited" maxFiles={2} maxSize={1000} minSize={10} accept={{ "image/png": [".png"] }} />
      <Button id="take-limited" onClick={Lab.on.take(uploadFiles("limited"))}>Take limited</Button>
      <Upload id="png-chunks" accept={{ "image/png": [".png"] }} />
      <Button id="read-png" onClick={Lab.on.read(uploadFilesChunk("png-chunks"))}>Read PNG chunks</Button>
    </>
  );
}

export const SECRET = "resumable upload test secret";

/** The lab app: everything over tus (resumableAbove 1), its temp files in `tempDir`. */
export function labApp(upload: UploadOptions, secret = SECRET, options: Partial<HyperstateOptions> = {}) {
  return new Elysia({ serve: { maxRequestBodySize: 2 ** 32 } }).use(
    hyperstate({ states: [Lab], pages: { "/lab": LabPage }, upload: { resumableAbove: 1, ...upload }, secret, ...options }),
  );
}

/** The files left in the tus store's folder under `tempDir`: data files and info JSON alike. */
export function tusFiles(tempDir: string): string[] {
  try {
    return readdirSync(join(tempDir, "tus"));
  } catch {
    return [];
  }
}

/** Reads the tab stream of `page` for `session` and collects what it pushes, until `close()`. */
export function watchStream(app: Handles, session: string, page: string) {
  const controller = new AbortController();
  let text = "";
  const ready = app
    .handle(new Request(`${ORIGIN}/_stream?tab=watcher&page=${encodeURIComponent(page)}`, { headers: { Cookie: `hs_session=${session}` }, signal: controller.signal }))
    .then(async (response) => {
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          text += decoder.decode(value, { stream: true });
        }
      })().catch(() => {});
      // The first message is the current render: from then on the tab is registered.
      await eventually(() => text.includes("data:"), "the stream's first render");
    });
  return { ready, text: () => text, close: () => controller.abort() };
}
