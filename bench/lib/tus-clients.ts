// The clients of the `tus` scenario, each run as its own process: curl (one
// creation POST, then every PATCH from one curl over one keep-alive
// connection) and tus-js-client 4 in Node. Also what a tus client needs to
// upload into a hyperstate handler: the page's cookie, the zone's signed
// limits and the Upload button's formaction.

import { join } from "node:path";
import { TUS_METADATA as META } from "../../src/protocol";
import { serializeMetadata } from "../../src/upload/tus";
import { awaitListening, OPEN_FILES, track, type Child } from "./children";

/** Where a tus client sends one file: the creation URL, plus what hyperstate needs to route it. */
export interface TusTarget {
  /** The creation URL: `${origin}/_tus` or `${origin}/files`. */
  endpoint: string;
  /** Sent on every request (hyperstate: the session cookie). */
  headers: Record<string, string>;
  /** Decoded Upload-Metadata (hyperstate: the handler, its signature and the zone's limits). */
  metadata: Record<string, string>;
}

export interface Upload {
  seconds: number;
  /** The upload URL the server gave, absolute. */
  url: string;
  /** TCP connections curl opened for the PATCHes (1: every PATCH reused it). */
  connects?: number;
}

/** Every command is killed after 5 minutes: a 1 GiB upload takes seconds, even on a busy machine. */
const COMMAND_TIMEOUT_MS = 5 * 60_000;

/** Runs a command to completion; throws with its stderr if it failed. */
export async function run(argv: string[]): Promise<string> {
  const proc = track(Bun.spawn(argv, { stdout: "pipe", stderr: "pipe", timeout: COMMAND_TIMEOUT_MS, killSignal: "SIGKILL" }));
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${argv.slice(0, 2).join(" ")} exited ${code}: ${err.trim().slice(0, 500) || out.slice(0, 300)}`);
  return out;
}

/**
 * Starts a Node server script (`node <script> 0 <args>`) under the raised
 * open-files limit; it prints `listening http://127.0.0.1:<port>`.
 */
export async function startNodeServer(script: string, args: string[]): Promise<Child> {
  const raise = `ulimit -n ${OPEN_FILES} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`;
  const proc = track(Bun.spawn(["bash", "-c", raise, "node", script, "0", ...args], { stdin: "ignore", stdout: "pipe", stderr: "inherit" }));
  return awaitListening(proc, `node ${script}`);
}

const unescapeAttribute = (value: string) =>
  value.replace(/&amp;/g, "&").replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");

/**
 * GETs the demo's /basic as a new visitor and returns the target a tus
 * client uploads into its handler with (README, "Uploading from any tus client").
 */
export async function basicZone(server: Child, filename: string): Promise<TusTarget> {
  const response = await fetch(`${server.url}/basic`, { signal: AbortSignal.timeout(30_000) });
  const html = await response.text();
  const cookie = response.headers.get("Set-Cookie")?.split(";")[0];
  const config = /<input type="hidden" name="hs-upload" value="([^"]*)"/.exec(html)?.[1];
  const action = /<button[^>]*formaction="([^"]*)"[^>]*>Upload<\/button>/.exec(html)?.[1];
  if (!cookie || !config || !action) throw new Error("GET /basic gave no session cookie, hs-upload field or Upload button formaction: did the page change?");
  const query = new URL(unescapeAttribute(action), server.url).searchParams;
  const metadata: Record<string, string> = {
    [META.filename]: filename,
    [META.filetype]: "application/octet-stream",
    [META.upload]: query.get("id") ?? "",
    [META.handler]: query.get("handler") ?? "",
    [META.args]: query.get("args") ?? "",
    [META.signature]: query.get("sig") ?? "",
    [META.config]: unescapeAttribute(config),
  };
  if (query.get("progress")) metadata[META.progress] = query.get("progress")!;
  return { endpoint: `${server.url}/_tus`, headers: { Cookie: cookie }, metadata };
}

const headerArgs = (headers: Record<string, string>) => Object.entries(headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]);

/**
 * One creation POST (its own curl), then `pieces` in order as PATCHes from
 * ONE curl process (`--next` between them), which keeps one connection.
 * `-T` streams each file from disk; no `Expect: 100-continue` (tus-js-client
 * sends none). The time is the sum of curl's time_total of every request.
 */
export async function curlUpload(target: TusTarget, pieces: { path: string; bytes: number }[]): Promise<Upload> {
  const length = pieces.reduce((sum, piece) => sum + piece.bytes, 0);
  const common = ["-s", "-S", "-H", "Tus-Resumable: 1.0.0", "-H", "Expect:", ...headerArgs(target.headers)];
  const metadata = Object.keys(target.metadata).length ? ["-H", `Upload-Metadata: ${serializeMetadata(target.metadata)}`] : [];
  const created = await run(["curl", ...common, "-X", "POST", "-H", `Upload-Length: ${length}`, ...metadata, "-D", "-", "-o", "/dev/null", "-w", "\n%{http_code} %{time_total}", target.endpoint]);
  const [status, createSeconds] = created.trim().split("\n").at(-1)!.split(" ");
  const location = /^location:\s*(\S+)/im.exec(created)?.[1];
  if (status !== "201" || !location) throw new Error(`POST ${target.endpoint} answered ${status} without a Location: ${created.slice(0, 300)}`);
  const url = new URL(location, target.endpoint).href;

  const patches: string[] = [];
  let offset = 0;
  for (const [k, piece] of pieces.entries()) {
    if (k > 0) patches.push("--next");
    patches.push(...common, "-X", "PATCH", "-H", "Content-Type: application/offset+octet-stream", "-H", `Upload-Offset: ${offset}`);
    patches.push("-T", piece.path, "-o", "/dev/null", "-w", "%{http_code} %{time_total} %{num_connects}\n", url);
    offset += piece.bytes;
  }
  const lines = (await run(["curl", ...patches])).trim().split("\n");
  let seconds = Number(createSeconds);
  let connects = 0;
  for (const [k, line] of lines.entries()) {
    const [code, time, opened] = line.split(" ");
    if (code !== "204") throw new Error(`PATCH ${k + 1} of ${pieces.length} to ${url} answered ${code}, expected 204`);
    seconds += Number(time);
    connects += Number(opened);
  }
  if (lines.length !== pieces.length) throw new Error(`curl answered ${lines.length} of ${pieces.length} PATCHes`);
  return { seconds, url, connects };
}

/** The file uploaded by tus-js-client 4 in a Node child (bench/tus-js-upload.mjs) with `chunkSize`. */
export async function tusJsUpload(target: TusTarget, file: string, chunkSize: number): Promise<Upload> {
  const script = join(import.meta.dir, "..", "tus-js-upload.mjs");
  const out = await run(["node", script, target.endpoint, file, String(chunkSize), JSON.stringify({ headers: target.headers, metadata: target.metadata })]);
  const result = JSON.parse(out.trim().split("\n").at(-1)!) as { seconds: number; url: string };
  return { seconds: result.seconds, url: new URL(result.url, target.endpoint).href };
}
