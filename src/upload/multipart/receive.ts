import { tmpdir } from "node:os";
import { join } from "node:path";
import { nativeAnswer, refuseForeignForm, scriptAnswer } from "../../events/dispatch";
import { HttpError } from "../../errors";
import { FIELDS, HEADERS, UPLOAD_PARAMS, type UploadConfig, type UploadFilesMarker } from "../../protocol";
import type { Runtime, Session } from "../../runtime";
import { verifyUploadConfig } from "../zone/config-token";
import type { InflightUploads } from "../intake/inflight";
import { checkCount, checkFile, limitsFor, UploadLimitError } from "../rules/limits";
import { spoolMultipart, type SpooledFile } from "./spool";
import { sanitizeFileName } from "../storage/paths";
import { progressReporter } from "../intake/progress";
import { sniffType } from "../rules/sniff";
import { argumentsWith, readUploadAction, type UploadAction } from "../zone/action";
import { UploadChunkIterator } from "../intake/chunks";
import { UploadFile } from "../intake/upload-file";

export interface UploadOptions {
  /** The largest file any upload may carry, whatever a zone allows. @default 2 GiB */
  maxFileSize?: number;
  /** The largest request body; refused from its Content-Length before it is read. @default 4 GiB */
  maxRequestSize?: number;
  /** Where files wait for their handler. @default <os tmpdir>/hyperstate-uploads */
  tempDir?: string;
  /** The least time between two calls of a progress handler. @default 100 */
  progressIntervalMs?: number;
  /** Files at least this big go over tus, so a dropped connection resumes. @default 64 MiB */
  resumableAbove?: number;
  /** Bytes per tus PATCH from the browser. @default 8 MiB */
  chunkSize?: number;
  /** How long an unfinished resumable upload is kept. @default 24 hours */
  resumableExpiryMs?: number;
}

export interface UploadContext {
  runtime: Runtime;
  inflight: InflightUploads;
  options: Required<UploadOptions>;
}

export function uploadDefaults(options: UploadOptions = {}): Required<UploadOptions> {
  return {
    maxFileSize: options.maxFileSize ?? 2 * 1024 ** 3,
    maxRequestSize: options.maxRequestSize ?? 4 * 1024 ** 3,
    tempDir: options.tempDir ?? join(tmpdir(), "hyperstate-uploads"),
    progressIntervalMs: options.progressIntervalMs ?? 100,
    resumableAbove: options.resumableAbove ?? 64 * 1024 ** 2,
    chunkSize: options.chunkSize ?? 8 * 1024 ** 2,
    resumableExpiryMs: options.resumableExpiryMs ?? 24 * 60 * 60 * 1000,
  };
}

// Room for the form's hidden fields and the part headers around the files.
const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * POST /_upload?id=&handler=&args=&progress=: streams the files to disk,
 * checks each against the zone's limits as it arrives, then runs the handler
 * with them. Temporary files are gone when this returns, unless moved.
 */
export async function receiveUpload(context: UploadContext, request: Request, session: Session): Promise<Response> {
  const { runtime, inflight, options } = context;
  const query = new URL(request.url).searchParams;
  const action = readUploadAction(runtime, session.id, {
    id: query.get(UPLOAD_PARAMS.id),
    handler: query.get(UPLOAD_PARAMS.handler),
    args: query.get(UPLOAD_PARAMS.args),
    progress: query.get(UPLOAD_PARAMS.progress),
    signature: query.get(UPLOAD_PARAMS.signature),
  });
  const { uploadId, progress: progressHandler } = action;

  const fromScript = request.headers.get(HEADERS.script) === "true";
  let config = verifyUploadConfig(runtime.signingKey(session.id), query.get(FIELDS.config));
  const length = Number(request.headers.get("Content-Length") ?? NaN);
  refuseOversizedBody(length, config, options);

  const controller = new AbortController();
  const forget = inflight.start(session.id, uploadId, controller);
  const onClientGone = () => controller.abort(new HttpError(400, "The client went away before the upload finished"));
  request.signal.addEventListener("abort", onClientGone, { once: true });
  const progress = progressHandler
    ? progressReporter(Number.isFinite(length) ? length : 0, options.progressIntervalMs, (value) =>
        runtime.runEvent(session.id, progressHandler, [value]),
      )
    : undefined;

  let files: UploadFile[] = [];
  try {
    if (!request.body) throw new HttpError(400, "The upload has no body");
    const body = await spoolMultipart(request.body, request.headers.get("Content-Type"), {
      tempDir: options.tempDir,
      signal: controller.signal,
      // Without a Content-Length, the request's cap is held while the bytes stream.
      limits: { maxFileSize: options.maxFileSize, maxTotalFileSize: options.maxRequestSize, maxFiles: 10_000 },
      onProgress: (stored) => progress?.stored(stored),
      onFileStart(info, fields) {
        // A form posted without JavaScript proves it came from our page with its token.
        if (!fromScript) refuseForeignForm(runtime, session, fields.get(FIELDS.csrf)?.[0]);
        config ??= verifyUploadConfig(runtime.signingKey(session.id), fields.get(FIELDS.config)?.[0]);
        if (!config || config.id !== uploadId) {
          throw new HttpError(400, "The upload form's limits are missing or were altered: reload the page and try again");
        }
        return checkFileStart(config, info.fileName, info.contentType, info.index, options);
      },
    });
    files = body.files.map((file) => new UploadFile(sanitizeFileName(file.fileName), file.size, file.contentType, file.path));
    if (files.length === 0) throw new HttpError(422, "No file was chosen");
    for (const file of body.files) checkStoredFile(config!, file, options);
    await progress?.finish();
    const tabId = request.headers.get(HEADERS.tab) ?? undefined;
    const outcome = action.marker.chunked
      ? await feedChunkHandler(runtime, session.id, action, files)
      : await runtime.runEvent(session.id, action.handler, argumentsWith(action, files), { tabId });
    if (!fromScript) return nativeAnswer(runtime, request, session, body.fields.get(FIELDS.returnTo)?.[0], outcome);
    return scriptAnswer(runtime, request, session, outcome);
  } catch (error) {
    throw controller.signal.aborted && controller.signal.reason instanceof Error ? controller.signal.reason : error;
  } finally {
    request.signal.removeEventListener("abort", onClientGone);
    forget();
    await Promise.all(files.map((file) => file.discard()));
  }
}

/** 413 from the Content-Length alone, before a byte of the body is read. */
function refuseOversizedBody(length: number, config: UploadConfig | undefined, options: Required<UploadOptions>): void {
  if (!Number.isFinite(length)) return;
  if (length > options.maxRequestSize) {
    throw new HttpError(413, `The upload is larger than the server accepts (${options.maxRequestSize} bytes)`);
  }
  const count = config?.multiple === false ? 1 : config?.maxFiles;
  const maxSize = Math.min(config?.maxSize ?? Infinity, options.maxFileSize);
  if (count && Number.isFinite(maxSize) && length > count * maxSize + MULTIPART_OVERHEAD) {
    throw new HttpError(413, `The upload is larger than this form accepts (${count} × ${maxSize} bytes)`);
  }
}

/** Before a file's first byte: its count, its name and declared type; returns its size cap. */
function checkFileStart(config: UploadConfig, rawName: string, contentType: string, index: number, options: Required<UploadOptions>) {
  const name = sanitizeFileName(rawName);
  const tooMany = checkCount(index + 1, config);
  if (tooMany) throw new UploadLimitError(name, tooMany);
  const limits = limitsFor(config, { globalMaxFileSize: options.maxFileSize, strict: true });
  const [typeError] = checkFile({ name, size: 0, type: contentType }, { accept: limits.accept, strict: true });
  if (typeError) throw new UploadLimitError(name, typeError);
  return { maxFileSize: limits.maxSize };
}

/** After a file is stored: its size against both limits, and its type against its first bytes. */
function checkStoredFile(config: UploadConfig, file: SpooledFile, options: Required<UploadOptions>): void {
  const name = sanitizeFileName(file.fileName);
  const limits = limitsFor(config, { globalMaxFileSize: options.maxFileSize, strict: true });
  const [error] = checkFile({ name, size: file.size, type: file.contentType, sniffedType: sniffType(file.head) }, limits);
  if (error) throw new UploadLimitError(name, error);
}

/**
 * A chunk handler reached by a form posted without JavaScript: the files
 * were stored whole, so they are read back to it in chunks. Answers once
 * the handler has finished, so the page it returns to shows the result.
 */
async function feedChunkHandler(runtime: Runtime, sessionId: string, action: UploadAction, files: UploadFile[]) {
  const chunks = new UploadChunkIterator();
  const outcome = await runtime.runEvent(sessionId, action.handler, argumentsWith(action, chunks));
  try {
    for (const file of files) {
      const reader = file.stream().getReader();
      for (let offset = 0, read = await reader.read(); !read.done; offset += read.value.byteLength, read = await reader.read()) {
        await chunks.push({ filename: file.name, offset, contentType: file.contentType, data: read.value });
      }
    }
    chunks.end();
  } catch (error) {
    chunks.fail(error as Error);
  }
  await outcome.done?.catch(() => {});
  return outcome;
}
