import { REFUSE } from "./refusals";
import { isValidCsrfToken } from "./state/session";

/**
 * Refuses a state-changing request that another site made the browser send.
 * Browsers mark such requests with Sec-Fetch-Site and Origin; requests with
 * neither come from programs (curl, a tus client), which carry no victim's
 * cookies, and forms that post without JavaScript also carry a token.
 */
export function refuseCrossSite(request: Request): void {
  const site = request.headers.get("Sec-Fetch-Site");
  if (site === "cross-site" || site === "same-site") {
    throw REFUSE.crossSite();
  }
  const origin = request.headers.get("Origin");
  if (origin && origin !== new URL(request.url).origin) {
    throw REFUSE.foreignOrigin(origin);
  }
}

/**
 * The request as the browser made it, when a proxy in front terminated TLS
 * or changed the host: X-Forwarded-Proto and X-Forwarded-Host name the
 * public origin. Only for apps that set `trustProxy`: anyone can send these
 * headers to a server that is reached directly.
 */
export function asBrowserSent(request: Request): Request {
  const proto = request.headers.get("X-Forwarded-Proto")?.split(",")[0]?.trim();
  const host = request.headers.get("X-Forwarded-Host")?.split(",")[0]?.trim();
  if (!proto && !host) return request;
  const url = new URL(request.url);
  if (proto === "https" || proto === "http") url.protocol = `${proto}:`;
  const hostMatch = host ? /^([\w.-]+)(?::(\d+))?$/.exec(host) : null;
  if (hostMatch) {
    // Setting `host` alone would keep the internal port.
    url.hostname = hostMatch[1]!;
    url.port = hostMatch[2] ?? "";
  }
  return new Request(url, request);
}

/** A form posted without JavaScript must carry its page's token for this session. */
export function refuseForeignForm(secret: string, sessionId: string, token: unknown): void {
  if (!isValidCsrfToken(secret, sessionId, token)) {
    throw REFUSE.staleForm();
  }
}
