// The three stores taken together: ids, termination while a writer runs, and the expiry sweep.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ERRORS, TusError, TusStore } from "../../../src/upload/tus";
import { withDiskStores } from "../../../src/upload/tus/store";
import { uploadInfo } from "./conformance";

const root = mkdtempSync(join(tmpdir(), "hs-tus-store-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const newStore = (name: string) => new TusStore(withDiskStores({}, join(root, name)));

test("an id is random and matches the id pattern", () => {
  const store = newStore("ids");
  const first = store.newId();
  expect(first).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
  expect(store.newId()).not.toBe(first);
});

test("delete of an id that would leave the directory is undefined and touches nothing", async () => {
  expect(await newStore("escape").delete("../victim")).toBeUndefined();
});

test("delete while a writer holds the lease aborts it as terminated, waits for it, then removes everything", async () => {
  const store = newStore("delete");
  const info = uploadInfo();
  await store.create(info);
  const lease = (await store.locker.acquire(info.id))!;
  let releasedAt = 0;
  lease.signal.addEventListener("abort", () => setTimeout(() => void lease.release().then(() => (releasedAt = performance.now())), 30));
  const removed = await store.delete(info.id);
  const deletedAt = performance.now();
  expect(lease.signal.reason).toBeInstanceOf(TusError);
  expect((lease.signal.reason as TusError).status).toBe(ERRORS.terminated.status);
  expect(releasedAt).toBeGreaterThan(0);
  expect(releasedAt).toBeLessThanOrEqual(deletedAt);
  expect(removed).toEqual(info);
  expect(readdirSync(join(root, "delete"))).toEqual([]);
});

test("the sweep leaves an expired upload alone while it is being written, and removes it afterwards", async () => {
  const store = newStore("sweep");
  const info = uploadInfo({ expiresAt: 10 });
  await store.create(info);
  const lease = (await store.locker.acquire(info.id))!;
  expect(await store.sweepExpired(20)).toBe(0);
  expect(lease.signal.aborted).toBe(false);
  await lease.release();
  expect(await store.sweepExpired(20)).toBe(1);
  expect(await store.get(info.id)).toBeUndefined();
});
