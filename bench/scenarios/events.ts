// Scenario `events`: POST /_event/CounterState.increment as htmx sends it
// (state changes, the page root comes back for the morph), from one session
// and from 1,000 sessions in turn, with sessions in memory, in SQLite (the
// default) and in Redis (sessions, lock and change bus), each against memory
// in the same run.

import { join } from "node:path";
import { cpuSeconds, memoryOf, resetPeak, startServer, stop } from "../lib/children";
import type { BenchContext, ScenarioResult } from "../lib/context";
import type { Request as LoadRequest } from "autocannon";
import { load, sessionCookie, type Load } from "../lib/load";
import { startRedis } from "../lib/redis";
import { median, type Row } from "../lib/report";

const DURATION_S = 10;
const rounds = (runs: Load[]) => runs.map((run) => run.rps.toFixed(0)).join("/");
const SESSIONS = 1000;
const sessionsLabel = SESSIONS.toLocaleString("en-US");

type Measured = Load & { cpuMicrosPerRequest: number };

interface BackendResult {
  one: number;
  many: number;
  cpuOne: number;
  cpuMany: number;
  peakAboveIdle: number;
  runs: Record<"one" | "many", Measured[]>;
}

export async function events(context: BenchContext): Promise<ScenarioResult> {
  const memory = await measure(context, "memory", { BENCH_SESSIONS: "memory" });
  const sqlite = await measure(context, "sqlite", { HYPERSTATE_DATA_DIR: join(context.workDir, "events-data") });
  const redisServer = await startRedis(context.workDir);
  let redis: BackendResult;
  try {
    redis = await measure(context, "redis", { REDIS_URL: redisServer.url });
  } finally {
    await redisServer.stop();
  }

  const rows: Row[] = [
    { scenario: "events POST increment + morph render, 1 session, memory store", unit: "req/s", hyperstate: memory.one, peakRss: memory.peakAboveIdle, note: `rounds ${rounds(memory.runs.one)}` },
    {
      scenario: `events POST increment + morph render, ${sessionsLabel} sessions, memory store`,
      unit: "req/s",
      hyperstate: memory.many,
      peer: "1 session, same server",
      peerValue: memory.one,
      ratio: memory.many / memory.one,
      peakRss: memory.peakAboveIdle,
      note: `rounds ${rounds(memory.runs.many)}`,
    },
    {
      scenario: `events, ${sessionsLabel} sessions: server CPU per answer, memory store`,
      unit: "µs CPU",
      hyperstate: memory.cpuMany,
      peer: "1 session, same server",
      peerValue: memory.cpuOne,
      ratio: memory.cpuMany / memory.cpuOne,
    },
    ...compared("SQLite (default)", sqlite, memory),
    ...compared("Redis (sessions, lock, bus)", redis, memory),
  ];
  return { rows, details: { connections: 50, durationSeconds: DURATION_S, sessions: SESSIONS, memory, sqlite, redis } };
}

/** Rows for one backend against the memory store, measured in the same run. */
function compared(label: string, backend: BackendResult, memory: BackendResult): Row[] {
  return [
    {
      scenario: `events POST increment + morph render, 1 session, ${label}`,
      unit: "req/s",
      hyperstate: backend.one,
      peer: "memory store, same run",
      peerValue: memory.one,
      ratio: backend.one / memory.one,
      peakRss: backend.peakAboveIdle,
      note: `rounds ${rounds(backend.runs.one)}`,
    },
    {
      scenario: `events POST increment + morph render, ${sessionsLabel} sessions, ${label}`,
      unit: "req/s",
      hyperstate: backend.many,
      peer: "memory store, same run",
      peerValue: memory.many,
      ratio: backend.many / memory.many,
      peakRss: backend.peakAboveIdle,
      note: `rounds ${rounds(backend.runs.many)}`,
    },
    {
      scenario: `events, ${sessionsLabel} sessions: server CPU per answer, ${label}`,
      unit: "µs CPU",
      hyperstate: backend.cpuMany,
      peer: "memory store, same run",
      peerValue: memory.cpuMany,
      ratio: backend.cpuMany / memory.cpuMany,
    },
  ];
}

async function measure(context: BenchContext, name: string, env: Record<string, string>): Promise<BackendResult> {
  const server = await startServer(join(import.meta.dir, "..", "servers", "hyperstate.ts"), [join(context.workDir, `events-${name}-tmp`)], {
    UPLOADED_FILES_DIR: join(context.workDir, "events-uploads"),
    ...env,
  });
  try {
    const page = `${server.url}/counter`;
    // Sessions are made the way browsers make them: a first GET of the page.
    const cookies: string[] = [];
    while (cookies.length < SESSIONS) {
      cookies.push(...(await Promise.all(Array.from({ length: 50 }, () => sessionCookie(page)))));
    }
    const request: LoadRequest & { path: string; headers: Record<string, string>; body: string } = {
      method: "POST",
      path: "/_event/CounterState.increment",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "HX-Request": "true",
        "HX-Current-URL": page,
        cookie: cookies[0]!,
      },
      body: new URLSearchParams({ "hs-args": "[1]" }).toString(),
    };
    let next = 0;
    const rotating: LoadRequest = {
      ...request,
      setupRequest: (built) => ({ ...built, headers: { ...built.headers, cookie: cookies[next++ % SESSIONS]! } }),
    };
    // With the server's CPU time per answer: steadier than req/s on a busy machine.
    const measured = async (requests: LoadRequest[]): Promise<Measured> => {
      const cpuBefore = await cpuSeconds(server.pid);
      const run = await load({ url: server.url, requests, duration: DURATION_S });
      return { ...run, cpuMicrosPerRequest: ((await cpuSeconds(server.pid)) - cpuBefore) / run.requests * 1e6 };
    };

    // Warm up, and give every session its state before measuring.
    await load({ url: server.url, requests: [rotating], amount: SESSIONS, duration: 60 });
    await check(server.url, request);
    const idleRss = (await memoryOf(server.pid)).rss;
    await resetPeak(server.pid);
    const runs: Record<"one" | "many", Measured[]> = { one: [], many: [] };
    for (let round = 0; round < context.rounds; round++) {
      runs.one.push(await measured([request]));
      runs.many.push(await measured([rotating]));
    }
    return {
      one: median(runs.one.map((run) => run.rps)),
      many: median(runs.many.map((run) => run.rps)),
      cpuOne: median(runs.one.map((run) => run.cpuMicrosPerRequest)),
      cpuMany: median(runs.many.map((run) => run.cpuMicrosPerRequest)),
      peakAboveIdle: (await memoryOf(server.pid)).peak - idleRss,
      runs,
    };
  } finally {
    await stop(server.proc);
  }
}

/** One event by hand: the answer must be the re-rendered counter, not an error page. */
async function check(base: string, request: { path: string; headers: Record<string, string>; body: string }) {
  const response = await fetch(`${base}${request.path}`, { method: "POST", headers: request.headers, body: request.body, signal: AbortSignal.timeout(30_000) });
  const html = await response.text();
  if (response.status !== 200 || !/id="count"[^>]*>\d+</.test(html)) {
    throw new Error(`The increment event answered ${response.status}: ${html.slice(0, 300)}`);
  }
}
