import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { ASSETS, ROUTES } from "../protocol";

const require = createRequire(import.meta.url);
const htmxDist = join(dirname(require.resolve("htmx.org/package.json")), "dist");
const publicDir = join(import.meta.dir, "..", "..", "public");
const clientDir = join(import.meta.dir, "..", "client");
/** The client's entry points: the name each is served under, by the name Bun gives its output. */
const CLIENT_ENTRIES: Record<string, { source: string; served: string }> = {
  "index.js": { source: join(clientDir, "index.ts"), served: ASSETS.client },
  "hash-worker.js": { source: join(clientDir, "tus", "hash-worker.ts"), served: ASSETS.hashWorker },
};
const isClientEntry = (name: string) => Object.values(CLIENT_ENTRIES).some((entry) => entry.served === name);
/** The names Bun gives the client's lazily loaded chunks. */
const CLIENT_CHUNK = /^chunk-[a-z0-9]+\.js$/;

/** The files a page loads, by the name it asks for under /_hyperstate/. */
const SOURCES: Record<string, () => Promise<Blob>> = {
  // One file: htmx starts itself on a timer when it runs after parsing, and
  // an extension loaded by a second script could arrive after that timer.
  [ASSETS.htmx]: async () => {
    const [core, sse] = await Promise.all(["htmx.min.js", "ext/hx-sse.min.js"].map((name) => Bun.file(join(htmxDist, name)).text()));
    return new Blob([core, "\n", sse], { type: "text/javascript" });
  },
  [ASSETS.css]: async () => Bun.file(join(publicDir, ASSETS.css)),
};

/**
 * A hash of every file the assets are made from: pages ask for
 * `?v=<version>`, so a browser may keep what it got for a year and still
 * gets a new build the first time a page names a new version.
 */
export function versionOf(files: readonly string[]): string {
  let hash = 0n;
  for (const file of files) hash = Bun.hash(readFileSync(file), hash) as bigint;
  return hash.toString(36);
}

/** The framework's sources (the client bundle inlines some server modules: all of src/ counts) and htmx and the CSS. */
function sourceFiles(): string[] {
  const srcDir = join(clientDir, "..");
  const sources = readdirSync(srcDir, { recursive: true, encoding: "utf8" })
    .filter((name) => /\.tsx?$/.test(name))
    .sort()
    .map((name) => join(srcDir, name));
  return [...sources, join(htmxDist, "htmx.min.js"), join(htmxDist, "ext", "hx-sse.min.js"), join(publicDir, ASSETS.css)];
}

export const ASSET_VERSION = versionOf(sourceFiles());

/** Where a page loads an asset: its versioned URL. */
export const assetUrl = (name: string): string => `${ROUTES.client}/${name}?v=${ASSET_VERSION}`;

const IMMUTABLE = "public, max-age=31536000, immutable";

/** An asset as it is sent, one body per content coding, each made once per process. */
interface Built {
  etag: string;
  bodies: Map<Coding, Promise<Bytes>>;
}

type Coding = "identity" | "gzip" | "br";
type Bytes = Uint8Array<ArrayBuffer>;

const built = new Map<string, Promise<Built>>();

/**
 * Serves one asset, built or read once per process and then kept in memory:
 * compressed with brotli or gzip when the request accepts it, each coding
 * made on its first request and kept.
 */
export async function serveAsset(name: string, request: Request): Promise<Response> {
  let source = SOURCES[name];
  if (!source && (isClientEntry(name) || CLIENT_CHUNK.test(name))) {
    const file = (await clientFiles()).get(name);
    if (file) source = async () => file;
  }
  if (!source) return new Response("Not found", { status: 404 });
  let asset = built.get(name);
  if (!asset) {
    asset = source().then(async (blob) => {
      const body = new Uint8Array(await blob.arrayBuffer());
      return { etag: Bun.hash(body).toString(36), bodies: new Map([["identity" as Coding, Promise.resolve(body)]]) };
    });
    built.set(name, asset);
    asset.catch(() => built.delete(name));
  }
  const { etag, bodies } = await asset;
  const coding = preferredCoding(request.headers.get("Accept-Encoding"));
  let body = bodies.get(coding);
  if (!body) bodies.set(coding, (body = bodies.get("identity")!.then((plain) => compress(plain, coding))));
  // One ETag per coding: a cache must not answer a gzip request with brotli bytes.
  const tag = coding === "identity" ? `"${etag}"` : `"${etag}-${coding}"`;
  // A versioned URL, or a chunk whose name is its content's hash, never changes: cache it for a year. Anything else is revalidated.
  const versioned = new URL(request.url).searchParams.get("v") === ASSET_VERSION || CLIENT_CHUNK.test(name);
  const headers: Record<string, string> = {
    "Content-Type": name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8",
    ETag: tag,
    "Cache-Control": versioned ? IMMUTABLE : "no-cache",
    Vary: "Accept-Encoding",
  };
  if (coding !== "identity") headers["Content-Encoding"] = coding;
  if (request.headers.get("If-None-Match") === tag) return new Response(null, { status: 304, headers });
  return new Response(await body, { headers });
}

/** brotli where accepted, else gzip, else none. A coding given `q=0` is refused (RFC 9110, 12.5.3). */
function preferredCoding(accept: string | null): Coding {
  const accepted = new Set(
    (accept ?? "")
      .split(",")
      .map((item) => item.trim().toLowerCase().split(/\s*;\s*/))
      .filter(([, ...params]) => !params.some((param) => /^q=0(\.0*)?$/.test(param)))
      .map(([coding]) => coding),
  );
  if (accepted.has("br")) return "br";
  if (accepted.has("gzip")) return "gzip";
  return "identity";
}

function compress(body: Bytes, coding: Coding): Bytes {
  if (coding === "gzip") return Bun.gzipSync(body, { level: 9 });
  if (coding === "identity") return body;
  const params = { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength };
  return new Uint8Array(brotliCompressSync(body, { params }));
}

let clientBuild: Promise<Map<string, Blob>> | undefined;

/** The client script, its worker and its chunks, by the name the page asks for. */
function clientFiles(): Promise<Map<string, Blob>> {
  if (!clientBuild) {
    clientBuild = buildClient();
    clientBuild.catch(() => (clientBuild = undefined));
  }
  return clientBuild;
}

// Bundled in-process on first request, so the page never loads a stale build.
// Split: what only resumable uploads need is a chunk the script import()s when
// one starts. Without module preload, Bun adds no loader code to the entry.
export async function buildClient(): Promise<Map<string, Blob>> {
  const result = await Bun.build({
    entrypoints: Object.values(CLIENT_ENTRIES).map((entry) => entry.source),
    naming: { entry: "[name].[ext]", chunk: "chunk-[hash].[ext]" },
    minify: true,
    target: "browser",
    format: "esm",
    splitting: true,
    modulePreload: false,
  });
  if (!result.success) throw new AggregateError(result.logs, "The client script failed to build");
  // Output paths are "./index.js", "./hash-worker.js" and "./chunk-<hash>.js"; the entry imports chunks by those names.
  return new Map(
    result.outputs.map((output) => {
      const file = output.path.replace("./", "");
      return [output.kind === "entry-point" ? CLIENT_ENTRIES[file]!.served : file, output];
    }),
  );
}
