// What every tus locker does, in one process or across many: the in-process
// locker and the Redis locker run this suite.

import { afterEach, describe, expect, test } from "bun:test";
import type { TusLocker } from "../../../src/upload/tus";
import { newUploadId } from "./conformance";

/**
 * Opens `count` lockers that share one backend, as separate instances of an
 * app would (the in-process locker answers the same locker each time).
 */
export type LockerFactory = (count: number) => Promise<TusLocker[]>;

export function lockerConformance(backend: string, open: LockerFactory): void {
  describe(`${backend} tus locker (conformance)`, () => {
    const opened: TusLocker[] = [];
    const newLockers = async (count: number) => {
      const lockers = await open(count);
      opened.push(...lockers);
      return lockers;
    };
    afterEach(async () => {
      for (const locker of new Set(opened.splice(0))) await locker.close?.();
    });

    test("a lease is exclusive on every instance until it is released", async () => {
      const [a, b] = await newLockers(2);
      const id = newUploadId();
      const lease = await a!.acquire(id);
      expect(lease).toBeDefined();
      expect(await a!.acquire(id)).toBeUndefined();
      expect(await b!.acquire(id)).toBeUndefined();
      await lease!.release();
      const next = await b!.acquire(id);
      expect(next).toBeDefined();
      await next!.release();
    });

    test("leases of different uploads do not hold each other up", async () => {
      const [locker] = await newLockers(1);
      const first = await locker!.acquire(newUploadId());
      const second = await locker!.acquire(newUploadId());
      expect(first).toBeDefined();
      expect(second).toBeDefined();
      await first!.release();
      await second!.release();
    });

    test("releasing a lease twice frees nothing of the next holder's", async () => {
      const [a, b] = await newLockers(2);
      const id = newUploadId();
      const old = (await a!.acquire(id))!;
      await old.release();
      const current = (await b!.acquire(id))!;
      await old.release();
      expect(await a!.acquire(id)).toBeUndefined();
      await current.release();
    });

    test("a release request aborts the holder's lease with its reason, from any instance, and waits until it is released", async () => {
      const [a, b] = await newLockers(2);
      const id = newUploadId();
      const lease = (await a!.acquire(id))!;
      const reasons: unknown[] = [];
      let letGo = false;
      lease.signal.addEventListener("abort", () => {
        reasons.push(lease.signal.reason);
        // The holder winds down its write, then lets go.
        setTimeout(() => {
          letGo = true;
          void lease.release();
        }, 50);
      });
      const reason = new Error("terminated");
      await b!.requestRelease(id, reason);
      expect(letGo).toBe(true);
      expect(reasons).toHaveLength(1);
      expect((reasons[0] as Error).message).toBe("terminated");
      const next = await b!.acquire(id);
      expect(next).toBeDefined();
      await next!.release();
    });

    test("a release request for an upload nobody holds resolves at once", async () => {
      const [locker] = await newLockers(1);
      await locker!.requestRelease(newUploadId(), new Error("terminated"));
      const lease = await locker!.acquire(newUploadId());
      expect(lease!.signal.aborted).toBe(false);
      await lease!.release();
    });

    test("abortHeld aborts every lease the instance holds, with the reason", async () => {
      const [locker] = await newLockers(1);
      const leases = [(await locker!.acquire(newUploadId()))!, (await locker!.acquire(newUploadId()))!];
      locker!.abortHeld(new Error("closing"));
      expect(leases.map((lease) => (lease.signal.reason as Error | undefined)?.message)).toEqual(["closing", "closing"]);
      for (const lease of leases) await lease.release();
    });
  });
}
