import { documentWithError } from "../render/answers";
import { HttpError } from "../errors";
import { REFUSE } from "../refusals";
import { HEADERS, UPLOAD_PARAMS } from "../protocol";
import type { Runtime, Session } from "../runtime";
import { InflightUploads } from "./intake/inflight";
import { receiveUpload } from "./multipart/receive";
import type { UploadContext, UploadSettings } from "./options";
import { ResumableUploads } from "./tus/resumable";
import { serveStoredFile } from "./serve/serve";
import { withUploadStorage } from "./storage/storage";

/** The upload endpoints, as plain functions of a Request; app.ts mounts them. */
export function uploadEndpoints(runtime: Runtime, options: UploadSettings, redisUrl?: string) {
  const context: UploadContext = { runtime, inflight: new InflightUploads(), options, redisUrl };
  const resumable = new ResumableUploads(context);
  const cancel = (sessionId: string, uploadId: string) => {
    context.inflight.cancel(sessionId, uploadId);
    return resumable.cancel(sessionId, uploadId);
  };
  // A handler that returns cancelUpload(id) stops the server side of that upload too.
  runtime.handlers.actionListeners.add((sessionId, actions) => {
    for (const action of actions) if (action.type === "cancelUpload") void cancel(sessionId, action.id);
  });

  return {
    context,

    /** GET /_upload/<path> */
    serve(request: Request): Promise<Response> {
      const path = new URL(request.url).pathname.replace(/^.*?\/_upload\//, "");
      return serveStoredFile(options.storage, path, request);
    },

    /** POST /_upload: from the client script, errors are a message; without JavaScript, the page again with the message on it. */
    async receive(request: Request, session: Session): Promise<Response> {
      try {
        return await withUploadStorage(options.storage, () => receiveUpload(context, request, session));
      } catch (error) {
        if (request.headers.get(HEADERS.script) === "true" || !(error instanceof HttpError) || error.status >= 500) throw error;
        await request.body?.cancel().catch(() => {});
        return documentWithError(runtime, session, returnUrl(request), error.message, error.status);
      }
    },

    /** POST /_upload/_cancel?id=: stops this session's uploads to that zone; the server discards their bytes. */
    async cancel(request: Request, session: Session): Promise<Response> {
      const uploadId = new URL(request.url).searchParams.get(UPLOAD_PARAMS.id);
      if (!uploadId) throw REFUSE.cancelWithoutId();
      await request.body?.cancel().catch(() => {});
      await cancel(session.id, uploadId);
      return new Response(null, { status: 204 });
    },

    /** /_tus and /_tus/<id>: tus 1.0 for resumable uploads; the session is the page's, from its cookie. */
    tus(request: Request): Promise<Response> {
      // The PATCH that completes a batch runs its file handler, which saves to this app's storage.
      return withUploadStorage(options.storage, () => resumable.handle(request));
    },

    close(): void {
      resumable.close();
    },
  };
}

/** The page a native upload came from, when it is a page of this site. */
function returnUrl(request: Request): URL {
  const own = new URL(request.url);
  const referer = request.headers.get("Referer");
  try {
    const url = referer ? new URL(referer) : undefined;
    if (url && url.origin === own.origin) return url;
  } catch {}
  return new URL("/", own);
}
