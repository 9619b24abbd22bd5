// What every tus info store does: the disk store and the Redis store run this suite.

import { describe, expect, test } from "bun:test";
import type { TusInfoStore } from "../../../src/upload/tus";
import { newUploadId, noteFor, openPerTest, uploadInfo, type StoreFactory } from "./conformance";

export function infoStoreConformance(backend: string, open: StoreFactory<TusInfoStore>): void {
  describe(`${backend} tus info store (conformance)`, () => {
    const newStore = openPerTest(open);

    test("answers undefined for an upload it never stored", async () => {
      const store = await newStore();
      expect(await store.get(newUploadId())).toBeUndefined();
    });

    test("answers undefined for an id that is not an upload id, without failing", async () => {
      const store = await newStore();
      expect(await store.get("../../etc/passwd")).toBeUndefined();
      expect(await store.get("")).toBeUndefined();
    });

    test("gives back the info it stored, every field", async () => {
      const store = await newStore();
      const info = uploadInfo({ metadata: { filename: "ünï cödé.txt", empty: "" }, owner: { session: "s1", batch: "b1" } });
      await store.set(info);
      expect(await store.get(info.id)).toEqual(info);
    });

    test("a second set replaces the info whole", async () => {
      const store = await newStore();
      const info = uploadInfo({ owner: { session: "s1", batch: "b1" } });
      await store.set(info);
      await store.set({ ...info, offset: 7, owner: { session: "s1" } });
      expect(await store.get(info.id)).toEqual({ ...info, offset: 7, owner: { session: "s1" } });
    });

    test("a reader never sees half of a write, while writes of infos of changing size run", async () => {
      const store = await newStore();
      const info = uploadInfo();
      await store.set({ ...info, metadata: { note: noteFor(0) } });
      let writing = true;
      const writer = (async () => {
        for (let offset = 0; offset < 30; offset++) await store.set({ ...info, offset, metadata: { note: noteFor(offset) } });
        writing = false;
      })();
      while (writing) {
        const read = (await store.get(info.id))!;
        expect(read.metadata.note).toBe(noteFor(read.offset));
      }
      await writer;
    });

    test("delete forgets the info, and deleting an unknown upload is no error", async () => {
      const store = await newStore();
      const info = uploadInfo();
      await store.set(info);
      await store.delete(info.id);
      await store.delete(newUploadId());
      expect(await store.get(info.id)).toBeUndefined();
    });

    test("list returns every stored upload and none that was deleted", async () => {
      const store = await newStore();
      const [a, b, c] = [uploadInfo(), uploadInfo(), uploadInfo()];
      for (const info of [a!, b!, c!]) await store.set(info);
      await store.delete(b!.id);
      const listed = await store.list();
      expect(listed.map((info) => info.id).sort()).toEqual([a!.id, c!.id].sort());
      expect(listed.find((info) => info.id === a!.id)).toEqual(a!);
    });
  });
}
