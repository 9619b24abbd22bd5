// The tus 1.0.0 endpoint on Web Request/Response: one function per verb, each
// throwing TusError entries that `errorResponse` turns into answers.
// Extensions: creation, creation-with-upload, termination, checksum, expiration.
//
// Expired uploads answer 410 Gone while their info is still on disk, and 404
// once sweepExpired removed it. Upload info, bytes and leases live in the
// stores given (TusStores); the in-process locker is the default, so without
// a shared one, run one tus handler per upload directory.

import { errorResponse as httpErrorResponse } from "../../errors";
import type { UploadWriter } from "../storage/writer";
import { bufferedSinkTarget, receiveBody, streamingSinkTarget, type HeadGate, type TusSink } from "./body";
import { parseChecksumHeader, type ExpectedChecksum } from "./checksum";
import { parseMetadata, serializeMetadata } from "./metadata";
import {
  CHECKSUM_ALGORITHMS,
  ERRORS,
  PATCH_CONTENT_TYPE,
  TUS_EXTENSIONS,
  TUS_HEADERS as H,
  TUS_VERSION,
  TusError,
  effectiveMethod,
  isUploadId,
} from "./protocol";
import { offsetCheckpointer, TusStore, withDiskStores } from "./store";
import { isComplete, type TusStores, type TusUploadInfo } from "./stores";

export interface TusHooks {
  /** Before anything is stored: validate (throw an HttpError to refuse, e.g. 413/415/422/403) and return the owner data to persist. */
  onCreate(request: Request, upload: { length: number; metadata: Record<string, string> }): Promise<Record<string, string>>;
  /** Every request on an existing upload: throw to refuse (answer 404 for someone else's upload, so ids do not leak). */
  authorize?(request: Request, info: TusUploadInfo): void | Promise<void>;
  /** A different sink for this upload; undefined = the data store. Must be the same for every PATCH of the upload. */
  sinkFor?(info: TusUploadInfo): TusSink | undefined;
  /**
   * As bytes arrive, after each chunk: `arrived` is the offset they bring the upload to. Without a
   * checksum they are stored and counted (`info.offset` equals it); with one, `info.offset` moves
   * only once the whole PATCH verified, and a discarded PATCH takes `arrived` back. Keep it cheap.
   */
  onProgress?(info: TusUploadInfo, arrived: number): void;
  /** Right after creation stored the upload's info: its id is known from here on. */
  onCreated?(info: TusUploadInfo): void;
  /** Once, after the request that reached `length` was stored; the response waits, and a throw answers with its status/message. */
  onComplete?(info: TusUploadInfo): Promise<void>;
  /**
   * The upload's first `size(info)` bytes (all of them when it is smaller; 0 for none), before
   * any of them count: throw to refuse the upload (it is then removed, and
   * onTerminate runs with "refused").
   */
  inspect?: { size(info: TusUploadInfo): number; check(info: TusUploadInfo, head: Uint8Array): void | Promise<void> };
  /** After termination (DELETE), expiry, or a refusal by `inspect` removed the upload. */
  onTerminate?(info: TusUploadInfo, reason: TerminateReason): void | Promise<void>;
}

export type TerminateReason = "deleted" | "expired" | "refused";

export interface TusOptions {
  /** Where the disk stores keep data files and info JSON; keep it outside the public upload directory. @default `tus` in the data directory */
  directory?: string;
  /** Other backends for upload info, bytes or leases (Redis, S3); what is left out is the disk one, or the in-process locker. */
  stores?: Partial<TusStores>;
  /** Where the endpoint is mounted, e.g. "/_tus"; Location headers are `${basePath}/${id}`. */
  basePath: string;
  /** Tus-Max-Size: the largest Upload-Length accepted. @default 8 GiB */
  maxSize?: number;
  /** How long an upload may take from creation to its last byte. @default 24 h */
  expirationMs?: number;
  /** The most a checksummed PATCH to a hook's sink is held in memory before it verified. @default 64 MiB */
  maxChunkBuffer?: number;
  /** How often expired uploads are swept; 0 leaves sweeping to the caller. @default 10 min */
  sweepIntervalMs?: number;
  hooks: TusHooks;
}

export interface TusHandler {
  /** Answers OPTIONS/POST/HEAD/PATCH/DELETE under basePath; anything else under it is 404 or 405. */
  handle(request: Request): Promise<Response>;
  store: TusStore;
  /** Stops the sweep timer and aborts running PATCHes. */
  close(): void;
}

const MiB = 1024 * 1024;

export function createTusHandler(options: TusOptions): TusHandler {
  const { hooks } = options;
  const basePath = options.basePath.replace(/\/+$/, "");
  const maxSize = options.maxSize ?? 8 * 1024 * MiB;
  const expirationMs = options.expirationMs ?? 24 * 60 * 60 * 1000;
  const maxChunkBuffer = options.maxChunkBuffer ?? 64 * MiB;
  const sweepIntervalMs = options.sweepIntervalMs ?? 10 * 60 * 1000;
  const store = new TusStore(withDiskStores(options.stores, options.directory), (info) => hooks.onTerminate?.(info, "expired"));
  // The first bytes of uploads into a sink, held until the whole head is there to check (at most inspect.size each).
  const heldHeads = new Map<string, Uint8Array>();
  const sweepTimer = sweepIntervalMs > 0 ? setInterval(sweep, sweepIntervalMs) : undefined;
  sweepTimer?.unref();

  function sweep() {
    store.sweepExpired().catch((error) => console.error("Sweeping expired tus uploads failed:", error));
  }

  async function route(request: Request): Promise<Response> {
    const method = effectiveMethod(request);
    const { pathname } = new URL(request.url);
    if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) throw new TusError(ERRORS.notFound);
    if (method === "OPTIONS") return optionsResponse();
    // "If the version specified by the Client is not supported by the Server,
    // it MUST respond with the 412 Precondition Failed status and MUST include
    // the Tus-Version header ... the Server MUST NOT process the request."
    if (request.headers.get(H.resumable) !== TUS_VERSION) throw new TusError(ERRORS.unsupportedVersion);
    // Ids are matched raw, still percent-encoded, against the one pattern the
    // server hands out: "a%2Fb", "a%5Cb", "a/b" and "%00" never reach a store.
    // ("..", encoded or not, never gets here: the URL parser resolves it first.)
    const id = pathname.slice(basePath.length + 1);
    if (id === "") {
      if (method === "POST") return post(request);
      throw new TusError(ERRORS.methodNotAllowed);
    }
    if (!isUploadId(id)) throw new TusError(ERRORS.notFound);
    if (method === "HEAD") return head(request, id);
    if (method === "PATCH") return patch(request, id);
    if (method === "DELETE") return terminate(request, id);
    throw new TusError(ERRORS.methodNotAllowed);
  }

  function optionsResponse(): Response {
    return new Response(null, {
      status: 204,
      headers: {
        [H.version]: TUS_VERSION,
        [H.extension]: TUS_EXTENSIONS.join(","),
        [H.checksumAlgorithm]: CHECKSUM_ALGORITHMS.join(","),
        [H.maxSize]: String(maxSize),
      },
    });
  }

  async function post(request: Request): Promise<Response> {
    const { headers } = request;
    if (headers.has(H.uploadDeferLength)) throw new TusError(ERRORS.deferLengthUnsupported);
    if (!headers.has(H.uploadLength)) throw new TusError(ERRORS.lengthRequired);
    const length = parseByteCount(headers.get(H.uploadLength)) ?? throwError(ERRORS.invalidLength);
    // "If the length of the upload exceeds the maximum ... the Server MUST respond with the 413 Request Entity Too Large status."
    if (length > maxSize) throw new TusError(ERRORS.tooLarge);
    const metadata = parseMetadata(headers.get(H.uploadMetadata));
    const withBody = isPatchContentType(request);
    const checksum = withBody ? parseChecksumHeader(headers.get(H.uploadChecksum)) : undefined;
    const owner = await hooks.onCreate(request, { length, metadata });

    const now = Date.now();
    let info: TusUploadInfo = { id: store.newId(), length, offset: 0, metadata, createdAt: now, expiresAt: now + expirationMs, owner };
    await store.create(info);
    hooks.onCreated?.(info);
    try {
      if (withBody) info = await writeBody(request, info.id, 0, checksum);
      // An empty upload is complete at creation; writeBody only completes uploads whose offset it moved.
      if (length === 0) await hooks.onComplete?.(info);
    } catch (error) {
      // The client gets no Location with an error, so it could never resume this upload.
      const removed = await store.delete(info.id);
      if (removed) await hooks.onTerminate?.(removed, "deleted");
      throw error;
    }
    // "The Server MUST acknowledge a successful upload creation with the 201
    // Created status. The Server MUST set the Location header to the URL of the created resource."
    return new Response(null, {
      status: 201,
      headers: { Location: `${basePath}/${info.id}`, ...uploadHeaders(info, withBody) },
    });
  }

  async function head(request: Request, id: string): Promise<Response> {
    const info = await findUpload(request, id);
    const headers: Record<string, string> = {
      // "The Server MUST prevent the client and/or proxies from caching the response by adding the Cache-Control: no-store header."
      "Cache-Control": "no-store",
      [H.uploadLength]: String(info.length),
      ...uploadHeaders(info, true),
    };
    // "If an upload contains additional metadata, responses to HEAD requests MUST include the Upload-Metadata header."
    if (Object.keys(info.metadata).length > 0) headers[H.uploadMetadata] = serializeMetadata(info.metadata);
    return new Response(null, { status: 200, headers });
  }

  async function patch(request: Request, id: string): Promise<Response> {
    // "All PATCH requests MUST use Content-Type: application/offset+octet-stream, otherwise the server SHOULD return a 415."
    if (!isPatchContentType(request)) throw new TusError(ERRORS.invalidContentType);
    const offset = parseByteCount(request.headers.get(H.uploadOffset)) ?? throwError(ERRORS.invalidOffset);
    const checksum = parseChecksumHeader(request.headers.get(H.uploadChecksum));
    await findUpload(request, id);
    const info = await writeBody(request, id, offset, checksum);
    // "It MUST include the Upload-Offset header containing the new offset."
    return new Response(null, { status: 204, headers: uploadHeaders(info, true) });
  }

  async function terminate(request: Request, id: string): Promise<Response> {
    // An expired upload may still be terminated: its space is freed now rather than at the next sweep.
    await findUpload(request, id, { refuseExpired: false });
    const removed = await store.delete(id);
    heldHeads.delete(id);
    if (!removed) throw new TusError(ERRORS.notFound);
    await hooks.onTerminate?.(removed, "deleted");
    // "the Server ... MUST respond with the 204 No Content status confirming that the upload was terminated."
    return new Response(null, { status: 204 });
  }

  /** The upload the request may act on, or a 404/410 TusError (or the hook's refusal). */
  async function findUpload(request: Request, id: string, { refuseExpired = true } = {}): Promise<TusUploadInfo> {
    const info = (await store.get(id)) ?? throwError(ERRORS.notFound);
    await hooks.authorize?.(request, info);
    if (refuseExpired && !isComplete(info) && info.expiresAt <= Date.now()) throw new TusError(ERRORS.expired);
    return info;
  }

  /**
   * Stores a request body at the upload's offset under its write lease, saves
   * the new offset (also when the body broke off), and runs onComplete if
   * this request reached the length. Returns the info as saved.
   */
  async function writeBody(request: Request, id: string, expectedOffset: number, checksum: ExpectedChecksum | undefined) {
    const lease = (await store.locker.acquire(id)) ?? throwError(ERRORS.locked);
    let info: TusUploadInfo;
    let refusal: unknown;
    try {
      // Read again under the lease: another request may have moved the offset since.
      info = (await store.get(id)) ?? throwError(ERRORS.notFound);
      // "If the offsets do not match, the Server MUST respond with the 409 Conflict status without modifying the upload resource."
      // The offset it carries lets a client resume without another HEAD.
      if (expectedOffset !== info.offset) throw new TusError(ERRORS.offsetMismatch, { [H.uploadOffset]: String(info.offset) });
      const declared = parseByteCount(request.headers.get("Content-Length"));
      if (declared !== undefined && info.offset + declared > info.length) throw new TusError(ERRORS.pastLength);
      const sink = hooks.sinkFor?.(info);
      if (sink && checksum && declared !== undefined && declared > maxChunkBuffer) throw new TusError(ERRORS.chunkTooLarge);
      const inspect = hooks.inspect;
      const headLength = inspect ? Math.min(inspect.size(info), info.length) : 0;
      // A sink's share of the head that earlier PATCHes brought waited here; the data store has it stored.
      const prefix =
        info.offset === 0 || info.offset >= headLength ? new Uint8Array() : sink ? (heldHeads.get(id) ?? new Uint8Array()) : await store.data.readHead(id, info.offset);
      const sinkFrom = info.offset - (sink ? prefix.length : 0);
      // A complete upload takes no more bytes, and its data may be gone to its owner already: nothing is opened.
      const target: UploadWriter = isComplete(info)
        ? NOTHING_MORE
        : !sink
          ? await store.data.append(info)
          : checksum
            ? bufferedSinkTarget(sink, info, maxChunkBuffer, sinkFrom)
            : streamingSinkTarget(sink, info, sinkFrom);
      const before = info.offset;
      const checkpoint = offsetCheckpointer(store);
      const onProgress = (current: TusUploadInfo) => {
        hooks.onProgress?.(current, current.offset);
        checkpoint.save(current);
      };
      const onArrived = (offset: number) => hooks.onProgress?.(info, offset);
      const head: HeadGate | undefined = !inspect || headLength === 0 ? undefined : {
        length: headLength,
        prefix,
        prefixStored: !sink,
        keep: (bytes: Uint8Array) => heldHeads.set(id, bytes),
        check: async (bytes: Uint8Array) => {
          try {
            await inspect.check(info, bytes);
            heldHeads.delete(id);
          } catch (error) {
            refusal = error;
            throw error;
          }
        },
      };
      try {
        await receiveBody(request.body, { info, target, checksum, signal: lease.signal, onProgress, onArrived, head });
      } finally {
        await checkpoint.settled();
        if (info.offset !== before && !refusal) await store.save(info);
      }
      if (info.offset === before || !isComplete(info)) return info;
    } finally {
      await lease.release();
      // A refused upload can never complete: it goes now, not at expiry.
      if (refusal) {
        heldHeads.delete(id);
        const removed = await store.delete(id);
        if (removed) await hooks.onTerminate?.(removed, "refused");
      }
    }
    // Outside the lease, so onComplete may delete the upload itself.
    await hooks.onComplete?.(info);
    return info;
  }

  /** Upload-Offset (when asked) and Upload-Expires while the upload can still expire. */
  function uploadHeaders(info: TusUploadInfo, withOffset: boolean): Record<string, string> {
    const headers: Record<string, string> = {};
    if (withOffset) headers[H.uploadOffset] = String(info.offset);
    // "This header MUST be included in every PATCH response if the upload is going to expire."
    if (!isComplete(info)) headers[H.uploadExpires] = new Date(info.expiresAt).toUTCString();
    return headers;
  }

  return {
    handle: async function handleTus(request: Request): Promise<Response> {
      const isOptions = effectiveMethod(request) === "OPTIONS";
      const response = await route(request).catch(errorResponse);
      // "The Tus-Resumable header MUST be included in every request and response except for OPTIONS requests."
      if (!isOptions) response.headers.set(H.resumable, TUS_VERSION);
      return response;
    },
    store,
    close() {
      if (sweepTimer) clearInterval(sweepTimer);
      store.abortAll();
    },
  };
}

/** Where the bytes of a PATCH on a complete upload would go: any byte is past its length, so none arrives here. */
const NOTHING_MORE: UploadWriter = {
  write: () => Promise.reject(new TusError(ERRORS.pastLength)),
  finish: async () => {},
  discard: async () => {},
};

/** A tus error answers with its own status (460 included); anything else goes through the app's mapper. */
function errorResponse(error: unknown): Response {
  if (!(error instanceof TusError)) return httpErrorResponse(error);
  const headers: Record<string, string> = { ...error.headers, "Content-Type": "text/plain; charset=utf-8" };
  if (error.status === ERRORS.unsupportedVersion.status) headers[H.version] = TUS_VERSION;
  return new Response(error.message, { status: error.status, headers });
}

/** Digits only, within Number.MAX_SAFE_INTEGER: "-1", "1e3", "0x10", " 5" and "" are not byte counts. */
function parseByteCount(value: string | null): number | undefined {
  if (value === null || !/^\d{1,16}$/.test(value)) return undefined;
  const count = Number(value);
  return Number.isSafeInteger(count) ? count : undefined;
}

function isPatchContentType(request: Request): boolean {
  return request.headers.get("Content-Type")?.split(";")[0]?.trim().toLowerCase() === PATCH_CONTENT_TYPE;
}

function throwError(entry: (typeof ERRORS)[keyof typeof ERRORS]): never {
  throw new TusError(entry);
}
