// Scenario `multipart`: a file uploaded through the demo's /basic form as a
// browser without JavaScript posts it, against the fastest bare Bun server
// and against the disk itself (dd, cat).

import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { cpuSeconds, memoryOf, resetPeak, startServer, stop, track, type Child } from "../lib/children";
import { requireFreeDisk, type BenchContext, type ScenarioResult } from "../lib/context";
import { median, MiB, type Row } from "../lib/report";

const SIZES = [100 * MiB, 1024 * MiB];
const RSS_BUDGET = 64 * MiB;
const SERVERS = join(import.meta.dir, "..", "servers");

interface Sample {
  seconds: number[];
  /** The server's CPU seconds for each upload. */
  cpu: number[];
}

interface Dirs {
  /** The run's folder (the cookie jar). */
  work: string;
  /** Where the demo's handler moves uploaded files (UPLOADED_FILES_DIR). */
  uploaded: string;
  /** Where the demo spools files before its handler runs. */
  uploadTmp: string;
  bare: string;
  disk: string;
}

export async function multipart(context: BenchContext): Promise<ScenarioResult> {
  // The source, one copy in flight, and the temp file a server writes before moving it.
  await requireFreeDisk(context.workDir, 4 * 1024 * MiB);
  const dirs: Dirs = {
    work: context.workDir,
    uploaded: join(context.workDir, "uploaded"),
    uploadTmp: join(context.workDir, "upload-tmp"),
    bare: join(context.workDir, "bare"),
    disk: join(context.workDir, "disk"),
  };
  await Promise.all([dirs.uploaded, dirs.uploadTmp, dirs.bare, dirs.disk].map((dir) => mkdir(dir, { recursive: true })));
  const hyperstate = await startServer(join(SERVERS, "hyperstate.ts"), [dirs.uploadTmp], { UPLOADED_FILES_DIR: dirs.uploaded });
  const bare = await startServer(join(SERVERS, "bare-write.ts"), [dirs.bare]);
  const drop = await startServer(join(SERVERS, "bare-write.ts"), ["-"]);
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  try {
    for (const size of SIZES) {
      const source = await context.sourceFile(size);
      const label = size >= 1024 * MiB ? `${size / 1024 / MiB} GiB` : `${size / MiB} MiB`;
      // Warm both servers (module load, first request), then take their idle RSS.
      await uploadThroughForm(hyperstate, await context.sourceFile(MiB), dirs);
      await uploadRaw(bare, await context.sourceFile(MiB), dirs.bare);
      const idle = { hyperstate: (await memoryOf(hyperstate.pid)).rss, bare: (await memoryOf(bare.pid)).rss };
      const peaksReset = (await resetPeak(hyperstate.pid)) && (await resetPeak(bare.pid));
      const samples: Record<string, Sample> = Object.fromEntries(["hyperstate", "bare", "drop", "dd", "cat"].map((name) => [name, { seconds: [], cpu: [] }]));
      const withCpu = async (name: string, server: Child, upload: () => Promise<number>) => {
        const before = await cpuSeconds(server.pid);
        samples[name]!.seconds.push(await upload());
        samples[name]!.cpu.push((await cpuSeconds(server.pid)) - before);
      };
      // Interleaved rounds: a burst of noise from the rest of the machine hits every contender alike.
      for (let round = 0; round < context.rounds; round++) {
        await withCpu("hyperstate", hyperstate, () => uploadThroughForm(hyperstate, source, dirs));
        await withCpu("bare", bare, () => uploadRaw(bare, source, dirs.bare));
        await withCpu("drop", drop, () => uploadRaw(drop, source, dirs.bare));
        samples.dd!.seconds.push(await timed(["dd", `if=${source}`, `of=${join(dirs.disk, "dd.bin")}`, "bs=8M", "conv=fsync", "status=none"], dirs.disk, size));
        samples.cat!.seconds.push(await timed(["bash", "-c", 'cat "$0" > "$1"', source, join(dirs.disk, "cat.bin")], dirs.disk, size));
      }
      const peak = { hyperstate: (await memoryOf(hyperstate.pid)).peak - idle.hyperstate, bare: (await memoryOf(bare.pid)).peak - idle.bare };
      const rate = (name: string) => size / median(samples[name]!.seconds) / 1e6;
      const hs = rate("hyperstate");
      const overBudget = peak.hyperstate > RSS_BUDGET;
      rows.push({
        scenario: `multipart ${label}, /basic form (curl)`,
        unit: "MB/s",
        hyperstate: hs,
        peer: "bare Bun.serve + Bun.write",
        peerValue: rate("bare"),
        ratio: hs / rate("bare"),
        peakRss: peak.hyperstate,
        peerPeakRss: peak.bare,
        target: "≥ 0.70 of bare, peak ≤ 64 MiB above idle",
        met: hs / rate("bare") >= 0.7 && !overBudget,
      });
      const cpuPerGiB = (name: string) => median(samples[name]!.cpu) / (size / 1024 / MiB);
      rows.push({
        scenario: `multipart ${label}: server CPU per GiB`,
        unit: "s CPU",
        hyperstate: cpuPerGiB("hyperstate"),
        peer: "bare Bun.serve + Bun.write",
        peerValue: cpuPerGiB("bare"),
        ratio: cpuPerGiB("hyperstate") / cpuPerGiB("bare"),
        note: `read and dropped: ${cpuPerGiB("drop").toFixed(2)} s`,
      });
      const peers = [
        ["drop", "bare Bun.serve, body read and dropped"],
        ["dd", "disk: dd bs=8M conv=fsync"],
        ["cat", "disk: cat src > dst"],
      ] as const;
      for (const [name, peer] of peers) {
        rows.push({ scenario: `multipart ${label}, /basic form (curl)`, unit: "MB/s", hyperstate: hs, peer, peerValue: rate(name), ratio: hs / rate(name) });
      }
      details[label] = { bytes: size, secondsPerRound: samples, idleRss: idle, peakAboveIdle: peak, peakResetBeforeRun: peaksReset };
    }
  } finally {
    await Promise.all([hyperstate, bare, drop].map((server) => stop(server.proc)));
  }
  return { rows, details };
}

/** Every command is killed after 5 minutes: a 1 GiB copy takes seconds, even on a busy disk. */
const COMMAND_TIMEOUT_MS = 5 * 60_000;

async function run(argv: string[]): Promise<string> {
  const proc = track(Bun.spawn(argv, { stdout: "pipe", stderr: "pipe", timeout: COMMAND_TIMEOUT_MS, killSignal: "SIGKILL" }));
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${argv[0]} exited ${code}: ${err.trim() || out.slice(0, 300)}`);
  return out;
}

const unescapeAttribute = (value: string) =>
  value.replace(/&amp;/g, "&").replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");

function field(html: string, name: string): string {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`GET /basic has no hidden field ${name}: did the form change?`);
  return unescapeAttribute(match[1]!);
}

/**
 * GET /basic with a cookie jar, then POST its form as a browser without
 * JavaScript does: the hidden fields first, then the file, to the Upload
 * button's formaction. Returns curl's time_total of the POST.
 */
async function uploadThroughForm(server: Child, source: string, dirs: Dirs): Promise<number> {
  const jar = join(dirs.work, "cookies.txt");
  const html = await run(["curl", "-s", "-c", jar, `${server.url}/basic`]);
  const action = /<button[^>]*formaction="([^"]*)"[^>]*>Upload<\/button>/.exec(html)?.[1];
  if (!action) throw new Error('GET /basic has no "Upload" button with a formaction');
  const fields = ["hs-csrf", "hs-return", "hs-upload"].flatMap((name) => ["--form-string", `${name}=${field(html, name)}`]);
  const seconds = await post(server, unescapeAttribute(action), ["-b", jar, ...fields], source);
  const stored = await readdir(dirs.uploaded);
  const size = (await stat(source)).size;
  if (stored.length !== 1 || (await stat(join(dirs.uploaded, stored[0]!))).size !== size) {
    throw new Error(`The demo stored ${JSON.stringify(stored)} for one ${size} byte upload`);
  }
  await emptyDir(dirs.uploaded);
  return seconds;
}

/** The same multipart body to the bare server, which writes it as it comes. */
async function uploadRaw(server: Child, source: string, dir: string): Promise<number> {
  const seconds = await post(server, "/upload", ["--form-string", "hs-csrf=x"], source);
  await emptyDir(dir);
  return seconds;
}

async function post(server: Child, path: string, args: string[], source: string): Promise<number> {
  // No "Expect: 100-continue": browsers never send it.
  const out = await run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", "-H", "Expect:", ...args, "-F", `files=@${source}`, `${server.url}${path}`]);
  const [status, seconds] = out.trim().split(" ");
  if (status !== "303") throw new Error(`POST ${path} answered ${status}, expected 303`);
  return Number(seconds);
}

async function timed(argv: string[], dir: string, size: number): Promise<number> {
  const start = performance.now();
  await run(argv);
  const seconds = (performance.now() - start) / 1000;
  const [copy] = await readdir(dir);
  if (!copy || (await stat(join(dir, copy))).size !== size) throw new Error(`${argv[0]} did not copy ${size} bytes`);
  await emptyDir(dir);
  return seconds;
}

async function emptyDir(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true, force: true });
}
