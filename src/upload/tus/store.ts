// An upload's info, bytes and lease taken together, through the three
// interfaces only: creation, termination that stops a running writer
// first, and the expiry sweep. The backends are chosen by the caller.

import { join } from "node:path";
import { getDataDir } from "../../data-dir";
import { DiskDataStore } from "./disk-data-store";
import { DiskInfoStore } from "./disk-info-store";
import { ProcessLocker } from "./process-locker";
import { ERRORS, TusError, UPLOAD_ID_PATTERN } from "./protocol";
import { isComplete, type TusStores, type TusUploadInfo } from "./stores";

/** The stores given, and for what is left out: info and data files in `directory` (default: `tus` in the data directory), leases in this process. */
export function withDiskStores(given: Partial<TusStores> = {}, directory?: string): TusStores {
  const dir = () => directory ?? join(getDataDir(), "tus");
  return {
    info: given.info ?? new DiskInfoStore(dir()),
    data: given.data ?? new DiskDataStore(dir()),
    locker: given.locker ?? new ProcessLocker(),
  };
}

export class TusStore {
  readonly info;
  readonly data;
  readonly locker;

  /** `onExpired` runs after sweepExpired removed an upload; its errors are logged, not thrown. */
  constructor(
    stores: TusStores,
    private readonly onExpired?: (info: TusUploadInfo) => void | Promise<void>,
  ) {
    ({ info: this.info, data: this.data, locker: this.locker } = stores);
  }

  newId(): string {
    return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
  }

  /** Stores the empty bytes, then the info: an upload is listed only once it can be written. */
  async create(info: TusUploadInfo): Promise<void> {
    await this.data.create(info.id);
    try {
      await this.info.set(info);
    } catch (error) {
      // No info, no upload: its empty bytes must not stay behind.
      await this.data.delete(info.id).catch(() => {});
      throw error;
    }
  }

  /** The upload's info; undefined when it has none, or when the id does not match UPLOAD_ID_PATTERN (then without asking a store). */
  get(id: string): Promise<TusUploadInfo | undefined> {
    if (!UPLOAD_ID_PATTERN.test(id)) return Promise.resolve(undefined);
    return this.info.get(id);
  }

  save(info: TusUploadInfo): Promise<void> {
    return this.info.set(info);
  }

  list(): Promise<TusUploadInfo[]> {
    return this.info.list();
  }

  /**
   * Removes an upload and returns its info (undefined if unknown). A request
   * writing it is aborted first and waited for, so it cannot write the info
   * back after the removal.
   */
  async delete(id: string): Promise<TusUploadInfo | undefined> {
    if (!UPLOAD_ID_PATTERN.test(id)) return undefined;
    let lease = await this.locker.acquire(id);
    while (!lease) {
      await this.locker.requestRelease(id, new TusError(ERRORS.terminated));
      lease = await this.locker.acquire(id);
    }
    try {
      return await this.#remove(id);
    } finally {
      await lease.release();
    }
  }

  /**
   * Deletes every unfinished upload whose `expiresAt` is at or before `now`
   * and calls `onExpired` for each; returns how many. Completed uploads are
   * left alone: their owner removes them once done with the file. Uploads
   * being written right now are skipped until the next sweep.
   */
  async sweepExpired(now = Date.now()): Promise<number> {
    let removed = 0;
    for (const info of await this.list()) {
      if (isComplete(info) || info.expiresAt > now) continue;
      const lease = await this.locker.acquire(info.id);
      if (!lease) continue;
      try {
        await this.#remove(info.id);
      } finally {
        await lease.release();
      }
      removed++;
      await Promise.resolve(this.onExpired?.(info)).catch((error) => console.error("tus onTerminate(expired) failed:", error));
    }
    return removed;
  }

  /** Asks every running write of this process to stop (shutdown). */
  abortAll(): void {
    this.locker.abortHeld(new TusError(ERRORS.closing));
  }

  /** Closes the stores' connections. */
  async close(): Promise<void> {
    await Promise.all([this.info.close?.(), this.data.close?.(), this.locker.close?.()]);
  }

  async #remove(id: string): Promise<TusUploadInfo | undefined> {
    const info = await this.info.get(id);
    await this.info.delete(id);
    await this.data.delete(id);
    return info;
  }
}

/** How often a long PATCH saves its offset, so a server crash mid-PATCH loses at most this much of it. */
const CHECKPOINT_MS = 1000;

/** Saves the offset of a running PATCH now and then, one save at a time; await `settled()` before the final save so an older offset never lands last. */
export function offsetCheckpointer(store: TusStore) {
  let saving: Promise<void> | undefined;
  let savedAt = performance.now();
  return {
    save(info: TusUploadInfo) {
      if (saving || performance.now() - savedAt < CHECKPOINT_MS) return;
      savedAt = performance.now();
      saving = store
        .save({ ...info })
        .catch((error) => console.error("Saving a tus upload's offset failed:", error))
        .finally(() => (saving = undefined));
    },
    settled: () => saving ?? Promise.resolve(),
  };
}
