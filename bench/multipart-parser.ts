// Multipart upload to disk: our parser (spoolMultipart) against busboy, both
// relative to Bun.write(path, new Response(stream)) of the same raw bytes.
// Each case runs in its own process so its peak RSS is its own.
//
//   bun bench/multipart-parser.ts [--size MiB] [--chunk bytes] [--http]
//
// Without --http the body is generated in memory, chunk by chunk (64 KiB, the
// size Bun.serve hands out). With --http it is written to a file once and sent
// by curl to a Bun.serve on 127.0.0.1, as a browser would send it.

import busboy from "busboy";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { spoolMultipart } from "../src/upload/multipart/spool";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const sizeMiB = option("--size", 1024);
const chunkSize = option("--chunk", 64 * 1024);
const overHttp = args.includes("--http");
const caseName = args[args.indexOf("--case") + 1];

const BOUNDARY = "----hyperstateBenchBoundary7MA4YWxkTrZu0gW";
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;
const head = Buffer.from(
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nbench\r\n` +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
    `Content-Type: application/octet-stream\r\n\r\n`,
);
const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
const fileBytes = sizeMiB * 1024 * 1024;
const totalBytes = head.length + fileBytes + tail.length;

// Random data (it holds CRs, as real files do), repeated.
const pattern = crypto.getRandomValues(new Uint8Array(4 * 1024 * 1024 + chunkSize));

function bodyStream(): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (offset >= totalBytes) return controller.close();
        const end = Math.min(offset + chunkSize, totalBytes);
        const chunk = new Uint8Array(end - offset);
        for (let i = offset; i < end; ) {
          if (i < head.length) {
            const n = Math.min(head.length - i, end - i);
            chunk.set(head.subarray(i, i + n), i - offset);
            i += n;
          } else if (i < head.length + fileBytes) {
            const at = i - head.length;
            const n = Math.min(head.length + fileBytes - i, end - i);
            chunk.set(pattern.subarray(at % (4 * 1024 * 1024), (at % (4 * 1024 * 1024)) + n), i - offset);
            i += n;
          } else {
            const at = i - head.length - fileBytes;
            const n = end - i;
            chunk.set(tail.subarray(at, at + n), i - offset);
            i += n;
          }
        }
        controller.enqueue(chunk);
        offset = end;
      },
    },
    { highWaterMark: 0 },
  );
}

// ---------------------------------------------------------------- cases

async function baseline(body: ReadableStream<Uint8Array>, dir: string) {
  await Bun.write(join(dir, "raw.bin"), new Response(body));
}

async function ours(body: ReadableStream<Uint8Array>, dir: string) {
  const { files } = await spoolMultipart(body, CONTENT_TYPE, { tempDir: dir });
  if (files[0]?.size !== fileBytes) throw new Error(`stored ${files[0]?.size} bytes, expected ${fileBytes}`);
}

// busboy over node streams; each file chunk goes to a FileSink and is flushed
// before busboy's writable callback, so back-pressure reaches the body reader.
async function withBusboy(body: ReadableStream<Uint8Array>, dir: string) {
  let stored = 0;
  await new Promise<void>((resolve, reject) => {
    const parser = busboy({ headers: { "content-type": CONTENT_TYPE } });
    parser.on("file", (_name, file) => {
      const sink = Bun.file(join(dir, "busboy.bin")).writer();
      file.pipe(
        new Writable({
          write(chunk: Buffer, _encoding, callback) {
            sink.write(chunk);
            Promise.resolve(sink.flush()).then(() => callback(), callback);
            stored += chunk.length;
          },
          final(callback) {
            Promise.resolve(sink.end()).then(() => callback(), callback);
          },
        }),
      );
    });
    parser.on("error", reject);
    parser.on("close", resolve);
    (async () => {
      const reader = body.getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        if (!parser.write(read.value)) await new Promise((r) => parser.once("drain", r));
      }
      parser.end();
    })().catch(reject);
  });
  if (stored !== fileBytes) throw new Error(`busboy stored ${stored} bytes, expected ${fileBytes}`);
}

const cases: Record<string, (body: ReadableStream<Uint8Array>, dir: string) => Promise<void>> = {
  "Bun.write(Response) raw": baseline,
  "spoolMultipart (ours)": ours,
  "busboy + FileSink": withBusboy,
};

async function runCase(name: string): Promise<{ seconds: number; peakRssMiB: number }> {
  const dir = await mkdtemp(join(tmpdir(), "hs-bench-"));
  try {
    if (!overHttp) {
      const start = performance.now();
      await cases[name]!(bodyStream(), dir);
      return { seconds: (performance.now() - start) / 1000, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
    }
    const bodyFile = join(tmpdir(), `hs-bench-body-${sizeMiB}-${chunkSize}.bin`);
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      maxRequestBodySize: totalBytes + 1024,
      async fetch(request) {
        await cases[name]!(request.body!, dir);
        return new Response("ok");
      },
    });
    try {
      const start = performance.now();
      const curl = Bun.spawn(["curl", "-sf", "-X", "POST", "-H", `Content-Type: ${CONTENT_TYPE}`, "-T", bodyFile, server.url.href]);
      if ((await curl.exited) !== 0) throw new Error(`curl failed for ${name}`);
      return { seconds: (performance.now() - start) / 1000, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
    } finally {
      server.stop(true);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

if (caseName && caseName in cases) {
  console.log(JSON.stringify(await runCase(caseName)));
} else {
  const bodyFile = join(tmpdir(), `hs-bench-body-${sizeMiB}-${chunkSize}.bin`);
  if (overHttp) await Bun.write(bodyFile, new Response(bodyStream()));
  console.log(`${sizeMiB} MiB file in a ${totalBytes} byte body, ${chunkSize} byte chunks, ${overHttp ? "over HTTP (curl -> Bun.serve)" : "in process"}`);
  let baselineRate = 0;
  for (const name of Object.keys(cases)) {
    const child = Bun.spawn([process.execPath, import.meta.path, ...args, "--case", name], { stderr: "inherit" });
    const result = JSON.parse(await new Response(child.stdout).text()) as { seconds: number; peakRssMiB: number };
    const rate = totalBytes / result.seconds / 1e6;
    baselineRate ||= rate;
    console.log(
      `${name.padEnd(26)} ${rate.toFixed(0).padStart(6)} MB/s  ${(rate / baselineRate).toFixed(2)}x  peak RSS ${result.peakRssMiB.toFixed(0)} MiB`,
    );
  }
  if (overHttp) await rm(bodyFile, { force: true });
}
