// Upload bytes in a bucket: the conformance suite against the s3rver
// emulator through Bun's S3 client, the pieces as S3 sees them, and a
// bucket that refuses writes.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTusHandler } from "../../../src/upload/tus";
import { S3DataStore } from "../../../src/upload/tus/s3-data-store";
import { startS3, type S3Server } from "../../support/s3";
import { uploadInfo } from "./conformance";
import { dataStoreConformance } from "./data-store.conformance";
import { BASE_PATH, bytes, createUpload, headOffset, idOf, patchRequest } from "./tus-client";

const MiB = 1024 * 1024;
let s3: S3Server;
let prefixes = 0;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(() => s3.close());

const newStore = (prefix = `tus${++prefixes}/`) => new S3DataStore({ client: s3.client, bucket: s3.options.bucket, prefix, partSize: 5 * MiB });
const keysUnder = async (prefix: string) => ((await s3.client.list({ prefix })).contents ?? []).map((object) => [object.key.slice(prefix.length).replace(/-[0-9a-f-]{36}$/, ""), object.size]);

dataStoreConformance("S3", async () => ({ store: newStore(), dispose: async () => {} }));

describe("S3DataStore", () => {
  test("keeps parts of the part size and a shorter tail until the last byte, then one object and nothing else", async () => {
    const prefix = `pieces${++prefixes}/`;
    const store = newStore(prefix);
    const source = crypto.getRandomValues(new Uint8Array(64 * 1024));
    const whole = Buffer.concat(Array.from({ length: 176 }, () => source)); // 11 MiB
    let info = uploadInfo({ length: whole.length });
    await store.create(info.id);
    const writer = await store.append(info);
    await writer.write(whole.subarray(0, 7 * MiB));
    await writer.finish();
    info = { ...info, offset: 7 * MiB };
    const under = `${prefix}${info.id}/`;
    expect((await keysUnder(under)).sort()).toEqual([["manifest.json", expect.any(Number)], ["part", 5 * MiB], ["tail", 2 * MiB]].sort());
    expect(await s3.client.exists(store.dataKey(info.id))).toBe(false);

    const last = await store.append(info);
    await last.write(whole.subarray(7 * MiB));
    await last.finish();
    expect(await keysUnder(under)).toEqual([["data", whole.length], ["manifest.json", expect.any(Number)]]);
    expect(Buffer.compare(await (await store.read(info.id)).bytes(), whole)).toBe(0);
  });

  test("delete removes every object of the upload", async () => {
    const prefix = `delete${++prefixes}/`;
    const store = newStore(prefix);
    const info = uploadInfo({ length: 6 * MiB });
    await store.create(info.id);
    const writer = await store.append(info);
    await writer.write(new Uint8Array(5 * MiB + 10));
    await writer.finish();
    await store.delete(info.id);
    expect(await keysUnder(prefix)).toEqual([]);
  });

  test("a PATCH the bucket refuses answers 503 with a message, counts none of its bytes, and shows no object as complete", async () => {
    const server = await startS3("refusing");
    const directory = mkdtempSync(join(tmpdir(), "hs-tus-s3-"));
    const data = new S3DataStore({ client: server.client, bucket: "refusing", partSize: 5 * MiB });
    const tus = createTusHandler({ directory, stores: { data }, basePath: BASE_PATH, sweepIntervalMs: 0, hooks: { onCreate: async () => ({}) } });
    try {
      const location = await createUpload(tus, 6);
      expect((await tus.handle(patchRequest(location, 0, bytes("abc")))).status).toBe(204);
      await server.stop();
      const refused = await tus.handle(patchRequest(location, 3, bytes("def")));
      expect(refused.status).toBe(503);
      expect(await refused.text()).toContain('The upload storage (bucket "refusing") refused to');
      expect(await headOffset(tus, location)).toBe(3);
      await server.start();
      expect(await server.client.exists(data.dataKey(idOf(location)))).toBe(false);
      const resumed = await tus.handle(patchRequest(location, 3, bytes("def")));
      expect(resumed.headers.get("Upload-Offset")).toBe("6");
      expect(await (await data.read(idOf(location))).text()).toBe("abcdef");
    } finally {
      tus.close();
      rmSync(directory, { recursive: true, force: true });
      await server.close();
    }
  });
});
