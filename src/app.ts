import { Elysia } from "elysia";
import { dispatchEvent } from "./events/dispatch";
import { errorResponse } from "./errors";
import { REFUSE } from "./refusals";
import { asBrowserSent, refuseCrossSite } from "./origin";
import { ROUTES } from "./protocol";
import { serveAsset } from "./render/assets";
import type { Page } from "./render/context";
import { notFoundAnswer, pageAnswer } from "./render/answers";
import { warnAboutJsxSettings } from "./render/jsx-settings";
import { HeadTags, HTML_HEADERS } from "./render/shell";
import { Runtime, type RuntimeOptions, type Session } from "./runtime";
import { sseResponse } from "./stream/sse";
import { uploadDefaults, type UploadOptions } from "./upload/options";
import { uploadEndpoints } from "./upload/routes";
import { serveUploadedFile } from "./upload/serve/serve";
import { effectiveMethod } from "./upload/tus/protocol";

// The plugin's runtime, for the framework's own tests: an app sees only `render`,
// and nothing is decorated into its handlers' context.
const runtimes = new WeakMap<object, Runtime>();

/** Internal (tests): the runtime behind a hyperstate plugin. */
export function runtimeOf(plugin: object): Runtime {
  const runtime = runtimes.get(plugin);
  if (!runtime) throw new TypeError("Not a hyperstate plugin");
  return runtime;
}

// Methods that change nothing, so another site may send them.
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface HyperstateOptions extends Omit<RuntimeOptions, "notFound"> {
  /** Limits and storage of uploads. */
  upload?: UploadOptions;
  /**
   * Behind a proxy that terminates TLS: read the public origin from
   * X-Forwarded-Proto and X-Forwarded-Host (for the cross-site check and the
   * Secure cookie). Only when the app cannot be reached but through the proxy.
   * @default false
   */
  trustProxy?: boolean;
  /**
   * Files served at the site's root when no page matches ("/logo.png" is
   * public/logo.png), with the same rules as uploaded files: nothing outside
   * the folder, nosniff, no script. `false` serves none.
   * @default "public" (in the working directory)
   */
  publicDir?: string | false;
  /** The page for paths nothing matches (404); `false` leaves them to the app hyperstate is mounted in. */
  notFound?: RuntimeOptions["notFound"] | false;
}

/**
 * The hyperstate plugin: pages, events, the stream and the assets they
 * need, mounted into any Elysia app with `app.use(hyperstate({...}))`.
 */
export function hyperstate(options: HyperstateOptions) {
  warnAboutJsxSettings();
  const uploadOptions = uploadDefaults(options.upload);
  const { resumableAbove, chunkSize, checksum } = uploadOptions;
  const runtime = new Runtime({ ...options, notFound: options.notFound || undefined, zoneDefaults: { resumableAbove, chunkSize, checksum: checksum || undefined } });
  const uploads = uploadEndpoints(runtime, uploadOptions, options.redisUrl);

  // Each route runs through one edge: session cookie in, the cross-site check
  // on the method that will act (tus honours X-HTTP-Method-Override), errors
  // out as 4xx with a message.
  const edge =
    (handle: (request: Request, session: Session, params: Record<string, string>) => Promise<Response>, method = (request: Request) => request.method) =>
    async ({ request: received, params }: { request: Request; params: Record<string, string> }) => {
      const request = options.trustProxy ? asBrowserSent(received) : received;
      const session = runtime.session(request);
      let response: Response;
      try {
        if (!SAFE_METHODS.has(method(request))) refuseCrossSite(request);
        response = await handle(request, session, params);
      } catch (error) {
        response = errorResponse(error);
      }
      if (session.cookie) response.headers.append("Set-Cookie", session.cookie);
      return response;
    };

  const app = new Elysia({ name: "hyperstate" })
    .get(`${ROUTES.client}/:name`, ({ params, request }) => serveAsset(params.name, request))
    .post(`${ROUTES.event}/:name`, edge((request, session, params) => dispatchEvent(runtime, request, session, params.name!)), { parse: "none" })
    .get(ROUTES.stream, edge(async (request, session) => openStream(runtime, request, session)))
    .post(ROUTES.upload, edge((request, session) => uploads.receive(request, session)), { parse: "none" })
    .post(ROUTES.uploadCancel, edge((request, session) => uploads.cancel(request, session)), { parse: "none" })
    .get(`${ROUTES.upload}/*`, ({ request }) => uploads.serve(request))
    .onStop(async () => {
      uploads.close();
      await runtime.close();
    });

  /**
   * Renders hyperstate components inside a page the app serves itself, so
   * an existing site can carry an upload form: put `head` in its <head>, the
   * html where the form goes, and send the headers (a new session's cookie).
   */
  async function render(request: Request, view: Page): Promise<{ html: string; head: string; headers: Headers }> {
    const session = runtime.session(request);
    const data = (await runtime.store.get(session.id)) ?? {};
    const html = await runtime.renderWith(session.id, new URL(request.url), data, view);
    const headers = new Headers(HTML_HEADERS);
    if (session.cookie) headers.append("Set-Cookie", session.cookie);
    return { html, head: HeadTags() as string, headers };
  }

  // tus answers every method itself; named one by one, so the app's GET/HEAD "/*" (its 404 page) cannot take HEAD from it.
  const tus = edge((request) => uploads.tus(request), effectiveMethod);
  for (const method of ["GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS", "PUT"]) {
    app.route(method, ROUTES.tus, tus, { parse: "none" }).route(method, `${ROUTES.tus}/*`, tus, { parse: "none" });
  }
  for (const pattern of runtime.pages.routes.patterns()) app.get(pattern, edge((request, session) => pageAnswer(runtime, request, session)));
  if (options.notFound !== false) {
    const publicDir = options.publicDir ?? "public";
    const serveFile = (request: Request) => (publicDir ? serveUploadedFile(publicDir, new URL(request.url).pathname.slice(1), request) : undefined);
    // all(), not get(): a GET wildcard would outrank the tus routes' all("/_tus/*") for GET and HEAD.
    app.all("/*", edge((request, session) => notFoundAnswer(runtime, request, session, serveFile)));
  }
  const plugin = Object.assign(app, { render });
  runtimes.set(plugin, runtime);
  return plugin;
}

/** GET /_stream?tab=&page=: this tab's renders, starting with the current one. */
function openStream(runtime: Runtime, request: Request, session: Session): Response {
  const query = new URL(request.url).searchParams;
  const tabId = query.get("tab");
  const page = query.get("page");
  if (!tabId || !/^[\w-]{1,64}$/.test(tabId)) throw REFUSE.streamWithoutTab();
  const own = new URL(request.url);
  const pageUrl = page?.startsWith("/") ? new URL(page, own) : undefined;
  if (!pageUrl || pageUrl.origin !== own.origin || !runtime.hasPage(pageUrl.pathname)) {
    throw REFUSE.streamOfNoPage();
  }
  return sseResponse((send) => {
    const remove = runtime.hub.add({ sessionId: session.id, tabId, page: pageUrl.href, send });
    // A reconnecting tab may have missed changes: it gets the current render first.
    runtime
      .renderPage(session.id, pageUrl)
      .then((html) => send({ data: html }))
      .catch((error) => console.error("Could not render the stream's first message:", error));
    return remove;
  });
}
