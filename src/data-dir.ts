import { mkdirSync } from "node:fs";
import path from "node:path";

const DEFAULT_DATA_DIR = ".hyperstate";

/**
 * Where hyperstate keeps what must outlive the process (sessions, unfinished
 * uploads, temp files): env `HYPERSTATE_DATA_DIR`, default `./.hyperstate`,
 * created on demand. Not the OS temp dir: a tmpfs `/tmp` or a service's
 * private tmp is emptied on restart.
 */
export function getDataDir(): string {
  const dir = path.resolve(process.cwd(), process.env.HYPERSTATE_DATA_DIR || DEFAULT_DATA_DIR);
  mkdirSync(dir, { recursive: true });
  return dir;
}
