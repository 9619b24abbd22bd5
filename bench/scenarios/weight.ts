// Scenario `weight`: the JavaScript a hyperstate page ships, as served,
// minified and gzipped, against a minimal React + react-dropzone bundle
// (a lower bound for what Reflex's upload page ships).

import { join } from "node:path";
import { startServer, stop } from "../lib/children";
import type { BenchContext, ScenarioResult } from "../lib/context";
import type { Row } from "../lib/report";

const CLIENT = "/_hyperstate/hyperstate.js";
const CLIENT_BUDGET = 6 * 1024;
const MIN_SCRIPT_BYTES = 100;
const gzipped = (bytes: Uint8Array<ArrayBuffer>) => Bun.gzipSync(bytes, { level: 9 }).byteLength;

export async function weight(context: BenchContext): Promise<ScenarioResult> {
  const server = await startServer(join(import.meta.dir, "..", "servers", "hyperstate.ts"), [join(context.workDir, "weight-tmp")], {
    UPLOADED_FILES_DIR: join(context.workDir, "weight-uploads"),
  });
  try {
    const fetchAsset = async (path: string) => {
      const response = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(30_000) });
      if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      // A script of a few bytes is a broken asset, not a light one.
      if (bytes.byteLength < MIN_SCRIPT_BYTES) throw new Error(`GET ${path} served ${bytes.byteLength} bytes: the asset is broken`);
      return bytes;
    };
    const sizes: Record<string, { raw: number; gzip: number }> = {};
    const assets = new Map<string, Uint8Array<ArrayBuffer>>();
    // The scripts a page loads, as its <head> names them.
    const page = await (await fetch(`${server.url}/basic`, { signal: AbortSignal.timeout(30_000) })).text();
    const scripts = [...page.matchAll(/<script[^>]* src="([^"]+)"/g)].map((match) => match[1]!);
    if (!scripts.includes(CLIENT)) throw new Error(`GET /basic does not load ${CLIENT}; it loads ${scripts.join(", ")}`);
    for (const path of scripts) assets.set(path, await fetchAsset(path));
    // Chunks the client imports statically load with every page; those it
    // import()s load only when a resumable upload starts.
    const entry = new TextDecoder().decode(assets.get(CLIENT));
    const chunks = (pattern: RegExp) => [...new Set([...entry.matchAll(pattern)].map((match) => `/_hyperstate/${match[1]!}`))];
    const eager = chunks(/(?:from|import)\s*"\.\/(chunk-[a-z0-9]+\.js)"/g);
    const lazy = chunks(/import\("\.\/(chunk-[a-z0-9]+\.js)"\)/g);
    for (const name of [...eager, ...lazy]) assets.set(name, await fetchAsset(name));
    for (const [name, bytes] of assets) sizes[name] = { raw: bytes.byteLength, gzip: gzipped(bytes) };
    const everyPage = [...scripts, ...eager];
    const total = everyPage.reduce((sum, name) => sum + sizes[name]!.gzip, 0);
    const react = await reactDropzoneBundle();
    const client = [CLIENT, ...eager].reduce((sum, name) => sum + sizes[name]!.gzip, 0);
    const rows: Row[] = [
      ...everyPage.map((name) => ({ scenario: `weight ${name}`, unit: "bytes gz", hyperstate: sizes[name]!.gzip, note: `${sizes[name]!.raw} B minified` })),
      {
        scenario: "weight client script alone, with its eager chunks (on top of htmx)",
        unit: "bytes gz",
        hyperstate: client,
        peer: "budget 6 KiB",
        peerValue: CLIENT_BUDGET,
        ratio: client / CLIENT_BUDGET,
        target: "< 6 KiB gzipped",
        met: client < CLIENT_BUDGET,
      },
      ...lazy.map((name) => ({ scenario: `weight lazy ${name} (resumable uploads only)`, unit: "bytes gz", hyperstate: sizes[name]!.gzip, note: "not on every page" })),
      {
        scenario: `weight every page: ${everyPage.map((path) => path.split("/").at(-1)).join(" + ")}`,
        unit: "bytes gz",
        hyperstate: total,
        peer: "React + react-dom + react-dropzone (lower bound for Reflex)",
        peerValue: react.gzip,
        ratio: total / react.gzip,
        note: `peer ${react.raw} B minified`,
      },
    ];
    return { rows, details: { assets: sizes, reactDropzone: react } };
  } finally {
    await stop(server.proc);
  }
}

async function reactDropzoneBundle(): Promise<{ raw: number; gzip: number }> {
  const result = await Bun.build({
    entrypoints: [join(import.meta.dir, "..", "weight", "dropzone-app.js")],
    minify: true,
    target: "browser",
    // React's production build, as any real deployment ships it.
    define: { "process.env.NODE_ENV": '"production"' },
  });
  if (!result.success || result.outputs.length !== 1) throw new AggregateError(result.logs, "The React dropzone bundle failed to build");
  const bytes = new Uint8Array(await result.outputs[0]!.arrayBuffer());
  return { raw: bytes.byteLength, gzip: gzipped(bytes) };
}
