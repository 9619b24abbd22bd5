// What the tus handler keeps, in three parts that can live in different
// places: the upload's info (offset, length, metadata), its bytes, and the
// lease that keeps two requests from writing one upload at once. On one
// machine all three are local (disk, disk, this process); with many
// instances, info and leases go to Redis and bytes to S3.

import type { UploadWriter } from "../storage/writer";

export interface TusUploadInfo {
  /** Random, matching UPLOAD_ID_PATTERN. */
  id: string;
  /** Upload-Length: the size of the whole upload in bytes. */
  length: number;
  /** Bytes stored so far. */
  offset: number;
  /** Decoded Upload-Metadata values (a key without a value maps to ""). */
  metadata: Record<string, string>;
  createdAt: number;
  expiresAt: number;
  /** Opaque data the hooks attach at creation (session id, batch id...), persisted with the upload. */
  owner: Record<string, string>;
}

export const isComplete = (info: TusUploadInfo) => info.offset === info.length;

/** Upload info: the truth about an upload's offset. */
export interface TusInfoStore {
  /** The upload's info; undefined when there is none (or the id is not one this server hands out). */
  get(id: string): Promise<TusUploadInfo | undefined>;
  /** Stores the info whole and atomically: a reader sees the old or the new info, never a mix. */
  set(info: TusUploadInfo): Promise<void>;
  /** Forgets the info; nothing happens for an unknown id. */
  delete(id: string): Promise<void>;
  /** Every upload's info, in no particular order. */
  list(): Promise<TusUploadInfo[]>;
  /** Frees what the store holds open (connections). */
  close?(): void | Promise<void>;
}

/** Upload bytes. The info's offset says how many of them count. */
export interface TusDataStore {
  /** Stores an empty upload; refuses (throws) an id that has bytes already. */
  create(id: string): Promise<void>;
  /**
   * A writer that appends at `info.offset`. Bytes stored past that offset
   * (written before a crash, never counted) are dropped first. Throws
   * TusError(ERRORS.dataGone) when the bytes are missing or shorter than
   * the offset. `discard()` cuts back to `info.offset`.
   */
  append(info: TusUploadInfo): Promise<UploadWriter>;
  /** The first `length` stored bytes (fewer when fewer are stored). */
  readHead(id: string, length: number): Promise<Uint8Array>;
  /** The stored bytes of a finished upload: a BunFile on disk, an S3File in a bucket. */
  read(id: string): Promise<Blob>;
  /** Where the bytes are on this machine's disk, for stores that keep them there: a handler keeps them by renaming. */
  localPath?(id: string): string;
  exists(id: string): Promise<boolean>;
  /** Removes the bytes; nothing happens for an unknown id. */
  delete(id: string): Promise<void>;
  /** Frees what the store holds open (connections). */
  close?(): void | Promise<void>;
}

/** Held while a request writes an upload. */
export interface TusLease {
  /** Aborts, with the asker's reason, when another party asks for the upload (a DELETE, shutdown). */
  readonly signal: AbortSignal;
  /** Frees the upload; releasing twice frees nothing of the next holder's. */
  release(): Promise<void>;
}

/** Keeps one writer per upload, and lets others ask it to stop. */
export interface TusLocker {
  /** The upload's lease, or undefined while someone holds it. */
  acquire(id: string): Promise<TusLease | undefined>;
  /** Aborts the holder's lease with `reason` and resolves once it is released (at once when nobody holds it). */
  requestRelease(id: string, reason: Error): Promise<void>;
  /** Aborts every lease this process holds, with `reason` (shutdown). */
  abortHeld(reason: Error): void;
  /** Frees what the locker holds open (connections); leases are not released. */
  close?(): void | Promise<void>;
}

export interface TusStores {
  info: TusInfoStore;
  data: TusDataStore;
  locker: TusLocker;
}
