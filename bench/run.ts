// The benchmark suite. Every figure is a ratio against a baseline measured
// in the same run, on the same machine, at the same time.
//
//   bun run bench                       every scenario
//   bun run bench multipart render      some of them
//   bun run bench -- --rounds 1         fewer repeats (default 3, median reported)
//   bun run bench tus -- --size 64      tus with a 64 MiB file (default 1 GiB)
//   bun run bench browser -- --size 256 Chromium through /basic, one resumable size (default 256 MiB and 1 GiB)
//
// Servers run as child processes on 127.0.0.1 and are killed at the end;
// temp files live in one folder under os.tmpdir(), removed at the end.

import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killAll, stopAll } from "./lib/children";
import { benchContext, type Scenario } from "./lib/context";
import { formatTable, machine, writeResults, type Row } from "./lib/report";
import { browser } from "./scenarios/browser";
import { events } from "./scenarios/events";
import { multipart } from "./scenarios/multipart";
import { render } from "./scenarios/render";
import { sse } from "./scenarios/sse";
import { tus } from "./scenarios/tus";
import { weight } from "./scenarios/weight";

const SCENARIOS: Record<string, Scenario> = { multipart, tus, browser, render, events, sse, weight };

const args = process.argv.slice(2);
const roundsAt = args.indexOf("--rounds");
const rounds = roundsAt === -1 ? 3 : Number(args[roundsAt + 1]);
// Options that take a value; `--size` (MiB) is read by the tus and browser scenarios themselves.
const WITH_VALUE = new Set(["--rounds", "--size"]);
const names = args.filter((arg, i) => !arg.startsWith("--") && !WITH_VALUE.has(args[i - 1] ?? ""));
const unknown = names.filter((name) => !(name in SCENARIOS));
if (unknown.length || !(rounds >= 1)) {
  console.error(`usage: bun run bench [${Object.keys(SCENARIOS).join("|")} ...] [--rounds N] [--size MiB]` + (unknown.length ? `\nunknown scenario: ${unknown.join(", ")}` : ""));
  process.exit(2);
}
const chosen = names.length ? names : Object.keys(SCENARIOS);

const info = await machine();
console.log(`${info.nproc} × ${info.cpu}, ${info.memoryGiB} GiB, Bun ${info.bun}, load ${info.loadavgAtStart.join(" ")}`);
const workDir = await mkdtemp(join(tmpdir(), "hyperstate-bench-"));
// Servers keep their default session database in the run's folder, never in ./.hyperstate.
process.env.HYPERSTATE_DATA_DIR = join(workDir, "data");
// Ctrl-C or a kill: the servers and the temp files go too.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killAll();
    rmSync(workDir, { recursive: true, force: true });
    process.exit(130);
  });
}
process.on("exit", killAll);
const rows: Row[] = [];
const details: Record<string, unknown> = {};
let failed = false;
try {
  const context = benchContext(workDir, rounds);
  for (const name of chosen) {
    const started = performance.now();
    console.log(`\n${name}…`);
    try {
      const result = await SCENARIOS[name]!(context);
      rows.push(...result.rows);
      details[name] = result.details;
      console.log(formatTable(result.rows));
    } catch (error) {
      failed = true;
      details[name] = { error: String((error as Error)?.stack ?? error) };
      console.error(`${name} failed:`, error);
    } finally {
      await stopAll();
    }
    console.log(`${name}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
} finally {
  await stopAll();
  await rm(workDir, { recursive: true, force: true });
}

console.log(`\n${formatTable(rows)}`);
const path = await writeResults(rows, details, info, `bun run bench ${args.join(" ")}`.trim());
console.log(`\nwritten to ${path}`);
if (failed) process.exit(1);
