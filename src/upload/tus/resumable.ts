import { join } from "node:path";
import { HttpError } from "../../errors";
import { ROUTES, TUS_METADATA as META, type UploadConfig, type UploadFilesMarker } from "../../protocol";
import type { Runtime } from "../../runtime";
import { readSessionId } from "../../state/session";
import { withEventPage, type EventPage } from "../../state/event-page";
import { eventPageAt, eventPageOf } from "../../render/answers";
import { readUploadAction, type RawUploadAction, type UploadAction } from "../zone/action";
import { UploadCancelledError, UploadChunkIterator } from "../intake/chunks";
import { admitUpload, type Admission } from "../intake/admission";
import { SNIFF_BYTES } from "../rules/sniff";
import { sanitizeFileName, sanitizeRelativePath } from "../storage/paths";
import { deliverFiles, progressFor, startChunkHandler, type ProgressReporter } from "../intake/delivery";
import type { UploadContext } from "../options";
import { createTusHandler, TUS_HEADERS, TUS_VERSION, type TerminateReason, type TusHandler, type TusSink, type TusUploadInfo } from "./index";
import { chooseTusStores } from "./backends";
import { isComplete } from "./stores";
import { UploadFile } from "../intake/upload-file";

/**
 * Files sent together over tus for one handler call. A batch of `size`
 * files either feeds a chunk handler as bytes arrive, or, once every file
 * is complete, calls an ordinary handler with them as UploadFile[].
 */
interface Batch {
  id: string;
  sessionId: string;
  uploadId: string;
  action: UploadAction;
  /** The zone's limits and the rules every file of the batch passes. */
  admission: Admission;
  size: number;
  /** Uploads created so far, in creation order. */
  uploads: string[];
  /** Creations accepted, counted before their ids are known. */
  reserved: number;
  totalLength: number;
  stored: Map<string, number>;
  completed: Set<string>;
  /** For a chunk handler: the queue it reads. */
  chunks?: UploadChunkIterator;
  report?: ProgressReporter;
  /** The page the upload started on, for eventPage() in its handlers (none for a tus client that names no page). */
  page?: EventPage;
}

const BATCH_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** How long a finished upload still answers HEAD with its full offset. */
const RETIRED_KEPT_MS = 10 * 60 * 1000;

/** Whether an upload's arguments hand its bytes to a chunk handler. */
function isChunked(metadata: Record<string, string>): boolean {
  try {
    const args: unknown = JSON.parse(metadata[META.args] ?? "[]");
    return Array.isArray(args) && args.some((arg) => (arg as UploadFilesMarker | null)?.$upload === metadata[META.upload] && (arg as UploadFilesMarker).chunked === true);
  } catch {
    return false;
  }
}

/** The upload's handler, arguments and signature, from its metadata (the upload button's formaction query). */
function actionOf(metadata: Record<string, string>): RawUploadAction {
  return { id: metadata[META.upload], handler: metadata[META.handler], args: metadata[META.args], progress: metadata[META.progress], signature: metadata[META.signature] };
}

/** A file of the batch as the intake's rules read it. */
function fileOf(metadata: Record<string, string>, length: number) {
  return { name: metadata[META.filename] || "file", type: metadata[META.filetype] ?? "", size: length };
}

/** The tus endpoint bound to hyperstate's sessions, limits and handlers. */
export class ResumableUploads {
  readonly tus: TusHandler;
  readonly #runtime: Runtime;
  readonly #context: UploadContext;
  readonly #batches = new Map<string, Batch>();
  readonly #retiring = new Set<ReturnType<typeof setTimeout>>();
  /** Settles once uploads left by an earlier run are sorted out; requests wait for it. */
  readonly #ready: Promise<void>;
  /** Uploads of batches whose handler stopped, and why. */
  readonly #gone = new Map<string, string>();
  /** Whether upload info is this machine's alone (no Redis). */
  readonly #local: boolean;

  constructor(context: UploadContext) {
    this.#context = context;
    this.#runtime = context.runtime;
    const shared = chooseTusStores({ redisUrl: context.redisUrl });
    this.#local = !shared.info;
    this.tus = createTusHandler({
      directory: join(context.options.tempDir, "tus"),
      stores: shared,
      basePath: ROUTES.tus,
      maxSize: context.options.maxFileSize,
      expirationMs: context.options.resumableExpiryMs,
      hooks: {
        onCreate: (request, upload) => this.#create(request, upload.length, upload.metadata),
        onCreated: (info) => void this.#batchOf(info),
        authorize: (request, info) => this.#authorize(request, info),
        sinkFor: (info) => this.#sinkFor(info),
        // Only a zone that names types has anything to check in a file's first bytes.
        inspect: { size: (info) => (this.#batches.get(info.owner.batch ?? "")?.admission.checksContent === false ? 0 : SNIFF_BYTES), check: (info, head) => this.#inspect(info, head) },
        onProgress: (info, arrived) => void this.#progress(info, arrived),
        onComplete: (info) => this.#complete(info),
        onTerminate: (info, reason) => this.#terminate(info, reason),
      },
    });
    // Another instance may be running the uploads a shared store lists: only this process's own are its to sort out.
    this.#ready = !this.#local ? Promise.resolve() : this.#dropOrphans().catch((error) => console.error("Sweeping tus uploads left by an earlier run failed:", error));
  }

  /** The tus endpoint, telling a client whose upload's handler stopped why its upload is gone. */
  async handle(request: Request): Promise<Response> {
    await this.#ready;
    const id = new URL(request.url).pathname.split("/").pop() ?? "";
    const reason = request.method === "OPTIONS" ? undefined : this.#gone.get(id);
    if (!reason) return this.tus.handle(request);
    return new Response(reason, { status: 410, headers: { [TUS_HEADERS.resumable]: TUS_VERSION, "Content-Type": "text/plain; charset=utf-8" } });
  }

  /** Stops every batch of `uploadId` in the session: uploads deleted, a chunk handler's loop told. */
  async cancel(sessionId: string, uploadId: string): Promise<void> {
    for (const batch of [...this.#batches.values()]) {
      if (batch.sessionId === sessionId && batch.uploadId === uploadId) await this.#discard(batch, new UploadCancelledError());
    }
  }

  close(): void {
    for (const timer of this.#retiring) clearTimeout(timer);
    this.tus.close();
    void this.tus.store.close().catch(() => {});
  }

  // ---------------------------------------------------------------- tus hooks

  /** Before a byte moves: who sends, for which handler, and the zone's limits for this file. */
  async #create(request: Request, length: number, metadata: Record<string, string>): Promise<Record<string, string>> {
    const sessionId = readSessionId(request.headers.get("Cookie"));
    if (!sessionId) throw new HttpError(403, "A tus upload into a handler needs the page's session cookie (hs_session)");
    const action = readUploadAction(this.#runtime, sessionId, actionOf(metadata));
    const { uploadId } = action;
    const admission = this.#admit(sessionId, action, metadata);
    const batchId = metadata[META.batch] || crypto.randomUUID();
    const size = Number(metadata[META.batchSize] || 1);
    if (!BATCH_ID.test(batchId)) throw new HttpError(400, `The "${META.batch}" metadata must be 8 to 64 letters, digits, _ or -`);
    if (!Number.isSafeInteger(size) || size < 1) throw new HttpError(400, `The "${META.batchSize}" metadata must be a whole number of files, 1 or more`);

    // The whole batch is counted at once: too many files and every one is refused.
    admission.checkStart(fileOf(metadata, length), size);

    const page = this.#pageOf(request);
    const batch = this.#batches.get(batchId) ?? this.#openBatch(batchId, sessionId, admission, size, page);
    if (batch.sessionId !== sessionId || batch.uploadId !== uploadId || batch.action.handler !== action.handler || batch.size !== size) {
      throw new HttpError(409, "This batch belongs to another upload: give each upload its own batch id");
    }
    if (batch.reserved >= batch.size) throw new HttpError(409, `This batch already has its ${batch.size} files`);
    batch.totalLength += length;
    batch.reserved += 1;
    return page ? { session: sessionId, batch: batchId, page: page.url.href } : { session: sessionId, batch: batchId };
  }

  /** The page a creation came from (the client script's requests name it); undefined for a tus client that names none. */
  #pageOf(request: Request): EventPage | undefined {
    try {
      return eventPageOf(this.#runtime, request);
    } catch {
      return undefined;
    }
  }

  #admit(sessionId: string, action: UploadAction, metadata: Record<string, string>): Admission {
    try {
      return admitUpload(this.#runtime, sessionId, action, metadata[META.config], this.#context.options);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      throw new HttpError(error.status, `${error.message} (over tus, the "${META.config}" metadata carries the form's hs-upload field)`);
    }
  }

  #openBatch(id: string, sessionId: string, admission: Admission, size: number, page: EventPage | undefined): Batch {
    const { action } = admission;
    const batch: Batch = { id, sessionId, uploadId: action.uploadId, action, admission, size, uploads: [], reserved: 0, totalLength: 0, stored: new Map(), completed: new Set(), page };
    batch.report = progressFor(this.#runtime, sessionId, action, () => batch.totalLength, this.#context.options.progressIntervalMs);
    if (action.marker.chunked) this.#startChunkHandler(batch);
    this.#batches.set(id, batch);
    return batch;
  }

  /** A chunk handler starts with the first file and reads as bytes arrive. */
  #startChunkHandler(batch: Batch): void {
    const { chunks, run } = this.#onPage(batch, () => startChunkHandler(this.#runtime, batch.sessionId, batch.action));
    batch.chunks = chunks;
    void run.then(async ({ done }) => {
      let threw = false;
      try {
        await done;
      } catch {
        threw = true; // the runtime shows the handler's own error on the page
      }
      if (chunks.isOpen || batch.completed.size < batch.size) {
        const message = `The upload stopped: its handler ${batch.action.handler} ${threw ? "failed" : "returned"} before it read every chunk`;
        chunks.stop(message);
        await this.#fail(batch, message);
        if (!threw) await this.#runtime.bus.publish({ sessionId: batch.sessionId, error: message });
      }
    });
  }

  async #authorize(request: Request, info: TusUploadInfo): Promise<void> {
    // Someone else's upload is as good as absent: its id must not be confirmed.
    if (readSessionId(request.headers.get("Cookie")) !== info.owner.session) throw new HttpError(404, "No such upload");
    if (isComplete(info)) return;
    // Its batch is rebuilt and verified before any byte moves: an upload the
    // server can no longer vouch for is refused once, with its reason.
    try {
      await this.#batchOf(info);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      const reason = `This upload can no longer be accepted: ${error.message}`;
      console.warn(`tus upload ${info.id} refused: ${error.message}`);
      this.#gone.set(info.id, reason);
      this.#later(() => this.#gone.delete(info.id));
      await this.tus.store.delete(info.id);
      throw new HttpError(410, reason);
    }
  }

  /** The first bytes of a file, before any of them count: what they prove must fit the zone. */
  async #inspect(info: TusUploadInfo, head: Uint8Array): Promise<void> {
    const batch = await this.#batchOf(info);
    if (!batch) throw new HttpError(410, "This upload's batch is gone: start the upload again");
    batch.admission.checkHead(fileOf(info.metadata, info.length), head);
  }

  #sinkFor(info: TusUploadInfo): TusSink | undefined {
    const chunks = this.#batches.get(info.owner.batch ?? "")?.chunks;
    if (!chunks) return undefined;
    return {
      write: (upload, offset, bytes) =>
        chunks.push({
          filename: sanitizeFileName(upload.metadata[META.filename] || "file"),
          offset,
          contentType: upload.metadata[META.filetype] || "application/octet-stream",
          data: bytes,
        }),
    };
  }

  /** `arrived`: with a checksum, counting the bytes of a PATCH still to verify, so progress moves as they come. */
  async #progress(info: TusUploadInfo, arrived: number): Promise<void> {
    const batch = this.#batches.get(info.owner.batch ?? "");
    if (!batch?.report) return;
    batch.stored.set(info.id, arrived);
    let stored = 0;
    for (const bytes of batch.stored.values()) stored += bytes;
    batch.report.stored(stored);
  }

  async #complete(info: TusUploadInfo): Promise<void> {
    const batch = await this.#batchOf(info);
    if (!batch) throw new HttpError(410, "This upload's batch is gone: start the upload again");
    batch.completed.add(info.id);
    batch.stored.set(info.id, info.length);
    if (batch.completed.size < batch.size) return;
    await batch.report?.finish();
    if (batch.chunks) {
      batch.chunks.end();
      this.#batches.delete(batch.id);
      await this.#retire(batch);
      return;
    }
    await this.#callFileHandler(batch);
  }

  /** Every file is stored: the ordinary handler gets them, then they are deleted unless it kept them. */
  async #callFileHandler(batch: Batch): Promise<void> {
    this.#batches.delete(batch.id);
    const files: UploadFile[] = [];
    const { data } = this.tus.store;
    for (const id of batch.uploads) {
      const info = await this.tus.store.get(id);
      if (!info) throw new HttpError(410, "A file of this batch is gone: start the upload again");
      const name = sanitizeFileName(info.metadata[META.filename] || "file");
      const relativePath = sanitizeRelativePath(info.metadata[META.relativePath] || info.metadata[META.filename] || "file");
      const source = { blob: await data.read(id), path: data.localPath?.(id), discard: () => data.delete(id) };
      files.push(new UploadFile(name, info.length, info.metadata[META.filetype] || "application/octet-stream", source, relativePath));
    }
    try {
      const outcome = await this.#onPage(batch, () => deliverFiles(this.#runtime, batch.sessionId, batch.action, files));
      // The PATCH that completed the batch is no page request: the page hears the outcome over its stream.
      if (outcome.error || outcome.actions.length) {
        await this.#runtime.bus.publish({ sessionId: batch.sessionId, error: outcome.error, actions: outcome.actions });
      }
    } finally {
      await this.#retire(batch);
    }
  }

  async #terminate(info: TusUploadInfo, reason: TerminateReason): Promise<void> {
    const batch = this.#batches.get(info.owner.batch ?? "");
    if (!batch) return;
    if (reason === "refused") return this.#fail(batch, "A file of this upload was refused: start the upload again");
    await this.#discard(batch, reason === "deleted" ? new UploadCancelledError() : new UploadCancelledError("The upload expired"));
  }

  // ---------------------------------------------------------------- batches

  /** Runs a handler of the batch with eventPage() giving the page its upload started on. */
  #onPage<T>(batch: Batch, run: () => T): T {
    return batch.page ? withEventPage(batch.page, run) : run();
  }

  /** The batch of an upload; after a restart, rebuilt from the uploads on disk. */
  async #batchOf(info: TusUploadInfo): Promise<Batch | undefined> {
    const batchId = info.owner.batch ?? "";
    let batch = this.#batches.get(batchId);
    if (!batch) {
      const siblings = (await this.tus.store.list()).filter((upload) => upload.owner.batch === batchId);
      if (siblings.length === 0) return undefined;
      siblings.sort((a, b) => a.createdAt - b.createdAt);
      // A chunk handler cannot outlive its process: only file batches come back.
      const sessionId = info.owner.session!;
      const action = readUploadAction(this.#runtime, sessionId, actionOf(info.metadata));
      if (action.marker.chunked) return undefined;
      const page = info.owner.page && URL.canParse(info.owner.page) ? eventPageAt(this.#runtime, new URL(info.owner.page)) : undefined;
      batch = this.#openBatch(batchId, sessionId, this.#admit(sessionId, action, info.metadata), Number(info.metadata[META.batchSize] || 1), page);
      batch.uploads = siblings.map((upload) => upload.id);
      batch.reserved = siblings.length;
      batch.totalLength = siblings.reduce((sum, upload) => sum + upload.length, 0);
      for (const upload of siblings) if (upload.offset === upload.length) batch.completed.add(upload.id);
    }
    if (!batch.uploads.includes(info.id)) batch.uploads.push(info.id);
    return batch;
  }

  /**
   * A finished batch's bytes go at once; its uploads' info stays a while, so
   * a client whose last reply was lost still reads from HEAD that the upload
   * is complete instead of "gone".
   */
  async #retire(batch: Batch): Promise<void> {
    await Promise.all(batch.uploads.map((id) => this.tus.store.data.delete(id)));
    this.#forgetLater(batch);
  }

  /** A batch whose handler stopped is discarded; for a while, a request on one of its uploads hears why. */
  async #fail(batch: Batch, message: string): Promise<void> {
    for (const id of batch.uploads) this.#gone.set(id, message);
    this.#later(() => batch.uploads.forEach((id) => this.#gone.delete(id)));
    await this.#discard(batch);
  }

  #forgetLater(batch: Batch): void {
    this.#later(() => batch.uploads.forEach((id) => void this.tus.store.delete(id).catch(() => undefined)));
  }

  #later(work: () => void): void {
    const timer = setTimeout(() => {
      this.#retiring.delete(timer);
      work();
    }, RETIRED_KEPT_MS);
    timer.unref?.();
    this.#retiring.add(timer);
  }

  /**
   * After a restart: uploads whose bytes are gone (retired or failed before
   * it) are dropped, and so are unfinished uploads into a chunk handler,
   * which cannot outlive the process that ran it; their clients hear why.
   */
  async #dropOrphans(): Promise<void> {
    for (const info of await this.tus.store.list().catch(() => [])) {
      if (this.#batches.has(info.owner.batch ?? "")) continue;
      const hasData = await this.tus.store.data.exists(info.id);
      if (hasData && !isChunked(info.metadata)) continue;
      if (hasData) this.#gone.set(info.id, "The server restarted while this upload ran, and its handler with it: start the upload again");
      await this.tus.store.delete(info.id);
    }
  }

  async #discard(batch: Batch, reason?: Error): Promise<void> {
    this.#batches.delete(batch.id);
    if (reason) batch.chunks?.fail(reason);
    await Promise.all(batch.uploads.map((id) => this.tus.store.delete(id).catch(() => undefined)));
  }
}
