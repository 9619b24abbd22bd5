// The answers to a page's requests: the re-rendered root for the client
// script, a 303 back to the page for a form posted without JavaScript, and
// the page with a message on it when something was refused. Events and
// uploads answer alike.

import { REFUSE } from "../refusals";
import { ACTIONS_EVENT, HEADERS } from "../protocol";
import type { EventOutcome, Runtime, Session } from "../runtime";
import type { EventPage } from "../state/event-page";
import type { FormEcho } from "./context";
import { HTML_HEADERS } from "./shell";

/** GET of a page: the whole document, or the 404 page when its parameters match nothing. */
export async function pageAnswer(runtime: Runtime, request: Request, session: Session): Promise<Response> {
  const url = new URL(request.url);
  if (!runtime.hasPage(url.pathname)) return new Response(await runtime.renderNotFound(session.id, url), { status: 404, headers: HTML_HEADERS });
  return new Response(await runtime.renderDocument(session.id, url), { headers: HTML_HEADERS });
}

/** GET of a path no page has: a public file of that name, else the app's 404 page. */
export async function notFoundAnswer(
  runtime: Runtime,
  request: Request,
  session: Session,
  serveFile: (request: Request) => Promise<Response> | undefined,
): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const file = await serveFile(request);
  if (file && file.status !== 404) return file;
  return new Response(await runtime.renderNotFound(session.id, new URL(request.url)), { status: 404, headers: HTML_HEADERS });
}

/**
 * The answer to the client script: the page's re-rendered root, with client
 * actions in a header htmx dispatches as a DOM event. A page the app renders
 * itself (an upload form on an existing site) has no root to swap: it is
 * reloaded instead.
 */
export async function scriptAnswer(runtime: Runtime, request: Request, session: Session, outcome: EventOutcome, echo?: FormEcho): Promise<Response> {
  const page = pageUrl(request);
  const ownPage = runtime.hasPage(page.pathname);
  const html = ownPage ? await runtime.renderPage(session.id, page, outcome.error, echo) : "";
  const headers = new Headers(HTML_HEADERS);
  const redirect = outcome.actions.find((action) => action.type === "redirect");
  if (redirect || !ownPage) headers.set(HEADERS.redirect, redirect?.url ?? page.pathname + page.search);
  if (outcome.actions.length) headers.set(HEADERS.trigger, asciiJson({ [ACTIONS_EVENT]: outcome.actions }));
  // A failed handler still answers with the page (state as it was) and its message.
  if (outcome.error && !ownPage) return new Response(outcome.error, { status: 500, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(html, { status: outcome.error ? 500 : 200, headers });
}

/**
 * The answer to a form posted without JavaScript: 303 back to the page it
 * came from (a local path only, never another site). When the handler
 * failed, that page at once with its message, so a failure never passes
 * for a success.
 */
export async function nativeAnswer(runtime: Runtime, request: Request, session: Session, returnTo: unknown, outcome: EventOutcome): Promise<Response> {
  const redirect = outcome.actions.find((action) => action.type === "redirect");
  const target = localPath(request, redirect?.url) ?? localPath(request, returnTo) ?? localPath(request, refererPath(request)) ?? "/";
  if (!outcome.error) return new Response(null, { status: 303, headers: { Location: target } });
  return documentWithError(runtime, session, new URL(target, request.url), outcome.error, 500);
}

/**
 * The answer to a form posted without JavaScript whose handler returned
 * field errors: 422 with the page, the messages beside their fields and
 * what was typed still in them.
 */
export async function refusedFormAnswer(runtime: Runtime, request: Request, session: Session, returnTo: unknown, echo: FormEcho): Promise<Response> {
  const page = new URL(localPath(request, returnTo) ?? localPath(request, refererPath(request)) ?? "/", request.url);
  if (!runtime.hasPage(page.pathname)) return new Response(Object.values(echo.errors).join("\n"), { status: 422, headers: { ...HTML_HEADERS, "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(await runtime.renderDocument(session.id, page, undefined, echo), { status: 422, headers: HTML_HEADERS });
}

/** A page of the app with a message on top, or the message alone for a page the app does not render. */
export async function documentWithError(runtime: Runtime, session: Session, page: URL, message: string, status: number): Promise<Response> {
  if (!runtime.hasPage(page.pathname)) return new Response(message, { status, headers: { ...HTML_HEADERS, "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(await runtime.renderDocument(session.id, page, message), { status, headers: HTML_HEADERS });
}

/** The page an htmx request came from (htmx sends its URL), else the Referer. */
export function pageUrl(request: Request): URL {
  const current = request.headers.get("HX-Current-URL") ?? request.headers.get("Referer");
  if (!current) throw REFUSE.noCurrentUrl();
  try {
    return new URL(current);
  } catch {
    throw REFUSE.badCurrentUrl();
  }
}

/** The page an event came from, for eventPage(): from the client script, the page's URL; from a form posted without JavaScript, the path it returns to (`returnTo`); this site's only, else "/". */
export function eventPageOf(runtime: Runtime, request: Request, returnTo?: unknown): EventPage {
  const own = new URL(request.url);
  let url = new URL("/", own);
  if (returnTo === undefined) url = pageUrl(request);
  else if (typeof returnTo === "string" && returnTo.startsWith("/")) url = new URL(returnTo, own);
  return eventPageAt(runtime, url.origin === own.origin ? url : new URL("/", own));
}

/** A page of this site as eventPage() gives it: its URL and its route's parameters. */
export function eventPageAt(runtime: Runtime, url: URL): EventPage {
  return { url, params: runtime.pages.routes.match(url.pathname)?.params ?? {} };
}

/** A path on this site, or undefined: browsers drop tabs and newlines, so "/\t/evil" would mean "//evil". */
function localPath(request: Request, value: unknown): string | undefined {
  if (typeof value !== "string" || !value.startsWith("/") || /[\\\u0000-\u001f]/.test(value)) return undefined;
  const own = new URL(request.url);
  const target = new URL(value, own);
  return target.origin === own.origin ? target.pathname + target.search + target.hash : undefined;
}

function refererPath(request: Request): string | undefined {
  const referer = request.headers.get("Referer");
  if (!referer) return undefined;
  try {
    const url = new URL(referer);
    return url.origin === new URL(request.url).origin ? url.pathname + url.search : undefined;
  } catch {
    return undefined;
  }
}

/** JSON with every non-ASCII character escaped, so it can travel in a header. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
