// Two tus handlers sharing one Redis (info and leases) and one data
// directory, as two instances would: any request may reach either.

import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTusHandler, type TusHandler } from "../../../src/upload/tus";
import { RedisInfoStore } from "../../../src/upload/tus/redis-info-store";
import { RedisLocker } from "../../../src/upload/tus/redis-locker";
import { startRedis, type RedisServer } from "../../support/redis";
import { BASE_PATH, bytes, createUpload, headOffset, idOf, patchRequest, tusRequest } from "./tus-client";

let redis: RedisServer;
let directory: string;
let prefixes = 0;
const opened: { tus: TusHandler; close(): Promise<void> }[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.close());
afterEach(async () => {
  for (const instance of opened.splice(0)) await instance.close();
  rmSync(directory, { recursive: true, force: true });
});

/** `count` handlers on one Redis prefix and one data directory. */
async function instances(count: number, url = redis.url): Promise<TusHandler[]> {
  directory = mkdtempSync(join(tmpdir(), "hs-tus-instances-"));
  const prefix = `instances${++prefixes}:`;
  const handlers: TusHandler[] = [];
  for (let i = 0; i < count; i++) {
    const info = new RedisInfoStore({ url, prefix, source: "REDIS_URL" });
    const locker = new RedisLocker({ url, prefix, source: "REDIS_URL" });
    await Promise.all([info.ready, locker.ready]);
    const tus = createTusHandler({ directory, stores: { info, locker }, basePath: BASE_PATH, sweepIntervalMs: 0, hooks: { onCreate: async () => ({}) } });
    opened.push({ tus, close: () => (tus.close(), tus.store.close()) });
    handlers.push(tus);
  }
  return handlers;
}

/** A body that sends "abc" and then nothing until `finish` is called. */
function heldBody() {
  let finish!: () => void;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(bytes("abc"));
      await new Promise<void>((resolve) => (finish = resolve));
      controller.enqueue(bytes("def"));
      controller.close();
    },
  });
  return { body, finish: () => finish() };
}

describe("tus on two instances sharing Redis", () => {
  test("an upload created on one instance resumes on the other from the offset it stored", async () => {
    const [one, two] = await instances(2);
    const location = await createUpload(one!, 6);
    expect((await one!.handle(patchRequest(location, 0, bytes("abc")))).status).toBe(204);
    expect(await headOffset(two!, location)).toBe(3);
    const response = await two!.handle(patchRequest(location, 3, bytes("def")));
    expect(response.headers.get("Upload-Offset")).toBe("6");
    expect(readFileSync(join(directory, idOf(location)), "utf8")).toBe("abcdef");
  });

  test("a PATCH on one instance while the other writes the upload answers 423", async () => {
    const [one, two] = await instances(2);
    const location = await createUpload(one!, 6);
    const { body, finish } = heldBody();
    const first = one!.handle(patchRequest(location, 0, body));
    await Bun.sleep(50);
    expect((await two!.handle(patchRequest(location, 0, bytes("xyz")))).status).toBe(423);
    finish();
    expect((await first).status).toBe(204);
    expect(readFileSync(join(directory, idOf(location)), "utf8")).toBe("abcdef");
  });

  test("a DELETE on one instance stops a PATCH running on the other: 410 there, 204 here, nothing left", async () => {
    const [one, two] = await instances(2);
    const location = await createUpload(one!, 6);
    const { body } = heldBody();
    const patch = one!.handle(patchRequest(location, 0, body));
    await Bun.sleep(50);
    expect((await two!.handle(tusRequest("DELETE", location))).status).toBe(204);
    const stopped = await patch;
    expect(stopped.status).toBe(410);
    expect(await stopped.text()).toContain("terminated");
    expect(readdirSync(directory)).toEqual([]);
    expect((await one!.handle(tusRequest("HEAD", location))).status).toBe(404);
  });
});

describe("tus while Redis is away", () => {
  test("creation, HEAD and PATCH answer 503 naming REDIS_URL, leave nothing behind, and the upload goes on once Redis is back", async () => {
    const server = await startRedis();
    try {
      const [tus] = await instances(1, server.url);
      const location = await createUpload(tus!, 6);
      expect((await tus!.handle(patchRequest(location, 0, bytes("abc")))).status).toBe(204);
      await server.stop({ save: true });
      const error = console.error;
      console.error = () => {};
      try {
        const created = await tus!.handle(tusRequest("POST", BASE_PATH, { "Upload-Length": "5" }));
        expect(created.status).toBe(503);
        expect(await created.text()).toContain("REDIS_URL");
        expect(readdirSync(directory)).toEqual([idOf(location)]);
        expect((await tus!.handle(tusRequest("HEAD", location))).status).toBe(503);
        expect((await tus!.handle(patchRequest(location, 3, bytes("def")))).status).toBe(503);
        expect(readFileSync(join(directory, idOf(location)), "utf8")).toBe("abc");
        await server.start();
        let offset = NaN;
        for (let tries = 0; tries < 100 && Number.isNaN(offset); tries++) {
          const head = await tus!.handle(tusRequest("HEAD", location));
          if (head.status === 200) offset = Number(head.headers.get("Upload-Offset"));
          else await Bun.sleep(50);
        }
        expect(offset).toBe(3);
      } finally {
        console.error = error;
      }
      expect((await tus!.handle(patchRequest(location, 3, bytes("def")))).headers.get("Upload-Offset")).toBe("6");
    } finally {
      await server.close();
    }
  }, 20_000);
});
