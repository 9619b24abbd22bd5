// One file's bytes over tus: PATCH a chunk at a time, each with its SHA-256.
// When a chunk does not arrive (no answer, a 5xx, a locked or conflicting
// upload, a checksum mismatch), ask the server how much it has (HEAD) and go on
// from there, after a pause that grows while nothing moves.
//
// A chunk is a slice of the file (a Blob), handed to XMLHttpRequest as it is:
// the browser streams it from disk. Read into an ArrayBuffer it costs a copy
// on the page's thread and stalls the page for hundreds of milliseconds.

import type { Checksum } from "./checksum";
import { offsetOf, tusRequest, TusFailure } from "./http";

export interface TusUpload {
  file: File;
  /** The upload's URL, from the creation's Location. */
  url: string;
  /** Bytes the server has. */
  offset: number;
}

/** Failures in a row, without the offset moving, before the upload gives up. */
const MAX_TRIES = 8;

/** Statuses worth asking the offset and trying again: 423 locked, 409 offset mismatch, 460 checksum mismatch. */
const isRetryable = (status: number) => !status || status >= 500 || [409, 423, 460].includes(status);

export async function sendFile(
  upload: TusUpload,
  chunkSize: number,
  headers: Record<string, string>,
  signal: AbortSignal,
  checksum: Checksum,
): Promise<void> {
  const { file } = upload;
  let tries = 0;
  let synced = true; // whether upload.offset is what the server has
  // The checksum of the chunk at `offset`, started while the previous chunk travels.
  let ahead: { offset: number; checksum: Promise<string> } | undefined;
  const checksumAt = (offset: number) => {
    if (ahead?.offset !== offset) ahead = { offset, checksum: checksum(file.slice(offset, offset + chunkSize)) };
    ahead.checksum.catch(() => {}); // awaited when its chunk is sent; a failure then is that chunk's
    return ahead.checksum;
  };
  for (;;) {
    let response: XMLHttpRequest;
    if (!synced) response = await tusRequest("HEAD", upload.url, headers, signal);
    else if (upload.offset >= file.size) return;
    else {
      const end = Math.min(upload.offset + chunkSize, file.size);
      const patch = {
        ...headers,
        "Content-Type": "application/offset+octet-stream",
        "Upload-Offset": upload.offset,
        // Checksum extension: "Upload-Checksum: <algorithm> <Base64 encoded checksum>" of this request's body.
        "Upload-Checksum": `sha256 ${await checksumAt(upload.offset)}`,
      };
      if (end < file.size) checksumAt(end);
      response = await tusRequest("PATCH", upload.url, patch, signal, file.slice(upload.offset, end));
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
