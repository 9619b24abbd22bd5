// What the tus tests share: a handler over a fresh temp directory, and the
// requests a tus client would send, built by hand so every header is visible.

import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTusHandler, type TusHandler, type TusHooks, type TusOptions } from "../../../src/upload/tus";

export const ORIGIN = "http://127.0.0.1";
export const BASE_PATH = "/_tus";

export interface TusFixture {
  tus: TusHandler;
  directory: string;
  /** Stops the handler and removes the directory. */
  dispose(): void;
}

/** A handler over a new temp directory; hooks default to accepting every upload. */
export function tusFixture(hooks: Partial<TusHooks> = {}, options: Partial<TusOptions> = {}): TusFixture {
  const directory = mkdtempSync(join(tmpdir(), "hs-tus-"));
  const tus = createTusHandler({
    directory,
    basePath: BASE_PATH,
    sweepIntervalMs: 0,
    ...options,
    hooks: { onCreate: async () => ({}), ...hooks },
  });
  return {
    tus,
    directory,
    dispose() {
      tus.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A request with `Tus-Resumable: 1.0.0` unless the headers say otherwise. */
export function tusRequest(method: string, path: string, headers: Record<string, string> = {}, body?: BodyInit): Request {
  return new Request(`${ORIGIN}${path}`, {
    method,
    headers: { "Tus-Resumable": "1.0.0", ...headers },
    body,
    // @ts-expect-error: Bun needs no duplex, but streamed bodies are typed for it in the DOM lib
    duplex: "half",
  });
}

/** POSTs a new upload of `length` bytes and returns its Location. */
export async function createUpload(tus: TusHandler, length: number, headers: Record<string, string> = {}): Promise<string> {
  const response = await tus.handle(tusRequest("POST", BASE_PATH, { "Upload-Length": String(length), ...headers }));
  if (response.status !== 201) throw new Error(`creation answered ${response.status}: ${await response.text()}`);
  return response.headers.get("Location")!;
}

export function patchRequest(location: string, offset: number, body: BodyInit, headers: Record<string, string> = {}): Request {
  return tusRequest(
    "PATCH",
    location,
    { "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset), ...headers },
    body,
  );
}

export async function headOffset(tus: TusHandler, location: string): Promise<number> {
  const response = await tus.handle(tusRequest("HEAD", location));
  return Number(response.headers.get("Upload-Offset"));
}

export const idOf = (location: string) => location.slice(`${BASE_PATH}/`.length);

export const bytes = (text: string) => new TextEncoder().encode(text);

/** A body that sends `chunks` one per read, then fails like a dropped connection. */
export function brokenStream(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < chunks.length) controller.enqueue(chunks[index++]);
      else controller.error(new Error("connection reset"));
    },
  });
}

/** A body that sends `chunks` one per read and counts how many reads were asked for. */
export function countedStream(chunks: Uint8Array[]): { stream: ReadableStream<Uint8Array>; pulls: () => number } {
  let index = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (index < chunks.length) controller.enqueue(chunks[index++]);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulls: () => index };
}

/** The Upload-Checksum digest of `data`. */
export function sha(algorithm: "sha1" | "sha256", data: Uint8Array): string {
  return createHash(algorithm).update(data).digest("base64");
}
