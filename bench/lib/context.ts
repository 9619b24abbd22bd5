// What every scenario is given: a temp folder for this run (removed at the
// end) and the random source files the upload scenarios send.

import { randomFillSync } from "node:crypto";
import { statfs } from "node:fs/promises";
import { join } from "node:path";
import type { Row } from "./report";

export interface BenchContext {
  /** A fresh folder under os.tmpdir(), removed when the run ends. */
  workDir: string;
  /** Times each measurement is repeated (its median is reported). */
  rounds: number;
  /** A file of `bytes` random bytes, made once per run. */
  sourceFile(bytes: number): Promise<string>;
}

export interface ScenarioResult {
  rows: Row[];
  /** Raw figures behind the rows, kept in the JSON. */
  details: unknown;
}

export type Scenario = (context: BenchContext) => Promise<ScenarioResult>;

export function benchContext(workDir: string, rounds: number): BenchContext {
  const made = new Map<number, Promise<string>>();
  return {
    workDir,
    rounds,
    sourceFile(bytes) {
      let file = made.get(bytes);
      if (!file) made.set(bytes, (file = randomFile(join(workDir, `source-${bytes}.bin`), bytes)));
      return file;
    },
  };
}

/** Refuses to start when the disk under `dir` has less than `bytes` free. */
export async function requireFreeDisk(dir: string, bytes: number): Promise<void> {
  const { bavail, bsize } = await statfs(dir);
  const free = bavail * bsize;
  if (free < bytes) {
    throw new Error(`${dir} has ${(free / 1024 ** 3).toFixed(1)} GiB free; this scenario needs ${(bytes / 1024 ** 3).toFixed(1)} GiB`);
  }
}

async function randomFile(path: string, bytes: number): Promise<string> {
  // Random bytes, not zeros: nothing on the way may compress or skip them,
  // and the multipart parser meets CRs and dashes as in real files.
  const writer = Bun.file(path).writer();
  const chunk = Buffer.alloc(16 * 1024 * 1024);
  for (let written = 0; written < bytes; written += chunk.length) {
    randomFillSync(chunk);
    writer.write(chunk.subarray(0, Math.min(chunk.length, bytes - written)));
    await writer.flush();
  }
  await writer.end();
  return path;
}
