import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { uploadDefaults } from "../../src/upload/options";

let dataDir: string;
let previous: string | undefined;
beforeEach(() => {
  previous = process.env.HYPERSTATE_DATA_DIR;
  dataDir = mkdtempSync(join(tmpdir(), "hs-upload-options-"));
  process.env.HYPERSTATE_DATA_DIR = dataDir;
});
afterEach(() => {
  if (previous === undefined) delete process.env.HYPERSTATE_DATA_DIR;
  else process.env.HYPERSTATE_DATA_DIR = previous;
  rmSync(dataDir, { recursive: true, force: true });
});

test("upload temp files and unfinished tus uploads live under the data directory by default, not the OS temp dir", () => {
  expect(uploadDefaults().tempDir).toBe(join(dataDir, "uploads"));
});

test("an app's own tempDir wins", () => {
  expect(uploadDefaults({ tempDir: "/srv/spool" }).tempDir).toBe("/srv/spool");
});

test("every limit has a finite default", () => {
  const defaults = uploadDefaults();
  for (const key of ["maxFileSize", "maxRequestSize", "progressIntervalMs", "resumableAbove", "resumableExpiryMs"] as const) {
    expect(Number.isFinite(defaults[key])).toBe(true);
  }
});

test("by default a browser sends a tus file in one PATCH, without a checksum", () => {
  expect(uploadDefaults()).toMatchObject({ chunkSize: undefined, checksum: false });
  expect(uploadDefaults({ chunkSize: 16 * 1024 ** 2, checksum: true })).toMatchObject({ chunkSize: 16 * 1024 ** 2, checksum: true });
});
