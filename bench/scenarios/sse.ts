// Scenario `sse`: thousands of open streams on one server, what they cost
// in memory, and how fast an event's render reaches 100 tabs of its session.

import { join } from "node:path";
import { memoryOf, spawnBun, startServer, stop } from "../lib/children";
import type { BenchContext, ScenarioResult } from "../lib/context";
import { median, MiB, type Row } from "../lib/report";

const STREAMS = 5000;
/** 50 sessions of 100 tabs: an event of one session reaches its 100 tabs, not all 5,000. */
const SESSIONS = 50;
const EVENTS = 20;
const CLIENT_TIMEOUT_MS = 8 * 60_000;

interface ClientResult {
  wanted: number;
  opened: number;
  failures: Record<string, number>;
  idleRss: number;
  openRss: number;
  watched: number;
  pushP50: number;
  pushP99: number;
  postMs: number[];
  openFilesLimit: { client?: string; server?: string };
}

export async function sse(context: BenchContext): Promise<ScenarioResult> {
  const server = await startServer(join(import.meta.dir, "..", "servers", "hyperstate.ts"), [join(context.workDir, "sse-tmp")], {
    UPLOADED_FILES_DIR: join(context.workDir, "sse-uploads"),
  });
  const client = spawnBun(join(import.meta.dir, "..", "sse-client.ts"), [server.url, String(server.pid), String(STREAMS), String(SESSIONS), String(EVENTS)]);
  const timer = setTimeout(() => client.kill("SIGKILL"), CLIENT_TIMEOUT_MS);
  try {
    const [out, code] = await Promise.all([new Response(client.stdout).text(), client.exited]);
    if (code !== 0) throw new Error(`The SSE client exited ${code}${client.signalCode ? ` (${client.signalCode}, after ${CLIENT_TIMEOUT_MS / 60_000} min?)` : ""}`);
    const result = JSON.parse(out.trim().split("\n").at(-1)!) as ClientResult;
    const peak = (await memoryOf(server.pid)).peak;
    const perStreamKiB = (result.openRss - result.idleRss) / result.opened / 1024;
    const opened = `${result.opened.toLocaleString("en-US")} streams open (${SESSIONS} sessions)`;
    const postP50 = median(result.postMs);
    const rows: Row[] = [
      {
        scenario: `sse server RSS, ${opened}`,
        unit: "MiB",
        hyperstate: result.openRss / MiB,
        peer: "same server, idle",
        peerValue: result.idleRss / MiB,
        ratio: result.openRss / result.idleRss,
        peakRss: peak - result.idleRss,
        note: `${perStreamKiB.toFixed(1)} KiB per stream`,
      },
      ...(["pushP50", "pushP99"] as const).map((key) => ({
        scenario: `sse event → last of ${result.watched} tabs, ${key.slice(4).toLowerCase()} of ${EVENTS}, ${opened}`,
        unit: "ms",
        hyperstate: result[key],
        peer: "the event's own POST answer, p50",
        peerValue: postP50,
        ratio: result[key] / postP50,
      })),
    ];
    return { rows, details: { ...result, perStreamKiB, serverPeakAboveIdle: peak - result.idleRss } };
  } finally {
    clearTimeout(timer);
    await stop(client);
    await stop(server.proc);
  }
}
