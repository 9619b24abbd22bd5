// Scenario `tus`: one file (1 GiB; `--size MiB` for less) uploaded over tus
// into the demo's /basic handler through hyperstate's /_tus, against
// @tus/server with @tus/file-store on Node, with the same clients: curl in
// 8 MiB PATCHes on one connection, curl in one PATCH, and tus-js-client 4
// (Node) in 8 MiB chunks. Every stored file is checked.

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { cpuSeconds, memoryOf, resetPeak, startServer, stop, type Child } from "../lib/children";
import { requireFreeDisk, type BenchContext, type ScenarioResult } from "../lib/context";
import { median, MiB, type Row } from "../lib/report";
import { basicZone, curlUpload, run, startNodeServer, tusJsUpload, type TusTarget, type Upload } from "../lib/tus-clients";

const CHUNK = 8 * MiB;
const RSS_BUDGET = 96 * MiB;
const SPEED_TARGET = 1.2;
const FILENAME = "tus-bench.bin";
const SERVERS = join(import.meta.dir, "..", "servers");

interface Contender {
  name: "hyperstate" | "peer";
  child: Child;
  target: TusTarget;
  /** Checks the stored file (its sha256 too when `hash` is given), then removes it. */
  verify(upload: Upload, bytes: number, hash?: string): Promise<void>;
}

interface Client {
  label: string;
  /** Whether the ≥ 1.2× speed target applies (curl only). */
  speedTarget: boolean;
  upload(target: TusTarget): Promise<Upload>;
}

/** `--size <MiB>` on the bench's command line; 1 GiB by default. */
function sizeOption(): number {
  const at = Bun.argv.indexOf("--size");
  const mib = at === -1 ? 1024 : Number(Bun.argv[at + 1]);
  if (!(mib >= 1) || !Number.isInteger(mib)) throw new Error(`--size takes a whole number of MiB, got ${Bun.argv[at + 1]}`);
  return mib * MiB;
}

export async function tus(context: BenchContext): Promise<ScenarioResult> {
  const size = sizeOption();
  // The source, its 8 MiB pieces, and one stored copy on each server.
  await requireFreeDisk(context.workDir, 4 * size + 1024 * MiB);
  const dir = (name: string) => join(context.workDir, `tus-${name}`);
  await Promise.all(["uploaded", "upload-tmp", "node-store", "pieces"].map((name) => mkdir(dir(name), { recursive: true })));
  const source = await context.sourceFile(size);
  const small = await context.sourceFile(MiB);
  const pieces = await splitFile(source, size, dir("pieces"));
  const sourceHash = await sha256(source);
  const nodeVersion = (await run(["node", "--version"])).trim();
  const peerName = `@tus/server + @tus/file-store, Node ${nodeVersion}`;

  const hyperstate = await startServer(join(SERVERS, "hyperstate.ts"), [dir("upload-tmp")], { UPLOADED_FILES_DIR: dir("uploaded") });
  const node = await startNodeServer(join(SERVERS, "tus-node.mjs"), [dir("node-store")]);
  const rows: Row[] = [];
  const details: Record<string, unknown> = { bytes: size, chunk: CHUNK, peer: peerName };
  try {
    const contenders: Contender[] = [
      {
        name: "hyperstate",
        child: hyperstate,
        target: await basicZone(hyperstate, FILENAME),
        // The /basic handler moved the file into the upload dir under its name.
        verify: (_upload, bytes, hash) => checkStored(dir("uploaded"), FILENAME, bytes, hash),
      },
      {
        name: "peer",
        child: node,
        target: { endpoint: `${node.url}/files`, headers: {}, metadata: {} },
        // FileStore keeps <id> (the data) and <id>.json.
        verify: (upload, bytes, hash) => checkStored(dir("node-store"), basename(new URL(upload.url).pathname), bytes, hash),
      },
    ];
    const clients: Client[] = [
      { label: "curl, 8 MiB PATCHes on one connection", speedTarget: true, upload: (target) => curlUpload(target, pieces) },
      { label: "curl, one PATCH of the whole file", speedTarget: true, upload: (target) => curlUpload(target, [{ path: source, bytes: size }]) },
      { label: "tus-js-client 4 (Node), 8 MiB chunks", speedTarget: false, upload: (target) => tusJsUpload(target, source, CHUNK) },
    ];
    // Warm both servers (module load, JIT, first upload) with every client, then take their idle RSS.
    for (const contender of contenders) {
      await contender.verify(await curlUpload(contender.target, [{ path: small, bytes: MiB }]), MiB);
      await contender.verify(await tusJsUpload(contender.target, small, CHUNK), MiB);
    }
    const idle = { hyperstate: (await memoryOf(hyperstate.pid)).rss, peer: (await memoryOf(node.pid)).rss };
    details.idleRss = idle;
    const label = size >= 1024 * MiB ? `${size / 1024 / MiB} GiB` : `${size / MiB} MiB`;

    for (const client of clients) {
      const peaksReset = (await resetPeak(hyperstate.pid)) && (await resetPeak(node.pid));
      const seconds = { hyperstate: [] as number[], peer: [] as number[] };
      const cpu = { hyperstate: [] as number[], peer: [] as number[] };
      const connects: number[] = [];
      // Interleaved rounds: a burst of noise from the rest of the machine hits both servers alike.
      for (let round = 0; round < context.rounds; round++) {
        for (const contender of contenders) {
          const before = await cpuSeconds(contender.child.pid);
          const upload = await client.upload(contender.target);
          cpu[contender.name].push((await cpuSeconds(contender.child.pid)) - before);
          seconds[contender.name].push(upload.seconds);
          if (upload.connects !== undefined) connects.push(upload.connects);
          // The first round's file is compared byte for byte (sha256), the others by size.
          await contender.verify(upload, size, round === 0 ? sourceHash : undefined);
        }
      }
      const peak = { hyperstate: (await memoryOf(hyperstate.pid)).peak, peer: (await memoryOf(node.pid)).peak };
      const above = { hyperstate: peak.hyperstate - idle.hyperstate, peer: peak.peer - idle.peer };
      const rate = (name: "hyperstate" | "peer") => size / median(seconds[name]) / 1e6;
      const ratio = rate("hyperstate") / rate("peer");
      const rssMet = peak.hyperstate < RSS_BUDGET;
      rows.push({
        scenario: `tus ${label}, ${client.label}`,
        unit: "MB/s",
        hyperstate: rate("hyperstate"),
        peer: peerName,
        peerValue: rate("peer"),
        ratio,
        peakRss: above.hyperstate,
        peerPeakRss: above.peer,
        target: client.speedTarget ? "≥ 1.2× @tus/server, peak RSS < 96 MiB" : "peak RSS < 96 MiB",
        met: rssMet && (!client.speedTarget || ratio >= SPEED_TARGET),
        note: `absolute peak RSS ${(peak.hyperstate / MiB).toFixed(1)} / ${(peak.peer / MiB).toFixed(1)} MiB`,
      });
      const cpuPerGiB = (name: "hyperstate" | "peer") => median(cpu[name]) / (size / 1024 / MiB);
      rows.push({
        scenario: `tus ${label}, ${client.label}: server CPU per GiB`,
        unit: "s CPU",
        hyperstate: cpuPerGiB("hyperstate"),
        peer: peerName,
        peerValue: cpuPerGiB("peer"),
        ratio: cpuPerGiB("hyperstate") / cpuPerGiB("peer"),
      });
      details[client.label] = { secondsPerRound: seconds, cpuSecondsPerRound: cpu, peakRss: peak, peakAboveIdle: above, peakResetBeforeRun: peaksReset, curlConnectionsPerUpload: connects };
    }
  } finally {
    await Promise.all([hyperstate, node].map((server) => stop(server.proc)));
  }
  return { rows, details };
}

/** The source cut into 8 MiB piece files once, so curl streams each PATCH body from disk. */
async function splitFile(source: string, size: number, dir: string): Promise<{ path: string; bytes: number }[]> {
  await run(["split", "-b", String(CHUNK), "-d", "-a", "5", source, join(dir, "piece-")]);
  const names = (await readdir(dir)).sort();
  return names.map((name, k) => ({ path: join(dir, name), bytes: Math.min(CHUNK, size - k * CHUNK) }));
}

async function checkStored(dir: string, name: string, bytes: number, hash?: string): Promise<void> {
  const path = join(dir, name);
  const stored = await stat(path).catch(() => undefined);
  if (stored?.size !== bytes) throw new Error(`${path} has ${stored?.size ?? "no"} bytes after a ${bytes} byte upload (folder: ${(await readdir(dir)).join(", ")})`);
  if (hash && (await sha256(path)) !== hash) throw new Error(`${path} has the right size but not the source's bytes`);
  await rm(path);
  await rm(`${path}.json`, { force: true });
}

async function sha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * MiB })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
