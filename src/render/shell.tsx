import Html from "@kitajs/html";
import { ASSETS, ATTRS, ROOT_ID, ROUTES } from "../protocol";
import { assetUrl } from "./assets";

export interface ShellProps {
  title: string;
  /** The page's own additions to <head>. */
  head?: JSX.Element;
  tabId: string;
  /** The page's path and query, so the stream renders the same page. */
  pagePath: string;
  children: JSX.Element;
}

/** Every page and fragment is per session: never cached. */
export const HTML_HEADERS = { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } as const;


/** What a page needs in its <head>: hyperstate's styles and scripts. */
export function HeadTags(): JSX.Element {
  return (
    <>
      <link rel="stylesheet" href={assetUrl(ASSETS.css)} />
      <script src={assetUrl(ASSETS.htmx)} defer></script>
      {/* A module (deferred, and run in order after htmx) so it can import() its chunks. */}
      <script src={assetUrl(ASSETS.client)} type="module"></script>
    </>
  );
}

// Background tabs keep their stream: a change reaches every open tab, as the
// two-tabs promise says, not only the one in front.
const SSE_CONFIG = JSON.stringify({ sse: { pauseOnBackground: false } });

/** The whole document around a page: scripts, styles and the root that events and the stream swap. */
export function Shell({ title, head = "", tabId, pagePath, children }: ShellProps): JSX.Element {
  const stream = `${ROUTES.stream}?tab=${encodeURIComponent(tabId)}&page=${encodeURIComponent(pagePath)}`;
  return (
    <>
      {"<!doctype html>"}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{title}</title>
          <HeadTags />
          {head}
        </head>
        <body>
          <div id={ROOT_ID} {...{ [ATTRS.tab]: tabId, "hx-sse:connect": stream, "hx-config": SSE_CONFIG }} hx-swap="innerMorph">
            {children}
          </div>
        </body>
      </html>
    </>
  );
}

/** The banner a failed handler leaves at the top of the page. */
export function ErrorBanner({ message }: { message: string }): JSX.Element {
  return (
    <div class="hs-error" role="alert" safe>
      {message}
    </div>
  );
}
