// One click's files over tus, as one batch: find the uploads a reload left
// behind or create one per file, then send the files, three at a time. The
// server runs the handler when the batch's last byte arrives and pushes the
// new page over its stream; nothing here renders.
//
// A chunk of its own, loaded on demand, that shares no module with the page's
// script (a shared one would be loaded with every page): the page reads the
// DOM and the upload URL, and hands over plain values and the protocol's names.

import type { TUS_METADATA } from "../../protocol";
import { startHasher } from "./checksum";
import { type TusUpload, sendFile } from "./file-upload";
import { encodeMetadata, offsetOf, randomId, tusRequest, TusFailure } from "./http";
import { forgetEntry, loadEntry, saveEntry } from "./resume-store";

export interface TusJob {
  /** The upload zone. */
  id: string;
  files: readonly File[];
  /** Each file's path in its folder, or its name (relativePathOf): this chunk imports nothing of the page's. */
  paths: readonly string[];
  /** Where uploads are created: ROUTES.tus. */
  endpoint: string;
  /** The Upload-Metadata keys: TUS_METADATA. */
  keys: typeof TUS_METADATA;
  /** As the upload URL names them: the handler, its arguments (JSON) and the progress handler. */
  handler: string | null;
  args: string | null;
  progress: string | null;
  /** The upload URL's `sig`: binds handler, arguments and zone. */
  signature: string | null;
  /** The form's signed limits. */
  config: string | null;
  /** The most bytes per PATCH (the app's chunkSize); unset: each file in one PATCH. */
  chunkSize?: number;
  /** Each PATCH carries the SHA-256 of its bytes (the app's `checksum` option). */
  checksum?: boolean;
  /** The checksum worker's script: ROUTES.client + "/hash-worker.js". */
  hashWorker?: string;
  /** Sent with every request: HX-Request and HS-Tab. */
  headers: Record<string, string>;
}

const PARALLEL_FILES = 3;

const pathOf = (job: TusJob, file: File) => job.paths[job.files.indexOf(file)] ?? file.name;

/** Resolves when every byte is on the server; rejects with a TusFailure, or the abort reason when `signal` cancels it. */
export async function uploadOverTus(job: TusJob, signal: AbortSignal): Promise<void> {
  // Cancelled while this chunk loaded.
  signal.throwIfAborted();
  // Stops the other files when one fails, as well as on cancel.
  const stop = new AbortController();
  const onCancel = () => stop.abort(signal.reason);
  signal.addEventListener("abort", onCancel);
  const uploads: TusUpload[] = [];
  const hasher = job.checksum ? startHasher(job.hashWorker) : undefined;
  try {
    uploads.push(...((await findLeftUploads(job, stop.signal)) ?? []));
    if (uploads.length === 0) await createUploads(job, uploads, stop.signal);
    const queue = [...uploads];
    const worker = async () => {
      for (let upload; (upload = queue.shift()); ) {
        await sendFile(upload, { chunkSize: job.chunkSize, checksum: hasher?.checksum }, job.headers, stop.signal);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_FILES }, worker));
    for (const file of job.files) forgetEntry(job.id, file, pathOf(job, file));
  } catch (error) {
    stop.abort();
    // A lost connection keeps the uploads for the next click, or a reload.
    if (signal.aborted || !(error instanceof TusFailure && error.resumable)) discard(job, uploads);
    throw error;
  } finally {
    hasher?.close();
    signal.removeEventListener("abort", onCancel);
  }
}

/** The uploads a reload left behind, if every file has one, all of one batch of this many files, and the server still knows them. */
async function findLeftUploads(job: TusJob, signal: AbortSignal): Promise<TusUpload[] | undefined> {
  const entries = job.files.map((file) => loadEntry(job.id, file, pathOf(job, file)));
  const batch = entries[0]?.batch;
  if (entries.every((entry) => entry && entry.batch === batch && entry.batchSize === job.files.length)) {
    const heads = await Promise.all(entries.map((entry) => tusRequest("HEAD", entry!.url, job.headers, signal)));
    if (heads.some((head) => !head.status)) throw new TusFailure(null, true);
    if (heads.every((head) => head.status < 300 && offsetOf(head) >= 0)) {
      return heads.map((head, i) => ({ file: job.files[i]!, url: entries[i]!.url, offset: offsetOf(head) }));
    }
  }
  // Anything else starts over; the server may drop what it kept.
  discard(
    job,
    entries.flatMap((entry, i) => (entry ? [{ file: job.files[i]!, url: entry.url, offset: 0 }] : [])),
  );
}

/** Tries a creation again, a few times with growing pauses, when the answer is lost or a 5xx (an instance behind a proxy died); anything else is the server's answer. */
async function createOne(endpoint: string, headers: Record<string, string | number>, signal: AbortSignal): Promise<XMLHttpRequest> {
  for (let tries = 1; ; tries++) {
    const response = await tusRequest("POST", endpoint, headers, signal);
    if ((response.status && response.status < 500) || tries >= CREATE_TRIES) return response;
    await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** tries));
  }
}

const CREATE_TRIES = 4;

/** Creates every upload before any data goes, so the server knows the whole batch. */
async function createUploads(job: TusJob, uploads: TusUpload[], signal: AbortSignal): Promise<void> {
  const batch = randomId();
  const batchSize = job.files.length;
  const META = job.keys;
  for (const file of job.files) {
    const path = pathOf(job, file);
    const metadata = encodeMetadata({
      [META.filename]: file.name,
      [META.filetype]: file.type,
      // Only for a file of a folder: a lone file's path is its name.
      [META.relativePath]: path === file.name ? undefined : path,
      [META.handler]: job.handler,
      [META.upload]: job.id,
      [META.config]: job.config,
      [META.args]: job.args,
      [META.batch]: batch,
      [META.batchSize]: batchSize,
      [META.progress]: job.progress,
      [META.signature]: job.signature,
    });
    const headers = { ...job.headers, "Upload-Length": file.size, "Upload-Metadata": metadata };
    const response = await createOne(job.endpoint, headers, signal);
    const url = response.getResponseHeader("Location");
    if (response.status !== 201 || !url) throw new TusFailure(response);
    uploads.push({ file, url, offset: 0 });
    saveEntry(job.id, file, path, { url, batch, batchSize });
  }
}

/** Termination: DELETE each upload, best effort, and forget it here. */
function discard(job: TusJob, uploads: TusUpload[]): void {
  for (const { file, url } of uploads) {
    forgetEntry(job.id, file, pathOf(job, file));
    tusRequest("DELETE", url, job.headers).catch(() => {});
  }
}
