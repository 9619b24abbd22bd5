// The upload directory as UploadStorage: files under one folder, never
// anything outside it, whatever a key or a symlink says.

import { realpath, rm, stat } from "node:fs/promises";
import path from "node:path";
import { isPathInsideDirectory, sanitizeRelativePath } from "./paths";
import { placeFile } from "./place";
import type { StoredObject, UploadStorage } from "./storage";

// What fs reports for a path that is not there, not a file we may read, or
// not a path at all. Each one is "absent": serving answers 404, never 500.
const NOT_THERE_CODES = new Set(["ENOENT", "ENOTDIR", "EACCES", "EPERM", "ELOOP", "ENAMETOOLONG", "EISDIR", "EINVAL"]);

/** Storage in the folder `directory()` names (read on every call, so `UPLOADED_FILES_DIR` may change at run time). */
export function diskStorage(directory: () => string): UploadStorage {
  return {
    async save(key, source) {
      const dir = directory();
      const safeKey = sanitizeRelativePath(key);
      const target = path.join(dir, safeKey);
      // sanitizeRelativePath already keeps a key inside; this is the one containment check every path passes.
      if (!isPathInsideDirectory(dir, target)) throw new TypeError(`Not a key inside the upload directory: ${JSON.stringify(key)}`);
      await placeFile(source, target);
      return safeKey;
    },

    async open(segments) {
      const found = await findFileInside(directory(), segments);
      if (!found) return undefined;
      const object: StoredObject = { blob: Bun.file(found.filePath), size: found.size, lastModified: found.mtime };
      return object;
    },

    async delete(key) {
      const found = await findFileInside(directory(), sanitizeRelativePath(key).split("/"));
      if (found) await rm(found.filePath, { force: true });
    },
  };
}

/** The real path of a regular file below the real directory, after following every symlink; undefined when there is none. */
async function findFileInside(dir: string, segments: string[]): Promise<{ filePath: string; size: number; mtime: Date } | undefined> {
  try {
    const realDir = await realpath(dir);
    const requested = path.join(realDir, ...segments);
    if (!isPathInsideDirectory(realDir, requested)) return undefined;
    // A symlink inside the directory may point anywhere: check where it lands.
    const filePath = await realpath(requested);
    if (!isPathInsideDirectory(realDir, filePath)) return undefined;
    const stats = await stat(filePath);
    if (!stats.isFile()) return undefined;
    return { filePath, size: stats.size, mtime: stats.mtime };
  } catch (error) {
    if (NOT_THERE_CODES.has((error as NodeJS.ErrnoException).code ?? "")) return undefined;
    throw error;
  }
}
