// Preloaded by bun test (bunfig.toml): every test run keeps its default
// session database in a fresh temp dir, never in a leftover ./.hyperstate,
// and child processes the tests start inherit it. A REDIS_URL from the
// shell is dropped, so no test talks to a Redis it did not start.

import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

delete process.env.REDIS_URL;

if (!process.env.HYPERSTATE_DATA_DIR) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hs-test-data-"));
  process.env.HYPERSTATE_DATA_DIR = dir;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
}
