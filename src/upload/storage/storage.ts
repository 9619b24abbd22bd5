// Where handlers keep uploaded files and /_upload serves them from: the
// upload directory on disk by default. One call, `UploadFile.save(key)`,
// works whatever the storage, so an app moves to a bucket without changing
// its handlers.

import { join } from "node:path";
import { getUploadDir, isPathInsideDirectory, sanitizeRelativePath } from "./paths";
import { placeFile } from "./place";
import type { UploadSource } from "./source";

export interface UploadStorage {
  /**
   * Keeps `source` under `key` (made safe: each `/` segment sanitised, no
   * `..`), replacing what was there; a reader sees the old bytes or the new,
   * never half. Returns the key as stored, for `getUploadUrl`.
   */
  save(key: string, source: UploadSource): Promise<string>;
}

/** The upload directory (`getUploadDir()`, read on every call) as storage. */
export const diskStorage: UploadStorage = {
  async save(key, source) {
    const dir = getUploadDir();
    const safeKey = sanitizeRelativePath(key);
    const target = join(dir, safeKey);
    // sanitizeRelativePath already keeps a key inside; this is the one containment check every path passes.
    if (!isPathInsideDirectory(dir, target)) throw new TypeError(`Not a key inside the upload directory: ${JSON.stringify(key)}`);
    await placeFile(source, target);
    return safeKey;
  },
};

/** The storage uploaded files are kept in. */
export function getUploadStorage(): UploadStorage {
  return diskStorage;
}
