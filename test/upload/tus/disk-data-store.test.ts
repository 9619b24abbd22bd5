// Upload bytes as data files: the conformance suite, and ids that could name other paths.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiskDataStore } from "../../../src/upload/tus";
import { dataStoreConformance } from "./data-store.conformance";

const root = mkdtempSync(join(tmpdir(), "hs-tus-data-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

dataStoreConformance("disk", async () => {
  const directory = mkdtempSync(join(root, "store-"));
  return { store: new DiskDataStore(directory), dispose: async () => rmSync(directory, { recursive: true, force: true }) };
});

test("localPath refuses an id that would leave the directory", () => {
  expect(() => new DiskDataStore(join(root, "escape")).localPath("../victim")).toThrow(TypeError);
});
