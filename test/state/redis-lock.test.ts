import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import path from "node:path";
import { RedisLock } from "../../src/state/redis-lock";
import { startRedis, type RedisServer } from "../support/redis";
import { sessionLockConformance } from "./session-lock.conformance";

let redis: RedisServer;
let prefixes = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.close());

async function newLock(prefix: string, options: { leaseMs?: number; waitMs?: number } = {}): Promise<RedisLock> {
  const lock = new RedisLock({ url: redis.url, prefix, ...options });
  await lock.ready;
  return lock;
}

// Separate connections, as separate instances would have.
sessionLockConformance("Redis", async (count) => {
  const prefix = `test${++prefixes}:`;
  return Promise.all(Array.from({ length: count }, () => newLock(prefix)));
});

describe("RedisLock", () => {
  test("a crashed holder's lock expires after its lease, and the next work runs", async () => {
    const holder = Bun.spawn([process.execPath, path.join(import.meta.dir, "crashed-lock-holder.ts"), redis.url, "crash:", "800"], {
      stdout: "pipe",
      stderr: "inherit",
    });
    const reader = holder.stdout.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toContain("holding");
    holder.kill("SIGKILL");
    await holder.exited;

    const lock = await newLock("crash:");
    const started = Date.now();
    expect(await lock.run("session", async () => "ran")).toBe("ran");
    // It had to wait for the lease: the dead process never released it.
    expect(Date.now() - started).toBeGreaterThan(200);
    await lock.close();
  }, 10_000);

  test("a live holder renews its lease, so work longer than the lease still excludes the others", async () => {
    const [one, two] = [await newLock("renew:", { leaseMs: 300 }), await newLock("renew:", { leaseMs: 300 })];
    const log: string[] = [];
    const long = one.run("session", async () => {
      log.push("long start");
      await Bun.sleep(1000);
      log.push("long end");
    });
    await Bun.sleep(50);
    await two.run("session", async () => {
      log.push("second");
    });
    await long;
    expect(log).toEqual(["long start", "long end", "second"]);
    await Promise.all([one.close(), two.close()]);
  });

  test("releases its key in Redis when the work is done", async () => {
    const lock = await newLock("release:");
    await lock.run("session", async () => {});
    await lock.run("other", async () => Promise.reject(new Error("boom"))).catch(() => {});
    const client = new RedisClient(redis.url);
    expect(await client.send("KEYS", ["release:*"])).toEqual([]);
    client.close();
    await lock.close();
  });

  test("waiting longer than waitMs gives up with a 503 that says the session is busy", async () => {
    const [one, two] = [await newLock("busy:"), await newLock("busy:", { waitMs: 200 })];
    let release!: () => void;
    const held = one.run("session", () => new Promise<void>((resolve) => (release = resolve)));
    await Bun.sleep(20);
    const failure = await two.run("session", async () => "ran").catch((error) => error);
    expect(failure.status).toBe(503);
    expect(failure.message).toContain("busy");
    release();
    await held;
    await Promise.all([one.close(), two.close()]);
  });
});
