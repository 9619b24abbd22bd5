// Scenario `sse`: thousands of open streams on one server, what they cost
// in memory, and how fast an event's render reaches 100 tabs of its session:
// with the in-process bus, and again with the Redis bus (changes go through
// Redis pub/sub even when the stream is on the same instance).

import { join } from "node:path";
import { memoryOf, spawnBun, startServer, stop } from "../lib/children";
import type { BenchContext, ScenarioResult } from "../lib/context";
import { startRedis } from "../lib/redis";
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
  const memory = await measure(context, "memory", { BENCH_SESSIONS: "memory" });
  const redisServer = await startRedis(context.workDir);
  let redis: ClientResult & { peak: number };
  try {
    redis = await measure(context, "redis", { REDIS_URL: redisServer.url });
  } finally {
    await redisServer.stop();
  }
  const perStreamKiB = (result: ClientResult) => (result.openRss - result.idleRss) / result.opened / 1024;
  const opened = `${memory.opened.toLocaleString("en-US")} streams open (${SESSIONS} sessions)`;
  const postP50 = median(memory.postMs);
  const rows: Row[] = [
    {
      scenario: `sse server RSS, ${opened}`,
      unit: "MiB",
      hyperstate: memory.openRss / MiB,
      peer: "same server, idle",
      peerValue: memory.idleRss / MiB,
      ratio: memory.openRss / memory.idleRss,
      peakRss: memory.peak - memory.idleRss,
      note: `${perStreamKiB(memory).toFixed(1)} KiB per stream`,
    },
    ...(["pushP50", "pushP99"] as const).map((key) => ({
      scenario: `sse event → last of ${memory.watched} tabs, ${key.slice(4).toLowerCase()} of ${EVENTS}, ${opened}`,
      unit: "ms",
      hyperstate: memory[key],
      peer: "the event's own POST answer, p50",
      peerValue: postP50,
      ratio: memory[key] / postP50,
    })),
    ...(["pushP50", "pushP99"] as const).map((key) => ({
      scenario: `sse event → last of ${redis.watched} tabs, ${key.slice(4).toLowerCase()} of ${EVENTS}, Redis bus, ${redis.opened.toLocaleString("en-US")} streams`,
      unit: "ms",
      hyperstate: redis[key],
      peer: "in-process bus, same run",
      peerValue: memory[key],
      ratio: redis[key] / memory[key],
    })),
  ];
  return { rows, details: { memory: { ...memory, perStreamKiB: perStreamKiB(memory) }, redis: { ...redis, perStreamKiB: perStreamKiB(redis) } } };
}

async function measure(context: BenchContext, name: string, env: Record<string, string>): Promise<ClientResult & { peak: number }> {
  const server = await startServer(join(import.meta.dir, "..", "servers", "hyperstate.ts"), [join(context.workDir, `sse-${name}-tmp`)], {
    UPLOADED_FILES_DIR: join(context.workDir, "sse-uploads"),
    ...env,
  });
  const client = spawnBun(join(import.meta.dir, "..", "sse-client.ts"), [server.url, String(server.pid), String(STREAMS), String(SESSIONS), String(EVENTS)]);
  const timer = setTimeout(() => client.kill("SIGKILL"), CLIENT_TIMEOUT_MS);
  try {
    const [out, code] = await Promise.all([new Response(client.stdout).text(), client.exited]);
    if (code !== 0) throw new Error(`The SSE client exited ${code}${client.signalCode ? ` (${client.signalCode}, after ${CLIENT_TIMEOUT_MS / 60_000} min?)` : ""}`);
    const result = JSON.parse(out.trim().split("\n").at(-1)!) as ClientResult;
    return { ...result, peak: (await memoryOf(server.pid)).peak };
  } finally {
    clearTimeout(timer);
    await stop(client);
    await stop(server.proc);
  }
}
