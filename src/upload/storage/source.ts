import { rm } from "node:fs/promises";

/** Bytes an upload left in temporary storage, wherever they are. */
export interface UploadSource {
  /** The bytes: a file on disk (BunFile) or an object in a bucket (S3File). */
  blob: Blob;
  /** Where they are on this machine's disk, when they are: keeping them renames instead of copying. */
  path?: string;
  /** Frees them; never throws for bytes already gone. */
  discard(): Promise<void>;
}

/** A temporary file on this disk as an UploadSource. */
export function fileSource(path: string): UploadSource {
  return { blob: Bun.file(path), path, discard: () => rm(path, { force: true }) };
}
