// tus into S3 against tus to disk: the same file in 8 MiB PATCHes handed to
// createTusHandler().handle() in this process, once with the disk data store
// and once with the S3 data store against s3rver on 127.0.0.1 (its own
// process), upload info on disk for both. Disk first, then S3, three rounds;
// the median of each and their ratio. The S3 time includes joining the
// pieces into one object when the last byte arrives.
//
//   bun bench/tus-s3.ts [--size MiB] [--rounds N]

import { S3Client } from "bun";
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTusHandler, type TusDataStore } from "../src/upload/tus";
import { DiskDataStore } from "../src/upload/tus/disk-data-store";
import { S3DataStore } from "../src/upload/tus/s3-data-store";
import { spawnBun, stop } from "./lib/children";
import { median } from "./lib/report";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const MiB = 1024 * 1024;
const size = option("--size", 1024) * MiB;
const rounds = option("--rounds", 3);
const chunk = 8 * MiB;
const headers = { "Tus-Resumable": "1.0.0" };

const work = await mkdtemp(join(tmpdir(), "hs-bench-tus-s3-"));
const emulator = spawnBun(join(import.meta.dir, "servers", "s3rver.ts"), [join(work, "bucket"), "bench"]);
try {
  const port = Number((await emulator.stdout.pipeThrough(new TextDecoderStream()).getReader().read()).value);
  const client = new S3Client({ endpoint: `http://127.0.0.1:${port}`, bucket: "bench", accessKeyId: "S3RVER", secretAccessKey: "S3RVER", region: "us-east-1" });
  const source = join(work, "source.bin");
  const pattern = crypto.getRandomValues(new Uint8Array(4 * MiB));
  await writeFile(source, (function* () { for (let n = 0; n < size; n += pattern.length) yield pattern.subarray(0, Math.min(pattern.length, size - n)); })());
  const expected = await sha256(Bun.file(source));
  console.log(`tus ${size / MiB} MiB in 8 MiB PATCHes, no HTTP, Bun ${Bun.version}: disk data store vs S3 data store (s3rver, 8 MiB parts)`);
  const times: Record<string, number[]> = { disk: [], s3: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const name of ["disk", "s3"] as const) {
      const directory = await mkdtemp(join(work, `${name}-`));
      const data: TusDataStore = name === "disk" ? new DiskDataStore(directory) : new S3DataStore({ client, bucket: "bench", prefix: `round${round}/` });
      const ms = await upload(directory, data, source);
      times[name]!.push(ms);
      console.log(`round ${round} ${name.padEnd(4)} ${rate(ms)}`);
      await rm(directory, { recursive: true, force: true });
    }
  }
  const [disk, s3] = [median(times.disk!), median(times.s3!)];
  console.log(`median: disk ${rate(disk)}, S3 ${rate(s3)}, S3/disk ${(disk / s3).toFixed(2)}`);

  async function upload(directory: string, data: TusDataStore, path: string): Promise<number> {
    let stored: Blob | undefined;
    const tus = createTusHandler({
      directory,
      stores: { data },
      basePath: "/_tus",
      sweepIntervalMs: 0,
      hooks: { onCreate: async () => ({}), onComplete: async (info) => void (stored = await data.read(info.id)) },
    });
    const started = performance.now();
    const created = await tus.handle(new Request("http://bench/_tus", { method: "POST", headers: { ...headers, "Upload-Length": String(size) } }));
    const location = created.headers.get("Location")!;
    for (let offset = 0; offset < size; offset += chunk) {
      const body = Bun.file(path).slice(offset, Math.min(size, offset + chunk)).stream();
      const patchHeaders = { ...headers, "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset) };
      const response = await tus.handle(new Request(`http://bench${location}`, { method: "PATCH", headers: patchHeaders, body }));
      if (response.status !== 204) throw new Error(`PATCH at ${offset} answered ${response.status}: ${await response.text()}`);
    }
    const ms = performance.now() - started;
    if ((await sha256(stored!)) !== expected) throw new Error("the stored bytes differ from the source");
    tus.close();
    return ms;
  }
} finally {
  await stop(emulator);
  await rm(work, { recursive: true, force: true });
}

function rate(ms: number): string {
  return `${(size / 1e6 / (ms / 1000)).toFixed(0).padStart(5)} MB/s`;
}

async function sha256(blob: Blob): Promise<string> {
  const hash = createHash("sha256");
  const reader = blob.stream().getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) hash.update(next.value);
  return hash.digest("hex");
}
