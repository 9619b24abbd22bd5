import { HttpError } from "../errors";
import { HEADERS, UPLOAD_PARAMS } from "../protocol";
import type { Runtime, Session } from "../runtime";
import { InflightUploads } from "./inflight";
import { getUploadDir } from "./paths";
import { receiveUpload, uploadDefaults, type UploadContext, type UploadOptions } from "./receive";
import { serveUploadedFile } from "./serve";

/** The upload endpoints, as plain functions of a Request; app.ts mounts them. */
export function uploadEndpoints(runtime: Runtime, options?: UploadOptions) {
  const context: UploadContext = { runtime, inflight: new InflightUploads(), options: uploadDefaults(options) };
  // A handler that returns cancelUpload(id) stops the server side of that upload too.
  runtime.actionListeners.add((sessionId, actions) => {
    for (const action of actions) if (action.type === "cancelUpload") context.inflight.cancel(sessionId, action.id);
  });

  return {
    context,

    /** GET /_upload/<path> */
    serve(request: Request): Promise<Response> {
      const path = new URL(request.url).pathname.replace(/^.*?\/_upload\//, "");
      return serveUploadedFile(getUploadDir(), path, request);
    },

    /** POST /_upload: from the client script, errors are a message; without JavaScript, the page again with the message on it. */
    async receive(request: Request, session: Session): Promise<Response> {
      try {
        return await receiveUpload(context, request, session);
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (request.headers.get(HEADERS.script) === "true" || typeof status !== "number" || status >= 500) throw error;
        await request.body?.cancel().catch(() => {});
        const page = returnUrl(request);
        if (!runtime.hasPage(page.pathname)) throw error;
        const html = await runtime.renderDocument(session.id, page, (error as Error).message);
        return new Response(html, { status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
      }
    },

    /** POST /_upload/_cancel?id=: stops this session's uploads to that zone; the server discards their bytes. */
    async cancel(request: Request, session: Session): Promise<Response> {
      const uploadId = new URL(request.url).searchParams.get(UPLOAD_PARAMS.id);
      if (!uploadId) throw new HttpError(400, "Which upload? The cancel request names no id");
      context.inflight.cancel(session.id, uploadId);
      await request.body?.cancel().catch(() => {});
      return new Response(null, { status: 204 });
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
