import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const htmxDist = join(dirname(require.resolve("htmx.org/package.json")), "dist");
const publicDir = join(import.meta.dir, "..", "..", "public");
const clientEntry = join(import.meta.dir, "..", "client", "index.ts");

/** The files a page loads, by the name it asks for under /_hyperstate/. */
const SOURCES: Record<string, () => Promise<Blob>> = {
  "htmx.js": async () => Bun.file(join(htmxDist, "htmx.min.js")),
  "hx-sse.js": async () => Bun.file(join(htmxDist, "ext", "hx-sse.min.js")),
  "hyperstate.css": async () => Bun.file(join(publicDir, "hyperstate.css")),
  "hyperstate.js": buildClient,
};

export const ASSET_NAMES = Object.keys(SOURCES);

const built = new Map<string, Promise<{ body: ArrayBuffer; etag: string }>>();

/** Serves one asset, built or read once per process and then kept in memory. */
export async function serveAsset(name: string, request: Request): Promise<Response> {
  const source = SOURCES[name];
  if (!source) return new Response("Not found", { status: 404 });
  let asset = built.get(name);
  if (!asset) {
    asset = source().then(async (blob) => {
      const body = await blob.arrayBuffer();
      return { body, etag: `"${Bun.hash(body).toString(36)}"` };
    });
    built.set(name, asset);
    asset.catch(() => built.delete(name));
  }
  const { body, etag } = await asset;
  const headers = {
    "Content-Type": name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8",
    ETag: etag,
    "Cache-Control": "no-cache",
  };
  if (request.headers.get("If-None-Match") === etag) return new Response(null, { status: 304, headers });
  return new Response(body, { headers });
}

// Bundled in-process on first request, so the page never loads a stale build.
async function buildClient(): Promise<Blob> {
  const result = await Bun.build({ entrypoints: [clientEntry], minify: true, target: "browser", format: "iife" });
  if (!result.success) throw new AggregateError(result.logs, "The client script failed to build");
  return result.outputs[0]!;
}
