// Upload info in Redis: the conformance suite against Debian's redis-server, each test under its own prefix.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { RedisInfoStore } from "../../../src/upload/tus/redis-info-store";
import { startRedis, type RedisServer } from "../../support/redis";
import { uploadInfo } from "./conformance";
import { infoStoreConformance } from "./info-store.conformance";

let redis: RedisServer;
let prefixes = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.close());

async function newStore(prefix = `info${++prefixes}:`): Promise<RedisInfoStore> {
  const store = new RedisInfoStore({ url: redis.url, prefix });
  await store.ready;
  return store;
}

infoStoreConformance("Redis", async () => {
  const store = await newStore();
  return { store, dispose: async () => store.close() };
});

test("two instances on one Redis see each other's uploads", async () => {
  const [one, two] = [await newStore("shared:"), await newStore("shared:")];
  const info = uploadInfo();
  await one.set(info);
  expect(await two.get(info.id)).toEqual(info);
  expect((await two.list()).map((listed) => listed.id)).toEqual([info.id]);
  await two.delete(info.id);
  expect(await one.get(info.id)).toBeUndefined();
  one.close();
  two.close();
});

test("while Redis is away, reads and writes fail with a 503 that names REDIS_URL, and work again once it is back", async () => {
  const server = await startRedis();
  const store = new RedisInfoStore({ url: server.url, source: "REDIS_URL", prefix: "away:" });
  await store.ready;
  const info = uploadInfo();
  await store.set(info);
  await server.stop({ save: true });
  const error = console.error;
  console.error = () => {};
  try {
    const failure = (await store.get(info.id).catch((caught) => caught)) as { status: number; message: string };
    expect(failure.status).toBe(503);
    expect(failure.message).toContain("REDIS_URL");
    expect(((await store.set({ ...info, offset: 5 }).catch((caught) => caught)) as { status: number }).status).toBe(503);
    await server.start();
    let back: unknown;
    for (let tries = 0; tries < 100 && back === undefined; tries++) {
      back = await store.get(info.id).catch(() => undefined);
      if (back === undefined) await Bun.sleep(50);
    }
    expect(back).toEqual(info);
  } finally {
    console.error = error;
    store.close();
    await server.close();
  }
}, 15_000);
