// The render baselines: the demo's /basic page tree (views/upload/basic.tsx)
// in a bare Elysia route, without sessions, stores or tab ids: a static
// stand-in state and token, the same document around it.
//   bun bench/servers/bare-elysia.tsx <port> jsx      renders per request
//   bun bench/servers/bare-elysia.tsx <port> string   the same HTML, prepared once (the ceiling)

import { Elysia } from "elysia";
import { ATTRS, ROOT_ID } from "../../src/protocol";
import { withRenderScope, type RenderScope } from "../../src/render/context";
import { HeadTags } from "../../src/render/shell";
import type { State, StateClass } from "../../src/state/state";
import { uploadDefaults } from "../../src/upload/options";
import { BasicPage, BasicUpload } from "../../views/upload/basic";

const port = Number(process.argv[2] ?? 0);
const mode = process.argv[3];
if (mode !== "jsx" && mode !== "string") throw new Error("usage: bun bench/servers/bare-elysia.tsx <port> jsx|string");

// What the real page is rendered with: the upload defaults reach each zone's config.
const { resumableAbove, chunkSize } = uploadDefaults();
const TAB = "benchTabId0123456789ab";
const STREAM = `/_stream?tab=${TAB}&page=%2Fbasic`;

function Document({ children }: { children: JSX.Element }): JSX.Element {
  return (
    <>
      {"<!doctype html>"}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>hyperstate demo</title>
          {/* Static tags (styles, scripts): the same the real page has, whatever the assets become. */}
          <HeadTags />
        </head>
        <body>
          <div id={ROOT_ID} {...{ [ATTRS.tab]: TAB, "hx-sse:connect": STREAM, "hx-config": '{"sse":{"pauseOnBackground":false}}' }} hx-swap="innerMorph">
            {children}
          </div>
        </body>
      </html>
    </>
  );
}

async function render(): Promise<string> {
  const url = new URL("http://127.0.0.1/basic");
  const scope: RenderScope = {
    url,
    params: {},
    csrfToken: "benchStaticCsrfToken0123456789abcdefghijklm",
    signingKey: "benchStaticSigningKey0123456789abcdefghijk",
    zoneDefaults: { resumableAbove, chunkSize },
    use: <T extends State>(stateClass: StateClass<T>): T => {
      if (stateClass !== (BasicUpload as StateClass)) throw new Error(`The bench page uses only BasicUpload, not ${stateClass.name}`);
      return new BasicUpload() as unknown as T;
    },
  };
  const inner = await withRenderScope(scope, () => BasicPage(scope));
  return (await Document({ children: inner })) as string;
}

const headers = { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" };
const prepared = await render();
const app = new Elysia()
  .get("/basic", mode === "jsx" ? async () => new Response(await render(), { headers }) : () => new Response(prepared, { headers }))
  .listen({ port, hostname: "127.0.0.1" });
console.log(`listening http://127.0.0.1:${app.server!.port}`);
