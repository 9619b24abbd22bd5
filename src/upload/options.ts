import { join } from "node:path";
import { getDataDir } from "../data-dir";
import type { Runtime } from "../runtime";
import type { InflightUploads } from "./intake/inflight";
import { chooseUploadStorage, type UploadStorage } from "./storage/storage";

export interface UploadOptions {
  /** The largest file any upload may carry, whatever a zone allows. @default 2 GiB */
  maxFileSize?: number;
  /** The largest request body; refused from its Content-Length before it is read. @default 4 GiB */
  maxRequestSize?: number;
  /**
   * Where files wait for their handler, and unfinished resumable uploads
   * (under `tus/`) outlive a restart. Not the OS temp dir: a tmpfs `/tmp`
   * would lose them. @default <data dir>/uploads (see getDataDir)
   */
  tempDir?: string;
  /** The least time between two calls of a progress handler. @default 100 */
  progressIntervalMs?: number;
  /** Files at least this big go over tus, so a dropped connection resumes. @default 64 MiB */
  resumableAbove?: number;
  /**
   * The most bytes per tus PATCH from the browser. Unset, a file goes in one
   * PATCH, the fastest path; after a PATCH breaks off, or something on the
   * way refuses it as too large (413), the rest goes in 8 MiB chunks. Set it
   * when a proxy limits request bodies (Cloudflare: 100 MB). @default unset
   */
  chunkSize?: number;
  /**
   * Each tus PATCH from the browser carries the SHA-256 of its bytes, computed
   * in a worker, and the server discards one that does not match (460). The
   * browser then reads every byte once more: about twice the CPU, and on a
   * fast link a slower upload (BENCHMARKS.md). Chunks default to 8 MiB.
   * @default false
   */
  checksum?: boolean;
  /** How long an unfinished resumable upload is kept. @default 24 hours */
  resumableExpiryMs?: number;
  /**
   * Where `UploadFile.save` keeps files and `/_upload` serves them from:
   * `s3Storage({ bucket, ... })` for a bucket, or any UploadStorage.
   * @default a bucket when S3_BUCKET is set, else the upload directory
   */
  storage?: UploadStorage;
}

export interface UploadContext {
  runtime: Runtime;
  inflight: InflightUploads;
  options: UploadSettings;
  /** The app's Redis (hyperstate({ redisUrl })): tus upload info and leases live there too. @default env REDIS_URL */
  redisUrl?: string;
}

export type UploadSettings = Required<Omit<UploadOptions, "chunkSize">> & Pick<UploadOptions, "chunkSize">;

export function uploadDefaults(options: UploadOptions = {}): UploadSettings {
  return {
    maxFileSize: options.maxFileSize ?? 2 * 1024 ** 3,
    maxRequestSize: options.maxRequestSize ?? 4 * 1024 ** 3,
    tempDir: options.tempDir ?? join(getDataDir(), "uploads"),
    progressIntervalMs: options.progressIntervalMs ?? 100,
    resumableAbove: options.resumableAbove ?? 64 * 1024 ** 2,
    chunkSize: options.chunkSize,
    checksum: options.checksum ?? false,
    resumableExpiryMs: options.resumableExpiryMs ?? 24 * 60 * 60 * 1000,
    storage: chooseUploadStorage(options.storage),
  };
}

