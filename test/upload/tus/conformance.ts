// What the tus store conformance suites share: upload infos, and a store opened for each test.

import { afterEach } from "bun:test";
import type { TusUploadInfo } from "../../../src/upload/tus";

/** A fresh, empty store; `dispose` frees it after the test. */
export type StoreFactory<Store> = () => Promise<{ store: Store; dispose(): Promise<void> }>;

/** Opens a store per test and disposes of it after the test (call inside a describe). */
export function openPerTest<Store>(open: StoreFactory<Store>): () => Promise<Store> {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });
  return async () => {
    const opened = await open();
    dispose = opened.dispose;
    return opened.store;
  };
}

let ids = 0;
/** An id of the server's pattern, new for each call. */
export const newUploadId = (prefix = "upload") => `${prefix}${String(++ids).padStart(12, "0")}${crypto.randomUUID().slice(0, 8)}`;

export const uploadInfo = (overrides: Partial<TusUploadInfo> = {}): TusUploadInfo => ({
  id: newUploadId(),
  length: 10,
  offset: 0,
  metadata: { filename: "a.txt" },
  createdAt: 1,
  expiresAt: 2,
  owner: { session: "s1" },
  ...overrides,
});

/** Metadata whose size changes with the offset: a write that is not atomic shows as a mismatch. */
export const noteFor = (offset: number) => "x".repeat(offset % 2 ? 10 : 256 * 1024);

