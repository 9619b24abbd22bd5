// The disk store on its own: ids that could name other paths, and what it lists.

import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TusStore, type TusUploadInfo } from "../../../src/upload/tus";

const root = mkdtempSync(join(tmpdir(), "hs-tus-store-"));
const store = new TusStore(join(root, "store"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const upload = (id: string): TusUploadInfo => ({ id, length: 3, offset: 0, metadata: {}, createdAt: 0, expiresAt: 1, owner: {} });

test("delete ignores an id that would leave the directory", async () => {
  writeFileSync(join(root, "victim.json"), "{}");
  expect(await store.delete("../victim")).toBeUndefined();
  expect(existsSync(join(root, "victim.json"))).toBe(true);
});

test("dataPath refuses an id that would leave the directory", () => {
  expect(() => store.dataPath("../victim")).toThrow(TypeError);
});

test("list returns the stored uploads and skips a save that never finished", async () => {
  await store.create(upload("listedUpload0000"));
  writeFileSync(join(root, "store", "listedUpload0000.json.abc.tmp"), "{");
  expect((await store.list()).map((info) => info.id)).toEqual(["listedUpload0000"]);
});

test("an id is random and matches the id pattern", () => {
  const first = store.newId();
  expect(first).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
  expect(store.newId()).not.toBe(first);
});
