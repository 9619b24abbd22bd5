import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { redact, RedisConnection } from "../src/redis";
import { freePort, startRedis, type RedisServer } from "./support/redis";

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.close());

describe("RedisConnection", () => {
  test("a command sent right after it was made waits for the first connection instead of refusing", async () => {
    const connection = new RedisConnection(redis.url, "REDIS_URL");
    expect(await connection.send("PING", [])).toBe("PONG");
    connection.close();
  });

  test("while Redis is unreachable a command rejects at once with a 503 naming the source and the URL, without its password", async () => {
    const port = await freePort();
    const connection = new RedisConnection(`redis://:hunter2@127.0.0.1:${port}`, "REDIS_URL");
    await expect(connection.ready).rejects.toThrow(`Redis at REDIS_URL (redis://:***@127.0.0.1:${port}) is unreachable`);
    const failure = await connection.send("PING", []).catch((error) => error);
    expect(failure.status).toBe(503);
    expect(failure.headers).toEqual({ "Retry-After": "1" });
    expect(failure.message).toContain("nothing was saved");
    expect(failure.message).not.toContain("hunter2");
    connection.close();
  });

  test("a Redis error reply is passed through as it is, not taken for an outage", async () => {
    const connection = new RedisConnection(redis.url, "REDIS_URL");
    const failure = await connection.send("NOSUCHCOMMAND", []).catch((error) => error);
    expect(failure.status).toBeUndefined();
    expect(failure.message).toContain("unknown command");
    expect(await connection.send("PING", [])).toBe("PONG");
    connection.close();
  });
});

describe("redact", () => {
  test("hides the password and keeps the rest", () => {
    expect(redact("redis://user:s3cret@cache.internal:6380/2")).toBe("redis://user:***@cache.internal:6380/2");
    expect(redact("rediss://cache.internal:6380")).toBe("rediss://cache.internal:6380");
  });

  test("shows nothing of a URL it cannot parse", () => {
    expect(redact("not a url with a p4ssword")).toBe("an unparsable URL");
  });
});
