// Scenario `browser`: Chromium (Debian's, through playwright-core) uploads a
// file through the demo's /basic as a person would, timed from the click on
// Upload to the page showing the file: 256 MiB and 1 GiB (resumable, tus;
// by default, and again with the checksum option) and 48 MiB (one multipart
// request). The baseline is the same browser
// sending the same file in one XHR to a bare Bun.serve + Bun.write in the
// same run. For each upload, the longest main-thread stall: how late a 10 ms
// timer chain fired, and the longest "longtask" Chromium reported.
//
//   bun run bench browser                  256 MiB, 1 GiB and 48 MiB
//   bun run bench browser -- --size 64     one resumable size (MiB) and 48 MiB
//
// Also, once per size, two XHRs of half the file each in parallel to the
// bare server: whether more than one request in flight could help at all.

import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../../test/e2e/browser";
import { startServer, type Child } from "../lib/children";
import { requireFreeDisk, type BenchContext, type ScenarioResult } from "../lib/context";
import { median, MiB, type Row } from "../lib/report";

const SERVERS = join(import.meta.dir, "..", "servers");
const MULTIPART_SIZE = 48 * MiB;
const SPEED_TARGET = 0.8;
const STALL_TARGET_MS = 50;
/** The probe's timer period: a stall is how much later than this a tick came. */
const PROBE_MS = 10;
/** A 1 GiB upload on a busy machine takes well under this. */
const UPLOAD_TIMEOUT_MS = 10 * 60_000;

interface Timing {
  ms: number;
  /** The latest a PROBE_MS timer fired, beyond its period. */
  stallMs: number;
  /** The longest task Chromium's longtask observer saw (0: none over 50 ms). */
  longTaskMs: number;
}

function sizesOption(): number[] {
  const at = Bun.argv.indexOf("--size");
  if (at === -1) return [256 * MiB, 1024 * MiB];
  const mib = Number(Bun.argv[at + 1]);
  if (!(mib >= 1) || !Number.isInteger(mib)) throw new Error(`--size takes a whole number of MiB, got ${Bun.argv[at + 1]}`);
  return [mib * MiB];
}

export async function browser(context: BenchContext): Promise<ScenarioResult> {
  const sizes = sizesOption();
  const largest = Math.max(...sizes);
  // The source, one stored copy on each server, and tus's partial file.
  await requireFreeDisk(context.workDir, 4 * largest + 1024 * MiB);
  const dir = (name: string) => join(context.workDir, `browser-${name}`);
  await Promise.all(["uploaded", "upload-tmp", "upload-tmp-checksum", "bare"].map((name) => mkdir(dir(name), { recursive: true })));
  const hyperstate = await startServer(join(SERVERS, "hyperstate.ts"), [dir("upload-tmp")], { UPLOADED_FILES_DIR: dir("uploaded") });
  // The same demo with the checksum option: 8 MiB PATCHes, each with its SHA-256.
  const checksummed = await startServer(join(SERVERS, "hyperstate.ts"), [dir("upload-tmp-checksum")], { UPLOADED_FILES_DIR: dir("uploaded"), BENCH_CHECKSUM: "1" });
  const bare = await startServer(join(SERVERS, "bare-write.ts"), [dir("bare")]);
  const chromium = await launchBrowser();
  const rows: Row[] = [];
  const details: Record<string, unknown> = { probeMs: PROBE_MS };
  try {
    const runs = [
      ...sizes.map((size) => ["resumable (tus)", size, hyperstate] as const),
      ...sizes.map((size) => ["resumable (tus) with checksum", size, checksummed] as const),
      ["multipart", MULTIPART_SIZE, hyperstate] as const,
    ];
    for (const [label, bytes, server] of runs) {
      const source = await context.sourceFile(bytes);
      const ours: Timing[] = [];
      const baseline: Timing[] = [];
      for (let round = 0; round < context.rounds; round++) {
        // Alternating, so neither side always runs on a warmer machine.
        baseline.push(await bareUpload(chromium, bare, source, 1));
        await clear(dir("bare"));
        ours.push(await basicUpload(chromium, server, source));
        await checkStored(dir("uploaded"), source, bytes);
      }
      const split = await bareUpload(chromium, bare, source, 2);
      await clear(dir("bare"));
      const ms = median(ours.map((t) => t.ms));
      const peerMs = median(baseline.map((t) => t.ms));
      const mbps = (t: number) => bytes / MiB / (t / 1000);
      const stall = Math.max(...ours.map((t) => Math.max(t.stallMs, t.longTaskMs)));
      const name = `browser /basic ${label}, ${bytes / MiB} MiB`;
      rows.push({
        scenario: `${name}: speed`,
        unit: "MB/s",
        hyperstate: mbps(ms),
        peer: "same browser, one XHR to bare Bun.serve + Bun.write",
        peerValue: mbps(peerMs),
        ratio: peerMs / ms,
        target: `≥ ${SPEED_TARGET} of bare`,
        met: peerMs / ms >= SPEED_TARGET,
        note: `click to file shown ${(ms / 1000).toFixed(2)} s; bare ${(peerMs / 1000).toFixed(2)} s; two bare XHRs of half each ${(split.ms / 1000).toFixed(2)} s`,
      });
      rows.push({
        scenario: `${name}: longest main-thread stall`,
        unit: "ms",
        hyperstate: stall,
        peer: "bare XHR",
        peerValue: Math.max(...baseline.map((t) => Math.max(t.stallMs, t.longTaskMs))),
        target: `< ${STALL_TARGET_MS} ms`,
        met: stall < STALL_TARGET_MS,
      });
      details[name] = { bytes, hyperstate: ours, bare: baseline, bareTwoHalves: split };
    }
  } finally {
    await chromium.close();
  }
  return { rows, details };
}

/** Picks `source` on /basic, clicks Upload, and waits for the image of the file. */
async function basicUpload(chromium: Browser, server: Child, source: string): Promise<Timing> {
  return inPage(chromium, async (page) => {
    await page.goto(`${server.url}/basic`);
    await page.waitForFunction(() => document.documentElement.classList.contains("hs-js"));
    await page.locator("#upload-input").setInputFiles(source);
    await startProbe(page, `img[alt="${basename(source)}"]`);
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    return finish(page);
  });
}

/**
 * The floor: the same file from an <input> in one XHR (or `parts` XHRs of
 * equal slices, in parallel). The page is served at the bare server's origin
 * by interception, which is removed before any upload.
 */
async function bareUpload(chromium: Browser, server: Child, source: string, parts: number): Promise<Timing> {
  return inPage(chromium, async (page) => {
    await page.route(`${server.url}/`, (route) =>
      route.fulfill({ contentType: "text/html", body: '<!doctype html><input type="file" id="file"><button id="send">Send</button><p id="done"></p>' }),
    );
    await page.goto(`${server.url}/`);
    await page.unrouteAll();
    await page.locator("#file").setInputFiles(source);
    await page.evaluate((parts) => {
      document.getElementById("send")!.addEventListener("click", () => {
        const file = (document.getElementById("file") as HTMLInputElement).files![0]!;
        const size = Math.ceil(file.size / parts);
        let left = parts;
        for (let i = 0; i < parts; i++) {
          const request = new XMLHttpRequest();
          request.open("POST", "/upload");
          request.onloadend = () => --left || (document.getElementById("done")!.textContent = "sent");
          // The File itself when it goes whole: a slice would take Chromium's slower path for Blobs (see client/tus/file-upload.ts).
          request.send(parts === 1 ? file : file.slice(i * size, (i + 1) * size));
        }
      });
    }, parts);
    await startProbe(page, "#done:not(:empty)");
    await page.locator("#send").click();
    return finish(page);
  });
}

async function inPage(chromium: Browser, body: (page: Page) => Promise<Timing>): Promise<Timing> {
  const context = await chromium.newContext();
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(UPLOAD_TIMEOUT_MS);
    return await body(page);
  } finally {
    await context.close();
  }
}

/**
 * From the next click until `doneSelector` matches: the time, and how late a
 * PROBE_MS timer chain and the longtask observer found the main thread.
 */
async function startProbe(page: Page, doneSelector: string): Promise<void> {
  await page.evaluate(
    ({ doneSelector, probeMs }) => {
      const probe = { start: 0, end: 0, stallMs: 0, longTaskMs: 0 };
      (window as unknown as { probe: typeof probe }).probe = probe;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (probe.start && !probe.end) probe.longTaskMs = Math.max(probe.longTaskMs, entry.duration);
      }).observe({ type: "longtask" });
      let last = 0;
      const tick = () => {
        const now = performance.now();
        if (last) probe.stallMs = Math.max(probe.stallMs, now - last - probeMs);
        last = now;
        if (!probe.end) setTimeout(tick, probeMs);
      };
      document.addEventListener(
        "click",
        () => {
          probe.start = performance.now();
          last = 0;
          tick();
        },
        { capture: true, once: true },
      );
      const check = () => {
        if (probe.start && !probe.end && document.querySelector(doneSelector)) probe.end = performance.now();
      };
      new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
    },
    { doneSelector, probeMs: PROBE_MS },
  );
}

async function finish(page: Page): Promise<Timing> {
  await page.waitForFunction(() => (window as unknown as { probe: { end: number } }).probe.end > 0, null, { timeout: UPLOAD_TIMEOUT_MS, polling: 200 });
  const probe = await page.evaluate(() => (window as unknown as { probe: { start: number; end: number; stallMs: number; longTaskMs: number } }).probe);
  return { ms: probe.end - probe.start, stallMs: Math.round(probe.stallMs), longTaskMs: Math.round(probe.longTaskMs) };
}

/** The /basic handler moved the file into the upload dir under its name: check its size, then remove it. */
async function checkStored(dir: string, source: string, bytes: number): Promise<void> {
  const stored = join(dir, basename(source));
  const size = (await stat(stored)).size;
  if (size !== bytes) throw new Error(`${stored} holds ${size} bytes, expected ${bytes}`);
  await clear(dir);
}

async function clear(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true, force: true });
}
