// Uploaded files as objects in an S3 bucket (Bun's S3 client: AWS, R2,
// MinIO...), so every instance serves every file. A save is one PUT, or a
// multipart upload for large files, which S3 shows only once it completes:
// a reader sees the old object or the new one, never part of one.

import { S3Client } from "bun";
import { HttpError } from "../../errors";
import { s3Settings, type S3Settings } from "../../s3";
import { sanitizeRelativePath } from "./paths";
import type { StoredObject, UploadStorage } from "./storage";

export interface S3StorageOptions extends S3Settings {
  /** A client of your own; the settings above are then only used to name the bucket in messages. */
  client?: S3Client;
  /** Prefix of every key, apart from tus's `tus/` pieces, so those are never served. @default "files/" */
  prefix?: string;
}

/** Storage in a bucket: `S3_BUCKET` and the other S3_* variables, or the options. */
export function s3Storage(options: S3StorageOptions = {}): UploadStorage {
  const settings = s3Settings(options);
  if (!settings && !options.client) throw new TypeError("s3Storage needs a bucket: set S3_BUCKET, or pass { bucket }");
  const client = options.client ?? new S3Client(settings);
  const prefix = options.prefix ?? "files/";
  const bucket = settings ? `bucket "${settings.bucket}"` : "the bucket";

  const refused = (action: string, key: string, error: unknown, outcome: string) => {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    return new HttpError(503, `The upload storage (${bucket}) refused to ${action} ${JSON.stringify(key)} (${code}): ${outcome}; try again in a moment`, { "Retry-After": "1" });
  };

  return {
    async save(key, source) {
      const safeKey = sanitizeRelativePath(key);
      try {
        // Bun streams a file's bytes in parts when it is large; S3 aborts an
        // unfinished multipart upload on failure, so nothing appears at the key.
        await client.write(prefix + safeKey, source.blob, { type: source.blob.type || undefined });
      } catch (error) {
        throw refused("write", safeKey, error, "the file was not kept");
      }
      await source.discard();
      return safeKey;
    },

    async open(segments) {
      // Keys are literal in S3, but "..", "." or "" would still name a key
      // outside what getUploadUrl gives out (or tus's pieces): never opened.
      if (segments.some((segment) => segment === "" || segment === "." || segment === ".." || /[/\\\0]/.test(segment))) return undefined;
      const file = client.file(prefix + segments.join("/"));
      try {
        const stat = await file.stat();
        const object: StoredObject = { blob: file, size: stat.size, lastModified: stat.lastModified };
        return object;
      } catch (error) {
        if ((error as { code?: string }).code === "NoSuchKey") return undefined;
        throw refused("read", segments.join("/"), error, "nothing was served");
      }
    },

    async delete(key) {
      const safeKey = sanitizeRelativePath(key);
      try {
        await client.delete(prefix + safeKey);
      } catch (error) {
        if ((error as { code?: string }).code === "NoSuchKey") return;
        throw refused("delete", safeKey, error, "the file is still there");
      }
    },
  };
}
