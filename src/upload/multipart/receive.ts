import { REFUSE } from "../../refusals";
import { refuseForeignForm } from "../../origin";
import { FIELDS, HEADERS, UPLOAD_PARAMS, type UploadConfig } from "../../protocol";
import { eventPageOf, nativeAnswer, scriptAnswer } from "../../render/answers";
import { withEventPage } from "../../state/event-page";
import type { Runtime, Session } from "../../runtime";
import { admitUpload } from "../intake/admission";
import { deliverFiles, progressFor, startChunkHandler } from "../intake/delivery";
import { UploadFile } from "../intake/upload-file";
import type { UploadContext, UploadSettings } from "../options";
import { sanitizeFileName, sanitizeRelativePath } from "../storage/paths";
import { fileSource } from "../storage/source";
import { readUploadAction, type UploadAction } from "../zone/action";
import { spoolMultipart } from "./spool";

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
  const { uploadId } = action;

  const fromScript = request.headers.get(HEADERS.script) === "true";
  const admit = (token: string | null | undefined) => admitUpload(runtime, session.id, action, token, options);
  // The client script sends the zone's limits in the query; a form posted without JavaScript, as its first field.
  let admission = query.get(FIELDS.config) ? admit(query.get(FIELDS.config)) : undefined;
  const length = Number(request.headers.get("Content-Length") ?? NaN);
  refuseOversizedBody(length, admission?.config, options);

  const controller = new AbortController();
  const forget = inflight.start(session.id, uploadId, controller);
  const onClientGone = () => controller.abort(REFUSE.clientGone());
  request.signal.addEventListener("abort", onClientGone, { once: true });
  const progress = progressFor(runtime, session.id, action, Number.isFinite(length) ? length : 0, options.progressIntervalMs);

  let files: UploadFile[] = [];
  try {
    if (!request.body) throw REFUSE.uploadWithoutBody();
    const body = await spoolMultipart(request.body, request.headers.get("Content-Type"), {
      tempDir: options.tempDir,
      signal: controller.signal,
      // Without a Content-Length, the request's cap is held while the bytes stream.
      limits: { maxFileSize: options.maxFileSize, maxTotalFileSize: options.maxRequestSize, maxFiles: 10_000 },
      onProgress: (stored) => progress?.stored(stored),
      onFileStart(info, fields) {
        // A form posted without JavaScript proves it came from our page with its token.
        if (!fromScript) refuseForeignForm(runtime.secret, session.id, fields.get(FIELDS.csrf)?.[0]);
        admission ??= admit(fields.get(FIELDS.config)?.[0]);
        return { maxFileSize: admission.checkStart({ name: info.fileName, type: info.contentType }, info.index + 1).maxSize };
      },
    });
    files = body.files.map((file) => new UploadFile(sanitizeFileName(file.fileName), file.size, file.contentType, fileSource(file.path), sanitizeRelativePath(file.fileName)));
    if (files.length === 0) throw REFUSE.noFileChosen();
    for (const file of body.files) admission!.checkHead({ name: file.fileName, type: file.contentType, size: file.size }, file.head);
    await progress?.finish();
    const tabId = request.headers.get(HEADERS.tab) ?? undefined;
    const returnTo = body.fields.get(FIELDS.returnTo)?.[0];
    const page = eventPageOf(runtime, request, fromScript ? undefined : returnTo);
    const outcome = await withEventPage(page, () =>
      action.marker.chunked ? feedChunkHandler(runtime, session.id, action, files) : deliverFiles(runtime, session.id, action, files, { tabId }),
    );
    if (!fromScript) return nativeAnswer(runtime, request, session, returnTo, outcome);
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
function refuseOversizedBody(length: number, config: UploadConfig | undefined, options: UploadSettings): void {
  if (!Number.isFinite(length)) return;
  if (length > options.maxRequestSize) {
    throw REFUSE.requestTooLarge(options.maxRequestSize);
  }
  const count = config?.multiple === false ? 1 : config?.maxFiles;
  const maxSize = Math.min(config?.maxSize ?? Infinity, options.maxFileSize);
  if (count && Number.isFinite(maxSize) && length > count * maxSize + MULTIPART_OVERHEAD) {
    throw REFUSE.formTooLarge(count, maxSize);
  }
}

/**
 * A chunk handler reached by a form posted without JavaScript: the files
 * were stored whole, so they are read back to it in chunks. Answers once
 * the handler has finished, so the page it returns to shows the result.
 */
async function feedChunkHandler(runtime: Runtime, sessionId: string, action: UploadAction, files: UploadFile[]) {
  const { chunks, run } = startChunkHandler(runtime, sessionId, action);
  const outcome = await run;
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
