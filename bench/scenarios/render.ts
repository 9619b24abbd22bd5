// Scenario `render`: GET /basic per second on the demo server, against the
// same page tree rendered by a bare Elysia route, and against the same HTML
// as a prepared string (the ceiling of Elysia + Bun.serve + this client).
// Also the server's CPU time per answer, steadier than req/s on a busy machine.

import { join } from "node:path";
import { cpuSeconds, memoryOf, resetPeak, startServer, stop, type Child } from "../lib/children";
import type { BenchContext, ScenarioResult } from "../lib/context";
import { load, sessionCookie, type Load } from "../lib/load";
import { median, type Row } from "../lib/report";

const SERVERS = join(import.meta.dir, "..", "servers");
const DURATION_S = 10;
const WARMUP_S = 2;

const COOKIE = "hyperstate, with a session cookie";
const FIRST = "hyperstate, first visits (a new session each)";
const ELYSIA = "bare Elysia, same JSX per request";
const STRING = "same HTML as a prepared string";

interface Contender {
  server: Child;
  headers?: Record<string, string>;
  idleRss: number;
  runs: (Load & { cpuMicrosPerRequest: number })[];
}

export async function render(context: BenchContext): Promise<ScenarioResult> {
  const servers: Child[] = [];
  try {
    const start = async (script: string, args: string[], env = {}) => {
      const server = await startServer(join(SERVERS, script), args, env);
      servers.push(server);
      return server;
    };
    const hyperstate = await start("hyperstate.ts", [join(context.workDir, "render-tmp")], { UPLOADED_FILES_DIR: join(context.workDir, "render-uploads") });
    const elysia = await start("bare-elysia.tsx", ["jsx"]);
    const prepared = await start("bare-elysia.tsx", ["string"]);
    const cookie = await sessionCookie(`${hyperstate.url}/basic`);
    const contenders: Record<string, Contender> = {
      [COOKIE]: { server: hyperstate, headers: { cookie }, idleRss: 0, runs: [] },
      [FIRST]: { server: hyperstate, idleRss: 0, runs: [] },
      [ELYSIA]: { server: elysia, idleRss: 0, runs: [] },
      [STRING]: { server: prepared, idleRss: 0, runs: [] },
    };
    for (const contender of Object.values(contenders)) {
      await load({ url: `${contender.server.url}/basic`, headers: contender.headers, duration: WARMUP_S });
    }
    for (const contender of Object.values(contenders)) contender.idleRss = (await memoryOf(contender.server.pid)).rss;
    await Promise.all(servers.map((server) => resetPeak(server.pid)));
    // Interleaved rounds, so the rest of the machine's noise falls on all alike.
    for (let round = 0; round < context.rounds; round++) {
      for (const { server, headers, runs } of Object.values(contenders)) {
        const cpuBefore = await cpuSeconds(server.pid);
        const run = await load({ url: `${server.url}/basic`, headers, duration: DURATION_S });
        runs.push({ ...run, cpuMicrosPerRequest: ((await cpuSeconds(server.pid)) - cpuBefore) / run.requests * 1e6 });
      }
    }
    const peaks = new Map(await Promise.all(servers.map(async (server) => [server, (await memoryOf(server.pid)).peak] as const)));
    const rps = (name: string) => median(contenders[name]!.runs.map((run) => run.rps));
    const cpu = (name: string) => median(contenders[name]!.runs.map((run) => run.cpuMicrosPerRequest));
    const rounds = (name: string) => contenders[name]!.runs.map((run) => run.rps.toFixed(0)).join("/");
    const above = (name: string) => peaks.get(contenders[name]!.server)! - contenders[name]!.idleRss;
    const rows: Row[] = [];
    for (const name of [COOKIE, FIRST]) {
      for (const peer of [ELYSIA, STRING]) {
        const ratio = rps(name) / rps(peer);
        const targeted = peer === ELYSIA && name === COOKIE;
        rows.push({
          scenario: `render GET /basic, ${name}`,
          unit: "req/s",
          hyperstate: rps(name),
          peer,
          peerValue: rps(peer),
          ratio,
          peakRss: above(name),
          peerPeakRss: above(peer),
          note: `rounds ${rounds(name)} vs ${rounds(peer)}`,
          ...(targeted ? { target: "≥ 0.80 of bare Elysia", met: ratio >= 0.8 } : {}),
        });
      }
      const cpuRatio = cpu(name) / cpu(ELYSIA);
      rows.push({
        scenario: `render GET /basic, ${name}: server CPU per answer`,
        unit: "µs CPU",
        hyperstate: cpu(name),
        peer: ELYSIA,
        peerValue: cpu(ELYSIA),
        ratio: cpuRatio,
        note: `prepared string: ${cpu(STRING).toFixed(0)} µs`,
        ...(name === COOKIE ? { target: "≤ 1.25 × bare (= ≥ 0.80 of its throughput)", met: cpuRatio <= 1.25 } : {}),
      });
    }
    const details = Object.fromEntries(Object.entries(contenders).map(([name, c]) => [name, { runs: c.runs, idleRss: c.idleRss, peakAboveIdle: above(name) }]));
    return { rows, details: { connections: 50, durationSeconds: DURATION_S, ...details } };
  } finally {
    await Promise.all(servers.map((server) => stop(server.proc)));
  }
}
