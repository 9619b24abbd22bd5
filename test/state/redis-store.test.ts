import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { RedisStore } from "../../src/state/redis-store";
import { startRedis, type RedisServer } from "../support/redis";
import { sessionStoreConformance } from "./session-store.conformance";

let redis: RedisServer;
let stores = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.close());

/** A store with its own key prefix, so every test starts empty on the one server. */
async function newStore(bounds: { ttlMs?: number; maxSessions?: number } = {}, prefix = `test${++stores}:`): Promise<RedisStore> {
  const store = new RedisStore({ url: redis.url, prefix, ...bounds });
  await store.ready;
  return store;
}

sessionStoreConformance("Redis", (bounds) => newStore(bounds));

describe("RedisStore", () => {
  test("two instances on one Redis share sessions", async () => {
    const [one, two] = [await newStore({}, "shared:"), await newStore({}, "shared:")];
    await one.set("a", { Counter: { count: 7 } });
    expect(await two.get("a")).toEqual({ Counter: { count: 7 } });
    await Promise.all([one.close(), two.close()]);
  });

  test("the ttl is a Redis expiry and the index never holds more than maxSessions", async () => {
    const store = await newStore({ ttlMs: 60_000, maxSessions: 3 }, "bounds:");
    for (const id of ["a", "b", "c", "d", "e"]) await store.set(id, {});
    const client = new RedisClient(redis.url);
    const ttl = await client.send("PTTL", ["bounds:session:e"]);
    expect(ttl).toBeGreaterThan(59_000);
    expect(await client.send("ZCARD", ["bounds:sessions"])).toBe(3);
    expect(await client.send("EXISTS", ["bounds:session:a", "bounds:session:b"])).toBe(0);
    client.close();
    await store.close();
  });
});
