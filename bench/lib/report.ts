// The suite's one output: a table on stdout and the same rows as JSON in
// bench/results/<ISO date>.json, with the machine they ran on.

import { cpus, freemem, loadavg, totalmem } from "node:os";
import { join } from "node:path";

/** One line of the table: hyperstate against a baseline or peer measured in the same run. */
export interface Row {
  scenario: string;
  /** What the numbers are: "MB/s", "req/s", "ms", "bytes gz", "MiB". */
  unit: string;
  hyperstate: number;
  /** The baseline or peer's name; absent where there is none. */
  peer?: string;
  peerValue?: number;
  /** hyperstate / peer (for times and sizes, a lower ratio is better). */
  ratio?: number;
  /** Peak RSS above idle, in bytes, of hyperstate's server and the peer's. */
  peakRss?: number;
  peerPeakRss?: number;
  /** The target, in words, and whether this run met it. */
  target?: string;
  met?: boolean;
  note?: string;
}

export const median = (values: number[]) => percentile(values, 50);

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const MiB = 1024 * 1024;

const number = (value: number | undefined, unit = "") => {
  if (value === undefined || Number.isNaN(value)) return "";
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })}${unit}`;
};
const mib = (bytes: number | undefined) => (bytes === undefined ? "" : `${(bytes / MiB).toFixed(1)} MiB`);

/** The table, as plain aligned text. */
export function formatTable(rows: Row[]): string {
  const header = ["scenario", "unit", "hyperstate", "baseline or peer", "value", "ratio", "peak RSS hs / peer (above idle)", "target", "note"];
  const lines = rows.map((row) => [
    row.scenario,
    row.unit,
    number(row.hyperstate),
    row.peer ?? "",
    number(row.peerValue),
    row.ratio === undefined ? "" : row.ratio.toFixed(2),
    row.peakRss === undefined && row.peerPeakRss === undefined ? "" : `${mib(row.peakRss)} / ${mib(row.peerPeakRss) || "-"}`,
    row.target ? `${row.target}: ${row.met ? "met" : "MISSED"}` : "",
    row.note ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i]!.length)));
  const format = (cells: string[]) => cells.map((cell, i) => (i >= 2 && i <= 5 && i !== 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ").trimEnd();
  return [format(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(format)].join("\n");
}

export async function machine() {
  const bunVersion = Bun.version;
  const cpuinfo = await Bun.file("/proc/cpuinfo").text().catch(() => "");
  return {
    nproc: navigator.hardwareConcurrency,
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? "unknown",
    memoryGiB: Number((totalmem() / 1024 ** 3).toFixed(1)),
    freeMemoryGiB: Number((freemem() / 1024 ** 3).toFixed(1)),
    bun: bunVersion,
    loadavgAtStart: loadavg().map((load) => Number(load.toFixed(2))),
  };
}

/** Writes bench/results/<ISO date>.json and returns its path. */
export async function writeResults(rows: Row[], details: Record<string, unknown>, info: Awaited<ReturnType<typeof machine>>, command: string): Promise<string> {
  const date = new Date().toISOString();
  const path = join(import.meta.dir, "..", "results", `${date.replace(/:/g, "-")}.json`);
  await Bun.write(path, JSON.stringify({ date, command, machine: { ...info, loadavgAtEnd: loadavg() }, rows, details }, null, 2) + "\n");
  return path;
}
