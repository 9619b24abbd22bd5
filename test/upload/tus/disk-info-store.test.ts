// Upload info as JSON files: the conformance suite, and ids that could name other paths.

import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiskInfoStore } from "../../../src/upload/tus";
import { noteFor, uploadInfo } from "./conformance";
import { infoStoreConformance } from "./info-store.conformance";

const root = mkdtempSync(join(tmpdir(), "hs-tus-info-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

infoStoreConformance("disk", async () => {
  const directory = mkdtempSync(join(root, "store-"));
  return { store: new DiskInfoStore(directory), dispose: async () => rmSync(directory, { recursive: true, force: true }) };
});

test("delete ignores an id that would leave the directory", async () => {
  const store = new DiskInfoStore(join(root, "escape"));
  writeFileSync(join(root, "victim.json"), "{}");
  await store.delete("../victim");
  expect(existsSync(join(root, "victim.json"))).toBe(true);
});

test("list skips a save that never finished", async () => {
  const directory = join(root, "unfinished");
  const store = new DiskInfoStore(directory);
  const info = uploadInfo();
  await store.set(info);
  writeFileSync(join(directory, `${info.id}.json.abc.tmp`), "{");
  expect((await store.list()).map((listed) => listed.id)).toEqual([info.id]);
});

test("while another process saves an upload's info over and over, a reader never sees half of a save", async () => {
  const directory = join(root, "two-processes");
  const store = new DiskInfoStore(directory);
  const info = uploadInfo();
  await store.set({ ...info, metadata: { note: noteFor(0) } });
  const writer = Bun.spawn([process.execPath, join(import.meta.dir, "disk-info-writer.ts"), directory, info.id, "200"], { stderr: "inherit" });
  let reads = 0;
  while (writer.exitCode === null) {
    const read = (await store.get(info.id))!;
    expect(read.metadata.note).toBe(noteFor(read.offset));
    reads++;
  }
  expect(await writer.exited).toBe(0);
  expect(reads).toBeGreaterThan(0);
});

test("a save a crash cut short leaves no temp file once the store is opened again", async () => {
  const directory = join(root, "crashed");
  const info = uploadInfo();
  await new DiskInfoStore(directory).set(info);
  writeFileSync(join(directory, `${info.id}.json.0b3c.tmp`), '{"id":');
  const reopened = new DiskInfoStore(directory);
  expect(readdirSync(directory)).toEqual([`${info.id}.json`]);
  expect(await reopened.get(info.id)).toEqual(info);
});
