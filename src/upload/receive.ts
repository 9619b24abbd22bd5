import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, redirectBack, scriptAnswer } from "../events/dispatch";
import { HttpError } from "../errors";
import { FIELDS, HEADERS, UPLOAD_PARAMS, type UploadConfig, type UploadFilesMarker } from "../protocol";
import type { Runtime, Session } from "../runtime";
import { isValidCsrfToken } from "../state/session";
import { verifyUploadConfig } from "./config-token";
import type { InflightUploads } from "./inflight";
import { checkCount, checkFile, limitsFor, UploadLimitError } from "./limits";
import { spoolMultipart, type SpooledFile } from "./multipart";
import { sanitizeFileName } from "./paths";
import { progressReporter } from "./progress";
import { sniffType } from "./sniff";
import { UploadFile } from "./upload-file";

export interface UploadOptions {
  /** The largest file any upload may carry, whatever a zone allows. @default 2 GiB */
  maxFileSize?: number;
  /** The largest request body; refused from its Content-Length before it is read. @default 4 GiB */
  maxRequestSize?: number;
  /** Where files wait for their handler. @default <os tmpdir>/hyperstate-uploads */
  tempDir?: string;
  /** The least time between two calls of a progress handler. @default 100 */
  progressIntervalMs?: number;
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
  const uploadId = query.get(UPLOAD_PARAMS.id) ?? "";
  const handler = query.get(UPLOAD_PARAMS.handler);
  if (!/^[A-Za-z][\w-]*$/.test(uploadId)) throw new HttpError(400, "This upload names no upload zone (id)");
  if (!handler) {
    throw new HttpError(400, `Upload "${uploadId}" has no handler: give a button onClick={S.on.handler(uploadFiles("${uploadId}"))} or the zone an onDrop`);
  }
  if (!runtime.registry.resolve(handler)) throw new HttpError(404, `No handler named ${handler}`);
  const args = parseArgs(query.get(UPLOAD_PARAMS.args));
  const markerIndex = args.findIndex((arg) => (arg as UploadFilesMarker | null)?.$upload === uploadId);
  if (markerIndex < 0) throw new HttpError(400, `The handler's arguments do not carry uploadFiles("${uploadId}")`);
  const progressHandler = query.get(UPLOAD_PARAMS.progress);
  if (progressHandler && !runtime.registry.resolve(progressHandler)) throw new HttpError(404, `No handler named ${progressHandler}`);

  const fromScript = request.headers.get(HEADERS.script) === "true";
  let config = verifyUploadConfig(runtime.csrfToken(session.id), query.get(FIELDS.config));
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
      limits: { maxFileSize: options.maxFileSize, maxFiles: 10_000 },
      onProgress: (stored) => progress?.stored(stored),
      onFileStart(info, fields) {
        // A form posted without JavaScript proves it came from our page with its token.
        if (!fromScript && !isValidCsrfToken(runtime.secret, session.id, fields.get(FIELDS.csrf)?.[0])) {
          throw new HttpError(403, "This form has expired or did not come from this site: reload the page and try again");
        }
        config ??= verifyUploadConfig(runtime.csrfToken(session.id), fields.get(FIELDS.config)?.[0]);
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
    const handlerArgs = args.map((arg, index) => (index === markerIndex ? files : arg));
    const tabId = request.headers.get(HEADERS.tab) ?? undefined;
    const outcome = await runtime.runEvent(session.id, handler, handlerArgs, { tabId });
    if (!fromScript) return redirectBack(request, body.fields.get(FIELDS.returnTo)?.[0], outcome);
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
