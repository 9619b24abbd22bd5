// Where handlers keep uploaded files and /_upload serves them from: the
// upload directory on disk by default, a bucket with S3_BUCKET. One call,
// `UploadFile.save(key)`, works whatever the storage, so an app moves to a
// bucket without changing its handlers.

import { AsyncLocalStorage } from "node:async_hooks";
import { s3Settings } from "../../s3";
import { diskStorage } from "./disk";
import { getUploadDir } from "./paths";
import { s3Storage } from "./s3";
import type { UploadSource } from "./source";

/** A stored file as serving reads it. */
export interface StoredObject {
  /** Its bytes, read lazily (`slice` for a Range): a BunFile, or an S3File. */
  blob: Blob;
  size: number;
  lastModified: Date;
}

export interface UploadStorage {
  /**
   * Keeps `source` under `key` (made safe: each `/` segment sanitised, no
   * `..`), replacing what was there; a reader sees the old bytes or the new,
   * never half. Returns the key as stored, for `getUploadUrl`.
   */
  save(key: string, source: UploadSource): Promise<string>;
  /** The file at these path segments (already decoded and checked by the caller), or undefined. Never outside the storage. */
  open(segments: string[]): Promise<StoredObject | undefined>;
  /** Removes the file at `key`; nothing when there is none. */
  delete(key: string): Promise<void>;
}

const uploadDirStorage = diskStorage(getUploadDir);

/**
 * The storage the app asked for, else the environment's: a bucket when
 * S3_BUCKET is set (with S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY,
 * S3_REGION), else the upload directory (UPLOADED_FILES_DIR).
 */
export function chooseUploadStorage(given?: UploadStorage): UploadStorage {
  if (given) return given;
  const settings = s3Settings();
  if (!settings) return uploadDirStorage;
  // The variables are read on every call, as UPLOADED_FILES_DIR is; one client per bucket they name.
  const id = JSON.stringify(settings);
  let storage = bucketStorages.get(id);
  if (!storage) bucketStorages.set(id, (storage = s3Storage(settings)));
  return storage;
}

const bucketStorages = new Map<string, UploadStorage>();

// The app whose request runs a handler decides where its files go, so two
// apps in one process (or a test's) each keep their own storage.
const appStorage = new AsyncLocalStorage<UploadStorage>();

/** Runs `work` (an upload request and the handlers it calls) with `storage` as the one `getUploadStorage` answers. */
export function withUploadStorage<T>(storage: UploadStorage, work: () => T): T {
  return appStorage.run(storage, work);
}

/** The storage uploaded files are kept in: the running app's, else the environment's. */
export function getUploadStorage(): UploadStorage {
  return appStorage.getStore() ?? chooseUploadStorage();
}
