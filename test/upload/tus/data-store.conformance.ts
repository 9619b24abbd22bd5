// What every tus data store does: the disk store and the S3 store run this suite.
// The info's offset is the truth about how many stored bytes count; the
// store is told it on every append.

import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { ERRORS, TusError, type TusDataStore, type TusUploadInfo } from "../../../src/upload/tus";
import { openPerTest, uploadInfo, type StoreFactory } from "./conformance";

const text = (value: string) => new TextEncoder().encode(value);
const contentOf = async (store: TusDataStore, id: string) => (await store.read(id)).text();

/** Appends `chunks` at `info.offset` in one writer and returns the info with the offset moved past them. */
async function appendAll(store: TusDataStore, info: TusUploadInfo, chunks: Uint8Array[]): Promise<TusUploadInfo> {
  const writer = await store.append(info);
  let offset = info.offset;
  for (const chunk of chunks) {
    await writer.write(chunk);
    offset += chunk.length;
  }
  await writer.finish();
  return { ...info, offset };
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error) => error,
  );
}

export function dataStoreConformance(backend: string, open: StoreFactory<TusDataStore>): void {
  describe(`${backend} tus data store (conformance)`, () => {
    const newStore = openPerTest(open);

    test("create stores an empty upload, and refuses to create it twice", async () => {
      const store = await newStore();
      const info = uploadInfo();
      await store.create(info.id);
      expect(await store.exists(info.id)).toBe(true);
      expect(await store.readHead(info.id, 10)).toEqual(new Uint8Array());
      expect(await refusal(store.create(info.id))).toBeInstanceOf(Error);
    });

    test("an upload of length 0 reads as no bytes", async () => {
      const store = await newStore();
      const info = uploadInfo({ length: 0 });
      await store.create(info.id);
      expect(await contentOf(store, info.id)).toBe("");
    });

    test("an upload never created does not exist", async () => {
      const store = await newStore();
      expect(await store.exists(uploadInfo().id)).toBe(false);
    });

    test("writers append in turn at the info's offset", async () => {
      const store = await newStore();
      let info = uploadInfo({ length: 9 });
      await store.create(info.id);
      info = await appendAll(store, info, [text("abc"), text("def")]);
      info = await appendAll(store, info, [text("ghi")]);
      expect(info.offset).toBe(9);
      expect(await contentOf(store, info.id)).toBe("abcdefghi");
    });

    test("bytes stored past the recorded offset are dropped by the next writer", async () => {
      const store = await newStore();
      const info = uploadInfo({ length: 6 });
      await store.create(info.id);
      // A crash: "XY" were stored, but the info was saved with offset 3 only.
      await appendAll(store, info, [text("abcXY")]);
      await appendAll(store, { ...info, offset: 3 }, [text("def")]);
      expect(await contentOf(store, info.id)).toBe("abcdef");
    });

    test("discard cuts the bytes back to where the writer started", async () => {
      const store = await newStore();
      let info = uploadInfo({ length: 9 });
      await store.create(info.id);
      info = await appendAll(store, info, [text("abc")]);
      const writer = await store.append(info);
      await writer.write(text("def"));
      await writer.write(text("gh"));
      await writer.discard();
      expect(Buffer.from(await store.readHead(info.id, 100)).toString()).toBe("abc");
      await appendAll(store, info, [text("DEF")]);
      expect(Buffer.from(await store.readHead(info.id, 100)).toString()).toBe("abcDEF");
    });

    test("a writer on an upload whose bytes are gone, or fewer than its offset, is refused with 410", async () => {
      const store = await newStore();
      const never = uploadInfo();
      const gone = await refusal(store.append(never));
      expect(gone).toBeInstanceOf(TusError);
      expect((gone as TusError).status).toBe(ERRORS.dataGone.status);

      const short = uploadInfo({ length: 9 });
      await store.create(short.id);
      await appendAll(store, short, [text("ab")]);
      const error = console.error;
      console.error = () => {};
      try {
        expect(((await refusal(store.append({ ...short, offset: 5 }))) as TusError).status).toBe(ERRORS.dataGone.status);
      } finally {
        console.error = error;
      }
      expect(await store.exists(never.id)).toBe(false);
    });

    test("readHead gives the first bytes across writers, and fewer when fewer are stored", async () => {
      const store = await newStore();
      let info = uploadInfo({ length: 9 });
      await store.create(info.id);
      info = await appendAll(store, info, [text("abc")]);
      info = await appendAll(store, info, [text("def")]);
      expect(Buffer.from(await store.readHead(info.id, 4)).toString()).toBe("abcd");
      expect(Buffer.from(await store.readHead(info.id, 100)).toString()).toBe("abcdef");
    });

    test("bytes stay identical across writers of uneven sizes, megabytes long", async () => {
      const store = await newStore();
      const MiB = 1024 * 1024;
      const whole = crypto.getRandomValues(new Uint8Array(64 * 1024));
      const source = Buffer.concat(Array.from({ length: 12 * 16 + 5 }, () => whole)).subarray(0, 12 * MiB + 123);
      let info = uploadInfo({ length: source.length });
      await store.create(info.id);
      const cuts = [0, 3 * MiB + 7, 9 * MiB, source.length];
      for (let i = 0; i + 1 < cuts.length; i++) {
        const part = source.subarray(cuts[i], cuts[i + 1]);
        info = await appendAll(store, info, [part.subarray(0, 100), part.subarray(100)]);
      }
      const stored = new Uint8Array(await (await store.read(info.id)).arrayBuffer());
      expect(stored.length).toBe(source.length);
      expect(createHash("sha256").update(stored).digest("hex")).toBe(createHash("sha256").update(source).digest("hex"));
    });

    test("delete removes the bytes, a later writer is refused, and deleting an unknown upload is no error", async () => {
      const store = await newStore();
      const info = uploadInfo({ length: 3 });
      await store.create(info.id);
      await appendAll(store, info, [text("abc")]);
      await store.delete(info.id);
      await store.delete(uploadInfo().id);
      expect(await store.exists(info.id)).toBe(false);
      expect(((await refusal(store.append({ ...info, offset: 0 }))) as TusError).status).toBe(ERRORS.dataGone.status);
    });
  });
}
