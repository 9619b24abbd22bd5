// What every upload storage does, whatever keeps the files: the upload
// directory, a bucket. Each backend's test file calls this with a factory.

import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileSource, type UploadSource } from "../../../src/upload/storage/source";
import type { UploadStorage } from "../../../src/upload/storage/storage";

/** A new, empty storage; `dispose` removes what it kept. */
export type StorageFactory = () => Promise<{ storage: UploadStorage; dispose(): Promise<void> }>;

export function uploadStorageConformance(backend: string, open: StorageFactory): void {
  describe(`${backend} upload storage (conformance)`, () => {
    const disposals: (() => Promise<void>)[] = [];
    const spool = mkdtempSync(join(tmpdir(), "hs-storage-spool-"));
    afterEach(async () => {
      for (const dispose of disposals.splice(0)) await dispose();
    });
    afterAll(() => rmSync(spool, { recursive: true, force: true }));

    const newStorage = async () => {
      const opened = await open();
      disposals.push(opened.dispose);
      return opened.storage;
    };
    /** A spooled temp file, as an upload leaves one. */
    const spooled = (content: string): UploadSource => {
      const path = join(spool, `upload-${crypto.randomUUID()}`);
      writeFileSync(path, content);
      return fileSource(path);
    };
    const read = async (storage: UploadStorage, key: string) => {
      const stored = await storage.open(key.split("/"));
      return stored && { text: await stored.blob.text(), size: stored.size };
    };

    test("keeps a file under its key and serves it back with its size", async () => {
      const storage = await newStorage();
      expect(await storage.save("notes.txt", spooled("hello notes"))).toBe("notes.txt");
      expect(await read(storage, "notes.txt")).toEqual({ text: "hello notes", size: 11 });
    });

    test("keeps folders in a key", async () => {
      const storage = await newStorage();
      expect(await storage.save("photos/2024/a.txt", spooled("deep"))).toBe("photos/2024/a.txt");
      expect(await read(storage, "photos/2024/a.txt")).toEqual({ text: "deep", size: 4 });
    });

    test("makes a hostile key safe and answers with the key it used", async () => {
      const storage = await newStorage();
      expect(await storage.save("../../../etc/passwd", spooled("contained"))).toBe("etc/passwd");
      expect(await read(storage, "etc/passwd")).toEqual({ text: "contained", size: 9 });
    });

    test("never opens anything above itself", async () => {
      const storage = await newStorage();
      await storage.save("inside.txt", spooled("inside"));
      expect(await storage.open(["..", "inside.txt"])).toBeUndefined();
      expect(await storage.open(["..", "..", "etc", "passwd"])).toBeUndefined();
    });

    test("a second save under one key replaces the first", async () => {
      const storage = await newStorage();
      await storage.save("same.txt", spooled("first"));
      await storage.save("same.txt", spooled("second, longer"));
      expect(await read(storage, "same.txt")).toEqual({ text: "second, longer", size: 14 });
    });

    test("keeps bytes that come as a Blob from elsewhere, and frees them", async () => {
      const storage = await newStorage();
      let freed = 0;
      await storage.save("remote.bin", { blob: new Blob([new Uint8Array([1, 2, 3])]), discard: async () => void freed++ });
      const stored = await storage.open(["remote.bin"]);
      expect([...new Uint8Array(await stored!.blob.arrayBuffer())]).toEqual([1, 2, 3]);
      expect(freed).toBe(1);
    });

    test("answers undefined for a key it never kept", async () => {
      const storage = await newStorage();
      expect(await storage.open(["missing.txt"])).toBeUndefined();
    });

    test("serves a byte range through the blob", async () => {
      const storage = await newStorage();
      await storage.save("letters.txt", spooled("abcdefghij"));
      const stored = await storage.open(["letters.txt"]);
      expect(await stored!.blob.slice(2, 5).text()).toBe("cde");
    });

    test("tells when the file was last changed", async () => {
      const storage = await newStorage();
      const before = Date.now() - 2000;
      await storage.save("dated.txt", spooled("dated"));
      const stored = await storage.open(["dated.txt"]);
      expect(stored!.lastModified.getTime()).toBeGreaterThan(before);
    });

    test("deletes a kept file, and deleting a missing one is no error", async () => {
      const storage = await newStorage();
      await storage.save("gone.txt", spooled("gone"));
      await storage.delete("gone.txt");
      expect(await storage.open(["gone.txt"])).toBeUndefined();
      await storage.delete("never.txt");
    });
  });
}
