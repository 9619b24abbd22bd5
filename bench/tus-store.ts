// tus uploads to disk through createTusHandler().handle behind Bun.serve on
// 127.0.0.1, sent by curl: the file in 8 MiB PATCHes, then in one PATCH; as a
// ceiling the same bytes put on disk by Bun.write(path, new Response(body));
// and the 8 MiB PATCHes handed to handle() directly, without HTTP.
// Each case runs in its own process so its peak RSS (maxRSS) is its own.
//
//   bun bench/tus-store.ts [--size MiB] [--chunk MiB]

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTusHandler, type TusHandler } from "../src/upload/tus";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const sizeMiB = option("--size", 1024);
const chunkMiB = option("--chunk", 8);
const caseName = args.includes("--case") ? args[args.indexOf("--case") + 1] : undefined;
const MiB = 1024 * 1024;
const size = sizeMiB * MiB;
const curlCommand = "curl -s -o /dev/null -w '%{http_code}'";
const tusHeaders = { "Tus-Resumable": "1.0.0" };

if (caseName) await runCase(caseName, args[args.indexOf("--source") + 1]!);
else await main();

async function main() {
  const work = await mkdtemp(join(tmpdir(), "hs-bench-tus-"));
  try {
    const source = join(work, "source.bin");
    // Random bytes (incompressible, as real files), 4 MiB repeated.
    const pattern = crypto.getRandomValues(new Uint8Array(4 * MiB));
    await writeFile(source, (function* () { for (let n = 0; n < size; n += pattern.length) yield pattern.subarray(0, Math.min(pattern.length, size - n)); })());
    console.log(`tus to disk over HTTP, ${sizeMiB} MiB, curl on 127.0.0.1, Bun ${Bun.version}`);
    for (const name of [`${chunkMiB} MiB PATCHes`, "one PATCH", "Bun.write ceiling", "no HTTP"]) {
      const child = Bun.spawnSync([process.execPath, import.meta.path, "--case", name, "--source", source, "--size", String(sizeMiB), "--chunk", String(chunkMiB)], {
        stdout: "inherit",
        stderr: "inherit",
      });
      if (child.exitCode !== 0) throw new Error(`case ${name} failed`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function runCase(name: string, source: string) {
  const directory = await mkdtemp(join(tmpdir(), "hs-bench-tus-store-"));
  const tus = createTusHandler({ directory, basePath: "/_tus", sweepIntervalMs: 0, hooks: { onCreate: async () => ({}) } });
  const ceilingPath = join(directory, "ceiling.bin");
  // Time inside the handler, apart from spawning dd and curl per PATCH.
  let serverMs = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    maxRequestBodySize: size + MiB,
    async fetch(request) {
      const started = performance.now();
      try {
        if (new URL(request.url).pathname !== "/ceiling") return await tus.handle(request);
        await Bun.write(ceilingPath, new Response(request.body));
        return new Response(null, { status: 204 });
      } finally {
        serverMs += performance.now() - started;
      }
    },
  });
  const origin = `http://127.0.0.1:${server.port}`;
  try {
    const started = performance.now();
    let written: string;
    if (name === "Bun.write ceiling") {
      await sh(`${curlCommand} -X PUT -T ${source} '${origin}/ceiling'`);
      written = ceilingPath;
    } else if (name === "no HTTP") {
      written = await patchInProcess(tus, source);
    } else {
      const created = await fetch(`${origin}/_tus`, { method: "POST", headers: { ...tusHeaders, "Upload-Length": String(size) } });
      const location = created.headers.get("Location")!;
      const chunk = name === "one PATCH" ? size : chunkMiB * MiB;
      for (let offset = 0; offset < size; offset += chunk) {
        const length = Math.min(chunk, size - offset);
        // dd cuts the slice and curl sends it: no byte passes through this process.
        // curl sends stdin chunked; an empty Transfer-Encoding makes it send the Content-Length given.
        const slice = `dd if=${source} bs=1M iflag=skip_bytes,count_bytes skip=${offset} count=${length} status=none`;
        const status = await sh(
          `${slice} | ${curlCommand} -X PATCH -T - -H 'Tus-Resumable: 1.0.0' -H 'Content-Type: application/offset+octet-stream' ` +
            `-H 'Upload-Offset: ${offset}' -H 'Content-Length: ${length}' -H 'Transfer-Encoding:' '${origin}${location}'`,
        );
        if (status !== "204") throw new Error(`PATCH at ${offset} answered ${status}`);
      }
      written = tus.store.data.localPath!(location.slice("/_tus/".length));
    }
    const wallMs = performance.now() - started;
    const identical = (await sha256(written)) === (await sha256(source));
    const peakMiB = process.resourceUsage().maxRSS / 1024;
    const rate = (ms: number) => `${(size / 1e6 / (ms / 1000)).toFixed(0).padStart(5)} MB/s`;
    console.log(
      `${name.padEnd(18)} ${rate(wallMs)} wall, ${rate(serverMs || wallMs)} in the handler, ` +
        `peak RSS ${peakMiB.toFixed(0)} MiB, ${identical ? "bytes identical" : "BYTES DIFFER"}`,
    );
  } finally {
    await server.stop(true);
    tus.close();
    await rm(directory, { recursive: true, force: true });
  }
}

/** The chunked upload straight into handle(), the file read by this process: the store's own cost. */
async function patchInProcess(tus: TusHandler, source: string): Promise<string> {
  const created = await tus.handle(new Request("http://bench/_tus", { method: "POST", headers: { ...tusHeaders, "Upload-Length": String(size) } }));
  const location = created.headers.get("Location")!;
  for (let offset = 0; offset < size; offset += chunkMiB * MiB) {
    const body = Bun.file(source).slice(offset, Math.min(size, offset + chunkMiB * MiB)).stream();
    const headers = { ...tusHeaders, "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset) };
    const response = await tus.handle(new Request(`http://bench${location}`, { method: "PATCH", headers, body }));
    if (response.status !== 204) throw new Error(`PATCH at ${offset} answered ${response.status}`);
  }
  return tus.store.data.localPath!(location.slice("/_tus/".length));
}

/** Runs a shell command and returns its stdout (curl's status code). */
async function sh(command: string): Promise<string> {
  const child = Bun.spawn(["bash", "-o", "pipefail", "-c", command], { stdout: "pipe" });
  const output = await new Response(child.stdout).text();
  if ((await child.exited) !== 0) throw new Error(`${command} exited with ${child.exitCode}`);
  return output;
}

async function sha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const piece of createReadStream(path, { highWaterMark: 4 * MiB })) hash.update(piece as Buffer);
  return hash.digest("hex");
}
