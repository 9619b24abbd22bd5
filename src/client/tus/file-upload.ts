// One file's bytes over tus: the rest of the file in one PATCH, or in chunks
// of `chunkSize` when the app set one (a proxy that limits request bodies),
// each with its SHA-256 when the app asked for checksums. When a PATCH does
// not arrive (no answer, a 5xx, a locked or conflicting upload, a checksum
// mismatch), ask the server how much it has (HEAD) and go on from there, after
// a pause that grows while nothing moves.
//
// The body is the picked File itself when it goes whole: Chromium then reads
// it from disk in its network process. A slice (a Blob) goes through the
// browser process, which costs about a CPU-second more per 256 MiB; read into
// an ArrayBuffer it would also stall the page. Once a PATCH broke off, the
// rest goes in bounded chunks: a proxy that holds a body until it has all of
// it passes nothing of a broken one on, so a file sent whole would start over
// at every break.

import type { Checksum } from "./checksum";
import { offsetOf, tusRequest, TusFailure } from "./http";

export interface TusUpload {
  file: File;
  /** The upload's URL, from the creation's Location. */
  url: string;
  /** Bytes the server has. */
  offset: number;
}

/** The most bytes a PATCH carries after one broke off (or was too large for a proxy), or with a checksum, unless the app set chunkSize. */
export const BOUNDED_CHUNK_SIZE = 8 * 1024 * 1024;

export interface SendOptions {
  /** The most bytes per PATCH; unset: the rest of the file at once. */
  chunkSize?: number;
  /** Each PATCH carries the SHA-256 of its bytes (tus's checksum extension). */
  checksum?: Checksum;
}

/** Failures in a row, without the offset moving, before the upload gives up. */
const MAX_TRIES = 8;

/** Statuses worth asking the offset and trying again: 423 locked, 409 offset mismatch, 460 checksum mismatch. */
const isRetryable = (status: number) => !status || status >= 500 || [409, 423, 460].includes(status);

export async function sendFile(upload: TusUpload, options: SendOptions, headers: Record<string, string>, signal: AbortSignal): Promise<void> {
  const { file } = upload;
  const { checksum } = options;
  // A checksum is of bytes read into memory: never the whole file at once.
  let chunkSize = options.chunkSize || (checksum ? BOUNDED_CHUNK_SIZE : Infinity);
  let tries = 0;
  let synced = true; // whether upload.offset is what the server has
  // The checksum of the chunk from `offset` to `end`, started while the previous chunk travels.
  let ahead: { offset: number; end: number; checksum: Promise<string> } | undefined;
  const checksumOf = (checksum: Checksum, offset: number, end: number) => {
    if (ahead?.offset !== offset || ahead.end !== end) ahead = { offset, end, checksum: checksum(file.slice(offset, end)) };
    ahead.checksum.catch(() => {}); // awaited when its chunk is sent; a failure then is that chunk's
    return ahead.checksum;
  };
  for (;;) {
    let response: XMLHttpRequest;
    if (!synced) response = await tusRequest("HEAD", upload.url, headers, signal);
    else if (upload.offset >= file.size) return;
    else {
      const end = Math.min(upload.offset + chunkSize, file.size);
      const patch: Record<string, string | number> = {
        ...headers,
        "Content-Type": "application/offset+octet-stream",
        "Upload-Offset": upload.offset,
      };
      if (checksum) {
        // Checksum extension: "Upload-Checksum: <algorithm> <Base64 encoded checksum>" of this request's body.
        patch["Upload-Checksum"] = `sha256 ${await checksumOf(checksum, upload.offset, end)}`;
        if (end < file.size) checksumOf(checksum, end, Math.min(end + chunkSize, file.size));
      }
      const body = upload.offset === 0 && end === file.size ? file : file.slice(upload.offset, end);
      response = await tusRequest("PATCH", upload.url, patch, signal, body);
      // Too large for something on the way (no tus server refuses a PATCH inside the length for its size): go on in bounded chunks.
      if (response.status === 413 && end - upload.offset > BOUNDED_CHUNK_SIZE) {
        chunkSize = BOUNDED_CHUNK_SIZE;
        synced = false;
        continue;
      }
    }
    const { status } = response;
    const offset = offsetOf(response);
    // A success without an offset (a proxy ate the header) counts as a refusal, never as offset 0.
    if (status < 300 && offset >= 0) {
      if (offset > upload.offset) tries = 0;
      upload.offset = offset;
      synced = true;
    } else if (!isRetryable(status)) {
      throw new TusFailure(response);
    } else if (++tries > MAX_TRIES) {
      throw new TusFailure(null, true);
    } else {
      synced = false;
      chunkSize = Math.min(chunkSize, BOUNDED_CHUNK_SIZE);
      await pause(backoff(tries), signal);
    }
  }
}

/** 0.5, 1, 2, 4, 8, then 15 s, each shortened by up to a fifth so that tabs do not retry in step. */
function backoff(tries: number): number {
  return Math.min(500 * 2 ** (tries - 1), 15_000) * (1 - Math.random() / 5);
}

/** Waits `ms`, or less if the network comes back meanwhile. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      removeEventListener("online", done);
      signal.removeEventListener("abort", done);
      if (signal.aborted) reject(signal.reason);
      else resolve();
    };
    const timer = setTimeout(done, ms);
    addEventListener("online", done);
    signal.addEventListener("abort", done);
  });
}
