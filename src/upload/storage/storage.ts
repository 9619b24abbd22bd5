// Where handlers keep uploaded files and /_upload serves them from: the
// upload directory on disk by default. One call, `UploadFile.save(key)`,
// works whatever the storage, so an app moves to a bucket without changing
// its handlers.

import { diskStorage } from "./disk";
import { getUploadDir } from "./paths";
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

/** The storage uploaded files are kept in. */
export function getUploadStorage(): UploadStorage {
  return uploadDirStorage;
}
