// The disk store: per upload, a data file `<id>` and its info `<id>.json` in
// one directory, plus the in-process lease that keeps two requests from
// writing one upload at once. The info is the truth about the offset; it is
// rewritten atomically (temp file + rename) after every change, so a restart
// resumes where the last stored byte was.

import { mkdirSync } from "node:fs";
import { open, readdir, readFile, rename, rm, stat, writeFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { FileWriter } from "../storage/file-writer";
import type { BodyTarget } from "./body";
import { ERRORS, TusError, UPLOAD_ID_PATTERN } from "./protocol";

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

/** Where a PATCH's bytes go. The disk store's default writes to the upload's data file. */
export interface TusSink {
  /** Take `bytes` at `offset`; resolve when they are safely stored/consumed (back-pressure). */
  write(info: TusUploadInfo, offset: number, bytes: Uint8Array): Promise<void>;
}

/** Held while a request writes an upload; `signal` aborts when a DELETE or shutdown wants it to stop. */
export interface UploadLease {
  readonly signal: AbortSignal;
  release(): void;
}

interface LeaseEntry {
  controller: AbortController;
  released: Promise<void>;
}

export const isComplete = (info: TusUploadInfo) => info.offset === info.length;

export class TusStore {
  private readonly leases = new Map<string, LeaseEntry>();

  /** `onExpired` runs after sweepExpired removed an upload; its errors are logged, not thrown. */
  constructor(
    readonly directory: string,
    private readonly onExpired?: (info: TusUploadInfo) => void | Promise<void>,
  ) {
    mkdirSync(directory, { recursive: true });
  }

  newId(): string {
    return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
  }

  /** The data file of an upload. */
  dataPath(id: string): string {
    // Ids come from URLs: one that could name a path elsewhere never gets this far.
    if (!UPLOAD_ID_PATTERN.test(id)) throw new TypeError(`Not a tus upload id: ${JSON.stringify(id)}`);
    return join(this.directory, id);
  }

  /** Creates the empty data file, then the info; "wx" refuses to reuse an existing file. */
  async create(info: TusUploadInfo): Promise<void> {
    await (await open(this.dataPath(info.id), "wx", 0o600)).close();
    await this.save(info);
  }

  /** The upload's info; undefined when it has none, or when the id does not match UPLOAD_ID_PATTERN (then without touching the disk). */
  async get(id: string): Promise<TusUploadInfo | undefined> {
    if (!UPLOAD_ID_PATTERN.test(id)) return undefined;
    try {
      return JSON.parse(await readFile(this.infoPath(id), "utf8")) as TusUploadInfo;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  /** Writes the info atomically: a reader sees the old or the new JSON, never half of one. */
  async save(info: TusUploadInfo): Promise<void> {
    const temp = `${this.infoPath(info.id)}.${crypto.randomUUID()}.tmp`;
    await writeFile(temp, JSON.stringify(info), { mode: 0o600 });
    await rename(temp, this.infoPath(info.id));
  }

  /**
   * Removes an upload's files and returns its info (undefined if unknown).
   * A request writing it is aborted first and waited for, so it cannot
   * write the info back after the removal.
   */
  async delete(id: string): Promise<TusUploadInfo | undefined> {
    if (!UPLOAD_ID_PATTERN.test(id)) return undefined;
    let lease = this.lease(id);
    while (!lease) {
      const running = this.leases.get(id)!;
      running.controller.abort(new TusError(ERRORS.terminated));
      await running.released;
      lease = this.lease(id);
    }
    try {
      return await this.removeFiles(id);
    } finally {
      lease.release();
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
      const lease = this.lease(info.id);
      if (!lease) continue;
      try {
        await this.removeFiles(info.id);
      } finally {
        lease.release();
      }
      removed++;
      await Promise.resolve(this.onExpired?.(info)).catch((error) => console.error("tus onTerminate(expired) failed:", error));
    }
    return removed;
  }

  /** Every upload on disk, in no particular order. */
  async list(): Promise<TusUploadInfo[]> {
    const infos: TusUploadInfo[] = [];
    for (const name of await readdir(this.directory)) {
      // Temp files of an unfinished save end in ".tmp", never ".json".
      const info = name.endsWith(".json") ? await this.get(name.slice(0, -".json".length)) : undefined;
      if (info) infos.push(info);
    }
    return infos;
  }

  /** Takes the upload's write lease, or undefined if another request holds it. */
  lease(id: string): UploadLease | undefined {
    if (this.leases.has(id)) return undefined;
    const controller = new AbortController();
    const { promise: released, resolve } = Promise.withResolvers<void>();
    const entry = { controller, released };
    this.leases.set(id, entry);
    return {
      signal: controller.signal,
      release: () => {
        // Only this lease: releasing twice must not free the next holder's.
        if (this.leases.get(id) === entry) this.leases.delete(id);
        resolve();
      },
    };
  }

  /** Asks every running write to stop (process shutdown). */
  abortAll(): void {
    for (const { controller } of this.leases.values()) controller.abort(new TusError(ERRORS.closing));
  }

  /** Opens the data file for appending at `info.offset`; hold the lease while it is open. */
  async openAppender(info: TusUploadInfo): Promise<DiskAppender> {
    // Appending would create a missing data file: an upload whose bytes went
    // to its owner (or were lost) must stay without one.
    const size = await stat(this.dataPath(info.id)).then(
      (stats) => stats.size,
      () => undefined,
    );
    if (size === undefined || size < info.offset) {
      if (size !== undefined) console.error(`tus data file ${info.id} has ${size} bytes but its info records ${info.offset}`);
      throw new TusError(ERRORS.dataGone);
    }
    const handle = await open(this.dataPath(info.id), "a");
    try {
      // A crash after writing but before the info was saved leaves bytes the
      // offset never counted: they are dropped, and the client resends them.
      if (size > info.offset) await handle.truncate(info.offset);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new DiskAppender(handle, info.offset);
  }

  /** The first `length` stored bytes of an upload. */
  async readHead(id: string, length: number): Promise<Uint8Array> {
    return Bun.file(this.dataPath(id)).slice(0, length).bytes();
  }

  private infoPath(id: string): string {
    return `${this.dataPath(id)}.json`;
  }

  private async removeFiles(id: string): Promise<TusUploadInfo | undefined> {
    const info = await this.get(id);
    await rm(this.infoPath(id), { force: true });
    await rm(this.dataPath(id), { force: true });
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

/** Appends one PATCH's bytes to a data file; the write resolving is the back-pressure on the request body. */
export class DiskAppender implements BodyTarget {
  private readonly writer: FileWriter;

  constructor(
    handle: FileHandle,
    private readonly startOffset: number,
  ) {
    this.writer = new FileWriter(handle);
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.writer.write(bytes);
  }

  /** The bytes written so far count: close the file. */
  finish(): Promise<void> {
    return this.writer.close();
  }

  /** Cuts the file back to where this PATCH started, as if it never ran, and closes it. */
  async discard(): Promise<void> {
    await this.writer.truncate(this.startOffset).finally(() => this.writer.close());
  }
}
