// What every session lock does, in one process or across many: the
// in-process KeyedLock and the Redis lock run this suite.

import { afterEach, describe, expect, test } from "bun:test";
import type { SessionLock } from "../../src/state/lock";
import { gate } from "../support/wait";

/**
 * Opens `count` locks that share one backend, as separate instances of an
 * app would (the in-process lock answers the same lock each time).
 */
export type LockFactory = (count: number) => Promise<SessionLock[]>;

export function sessionLockConformance(backend: string, open: LockFactory): void {
  describe(`${backend} session lock (conformance)`, () => {
    const opened: SessionLock[] = [];
    const newLocks = async (count: number) => {
      const locks = await open(count);
      opened.push(...locks);
      return locks;
    };

    afterEach(async () => {
      for (const lock of new Set(opened.splice(0))) await lock.close();
    });

    test("work on one key never overlaps, across every instance, and no update is lost", async () => {
      const locks = await newLocks(2);
      let value = 0;
      let running = 0;
      let mostAtOnce = 0;
      const increment = async () => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        const seen = value;
        await Bun.sleep(1);
        value = seen + 1;
        running -= 1;
      };
      await Promise.all(Array.from({ length: 30 }, (_, i) => locks[i % 2]!.run("session", increment)));
      expect(value).toBe(30);
      expect(mostAtOnce).toBe(1);
    });

    test("work queued on one instance starts in the order it arrived", async () => {
      const [lock] = await newLocks(1);
      const first = gate();
      const started: number[] = [];
      const runs = [lock!.run("session", () => first.opened)];
      for (let i = 1; i <= 5; i++) {
        runs.push(
          lock!.run("session", async () => {
            started.push(i);
          }),
        );
      }
      await Bun.sleep(20);
      expect(started).toEqual([]);
      first.open();
      await Promise.all(runs);
      expect(started).toEqual([1, 2, 3, 4, 5]);
    });

    test("work on different keys runs side by side", async () => {
      const [lock] = await newLocks(1);
      const blockA = gate();
      const a = lock!.run("a", () => blockA.opened);
      expect(await lock!.run("b", async () => "b ran")).toBe("b ran");
      blockA.open();
      await a;
    });

    test("returns the work's result, passes its error to its caller, and the next work still runs", async () => {
      const [lock] = await newLocks(1);
      const failing = lock!.run("a", async () => {
        throw new Error("boom");
      });
      const next = lock!.run("a", async () => 42);
      await expect(failing).rejects.toThrow("boom");
      expect(await next).toBe(42);
    });

    test("forgets every key once its work is done, also when the work failed", async () => {
      const [lock] = await newLocks(1);
      const blockA = gate();
      const runs = [lock!.run("a", () => blockA.opened), lock!.run("a", async () => {}), lock!.run("b", async () => Promise.reject(new Error("boom")))];
      expect(lock!.size).toBeGreaterThan(0);
      blockA.open();
      await Promise.allSettled(runs);
      expect(lock!.size).toBe(0);
    });
  });
}
