// Scenario `events`: POST /_event/CounterState.increment as htmx sends it
// (state changes, the page root comes back for the morph), from one session
// and from 1,000 sessions in turn.

import { join } from "node:path";
import { cpuSeconds, memoryOf, resetPeak, startServer, stop } from "../lib/children";
import type { BenchContext, ScenarioResult } from "../lib/context";
import type { Request as LoadRequest } from "autocannon";
import { load, sessionCookie, type Load } from "../lib/load";
import { median, type Row } from "../lib/report";

const DURATION_S = 10;
const rounds = (runs: Load[]) => runs.map((run) => run.rps.toFixed(0)).join("/");
const SESSIONS = 1000;

export async function events(context: BenchContext): Promise<ScenarioResult> {
  const server = await startServer(join(import.meta.dir, "..", "servers", "hyperstate.ts"), [join(context.workDir, "events-tmp")], {
    UPLOADED_FILES_DIR: join(context.workDir, "events-uploads"),
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
    const measured = async (requests: LoadRequest[]) => {
      const cpuBefore = await cpuSeconds(server.pid);
      const run = await load({ url: server.url, requests, duration: DURATION_S });
      return { ...run, cpuMicrosPerRequest: ((await cpuSeconds(server.pid)) - cpuBefore) / run.requests * 1e6 };
    };
    const runOne = () => measured([request]);
    const runMany = () => measured([rotating]);

    // Warm up, and give every session its state before measuring.
    await load({ url: server.url, requests: [rotating], amount: SESSIONS, duration: 60 });
    await check(server.url, request);
    const idleRss = (await memoryOf(server.pid)).rss;
    await resetPeak(server.pid);
    const runs: Record<"one" | "many", (Load & { cpuMicrosPerRequest: number })[]> = { one: [], many: [] };
    for (let round = 0; round < context.rounds; round++) {
      runs.one.push(await runOne());
      runs.many.push(await runMany());
    }
    const peakAboveIdle = (await memoryOf(server.pid)).peak - idleRss;
    const one = median(runs.one.map((run) => run.rps));
    const many = median(runs.many.map((run) => run.rps));
    const cpuOne = median(runs.one.map((run) => run.cpuMicrosPerRequest));
    const cpuMany = median(runs.many.map((run) => run.cpuMicrosPerRequest));
    const rows: Row[] = [
      { scenario: "events POST increment + morph render, 1 session", unit: "req/s", hyperstate: one, peakRss: peakAboveIdle, note: `rounds ${rounds(runs.one)}` },
      {
        scenario: `events POST increment + morph render, ${SESSIONS.toLocaleString("en-US")} sessions`,
        unit: "req/s",
        hyperstate: many,
        peer: "1 session, same server",
        peerValue: one,
        ratio: many / one,
        peakRss: peakAboveIdle,
        note: `rounds ${rounds(runs.many)}`,
      },
      {
        scenario: `events, ${SESSIONS.toLocaleString("en-US")} sessions: server CPU per answer`,
        unit: "µs CPU",
        hyperstate: cpuMany,
        peer: "1 session, same server",
        peerValue: cpuOne,
        ratio: cpuMany / cpuOne,
      },
    ];
    return { rows, details: { connections: 50, durationSeconds: DURATION_S, sessions: SESSIONS, runs, idleRss, peakAboveIdle } };
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
