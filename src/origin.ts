import { HttpError } from "./errors";

/**
 * Refuses a state-changing request that another site made the browser send.
 * Browsers mark such requests with Sec-Fetch-Site and Origin; requests with
 * neither come from programs (curl, a tus client), which carry no victim's
 * cookies, and forms that post without JavaScript also carry a token.
 */
export function refuseCrossSite(request: Request): void {
  const site = request.headers.get("Sec-Fetch-Site");
  if (site === "cross-site" || site === "same-site") {
    throw new HttpError(403, "Refused: this request came from another site");
  }
  const origin = request.headers.get("Origin");
  if (origin && origin !== new URL(request.url).origin) {
    throw new HttpError(403, `Refused: requests from ${origin} may not change this site's state`);
  }
}
