// Upload leases in Redis: the conformance suite across separate connections
// (as separate instances), and what only a shared locker must do: let a
// crashed holder's lease expire, and keep a live holder's renewed.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { RedisLocker } from "../../../src/upload/tus/redis-locker";
import { startRedis, type RedisServer } from "../../support/redis";
import { newUploadId } from "./conformance";
import { lockerConformance } from "./locker.conformance";

let redis: RedisServer;
let prefixes = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.close());

async function newLocker(prefix: string, options: { leaseMs?: number; waitMs?: number } = {}): Promise<RedisLocker> {
  const locker = new RedisLocker({ url: redis.url, prefix, ...options });
  await locker.ready;
  return locker;
}

lockerConformance("Redis", async (count) => {
  const prefix = `lock${++prefixes}:`;
  return Promise.all(Array.from({ length: count }, () => newLocker(prefix)));
});

/** Starts a process that takes the lease of `id` and waits; resolves once it holds it. */
async function crashedHolder(prefix: string, id: string, leaseMs: number) {
  const holder = Bun.spawn([process.execPath, join(import.meta.dir, "crashed-lease-holder.ts"), redis.url, prefix, id, String(leaseMs)], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = holder.stdout.pipeThrough(new TextDecoderStream()).getReader();
  expect((await reader.read()).value).toContain("holding");
  holder.kill("SIGKILL");
  await holder.exited;
}

describe("RedisLocker", () => {
  test("a crashed holder's lease expires after its lease time, and another instance gets it", async () => {
    const id = newUploadId();
    await crashedHolder("crash:", id, 2000);
    const locker = await newLocker("crash:", { leaseMs: 2000 });
    expect(await locker.acquire(id)).toBeUndefined();
    await Bun.sleep(2100);
    const lease = await locker.acquire(id);
    expect(lease).toBeDefined();
    await lease!.release();
    locker.close();
  }, 10_000);

  test("a release request for a crashed holder's lease waits for the lease to run out, then resolves", async () => {
    const id = newUploadId();
    await crashedHolder("crash-release:", id, 2000);
    const locker = await newLocker("crash-release:", { leaseMs: 2000 });
    const started = Date.now();
    await locker.requestRelease(id, new Error("terminated"));
    expect(Date.now() - started).toBeGreaterThan(200);
    expect(await locker.acquire(id)).toBeDefined();
    locker.close();
  }, 10_000);

  test("a live holder renews its lease, so a write longer than the lease still excludes the others", async () => {
    const [one, two] = [await newLocker("renew:", { leaseMs: 1000 }), await newLocker("renew:", { leaseMs: 1000 })];
    const id = newUploadId();
    const lease = (await one.acquire(id))!;
    await Bun.sleep(2500);
    expect(await two.acquire(id)).toBeUndefined();
    expect(lease.signal.aborted).toBe(false);
    await lease.release();
    expect(await two.acquire(id)).toBeDefined();
    one.close();
    two.close();
  }, 10_000);

  test("a holder whose lease was lost is told to stop before it writes over the next one's", async () => {
    const [one, two] = [await newLocker("lost:", { leaseMs: 300 }), await newLocker("lost:", { leaseMs: 300 })];
    const id = newUploadId();
    const lease = (await one.acquire(id))!;
    // Someone removes the lease behind the holder's back (an operator, a Redis failover).
    const { RedisClient } = await import("bun");
    const client = new RedisClient(redis.url);
    await client.send("DEL", [`lost:tus:lease:${id}`]);
    client.close();
    const error = console.error;
    console.error = () => {};
    try {
      // The next renewal, due within a third of the lease, finds the lease gone.
      const deadline = Date.now() + 3000;
      while (!lease.signal.aborted && Date.now() < deadline) await Bun.sleep(10);
    } finally {
      console.error = error;
    }
    expect(lease.signal.aborted).toBe(true);
    expect((lease.signal.reason as { status: number }).status).toBe(503);
    await lease.release();
    one.close();
    two.close();
  });
});
