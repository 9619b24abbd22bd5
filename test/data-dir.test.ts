import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { getDataDir } from "../src/data-dir";

const saved = process.env.HYPERSTATE_DATA_DIR;
const cwd = process.cwd();
afterEach(() => {
  process.env.HYPERSTATE_DATA_DIR = saved;
  process.chdir(cwd);
});

describe("getDataDir", () => {
  test("is HYPERSTATE_DATA_DIR, created when missing", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "hs-data-dir-"));
    process.env.HYPERSTATE_DATA_DIR = path.join(root, "nested", "data");
    expect(getDataDir()).toBe(path.join(root, "nested", "data"));
    expect(existsSync(path.join(root, "nested", "data"))).toBe(true);
    rmSync(root, { recursive: true });
  });

  test("without HYPERSTATE_DATA_DIR is ./.hyperstate in the working directory, not the OS temp dir", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "hs-data-dir-"));
    delete process.env.HYPERSTATE_DATA_DIR;
    process.chdir(root);
    expect(getDataDir()).toBe(path.join(root, ".hyperstate"));
    expect(existsSync(path.join(root, ".hyperstate"))).toBe(true);
    rmSync(root, { recursive: true });
  });
});
