// Upload bytes on disk: one data file per upload, named by its id, appended
// to by one PATCH at a time.

import { mkdirSync } from "node:fs";
import { open, rm, stat, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { FileWriter } from "../storage/file-writer";
import type { UploadWriter } from "../storage/writer";
import { ERRORS, TusError, UPLOAD_ID_PATTERN } from "./protocol";
import type { TusDataStore, TusUploadInfo } from "./stores";

export class DiskDataStore implements TusDataStore {
  constructor(readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  /** The data file of an upload. */
  localPath(id: string): string {
    // Ids come from URLs: one that could name a path elsewhere never gets this far.
    if (!UPLOAD_ID_PATTERN.test(id)) throw new TypeError(`Not a tus upload id: ${JSON.stringify(id)}`);
    return join(this.directory, id);
  }

  /** "wx" refuses to reuse an existing file. */
  async create(id: string): Promise<void> {
    await (await open(this.localPath(id), "wx", 0o600)).close();
  }

  async append(info: TusUploadInfo): Promise<DiskAppender> {
    // Appending would create a missing data file: an upload whose bytes went
    // to its owner (or were lost) must stay without one.
    const size = await stat(this.localPath(info.id)).then(
      (stats) => stats.size,
      () => undefined,
    );
    if (size === undefined || size < info.offset) {
      if (size !== undefined) console.error(`tus data file ${info.id} has ${size} bytes but its info records ${info.offset}`);
      throw new TusError(ERRORS.dataGone);
    }
    const handle = await open(this.localPath(info.id), "a");
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

  async readHead(id: string, length: number): Promise<Uint8Array> {
    const file = Bun.file(this.localPath(id));
    // Bytes this instance never had (another one's disk) are gone as far as it can tell.
    if (!(await file.exists())) throw new TusError(ERRORS.dataGone);
    return file.slice(0, length).bytes();
  }

  async read(id: string): Promise<Blob> {
    return Bun.file(this.localPath(id));
  }

  exists(id: string): Promise<boolean> {
    return Bun.file(this.localPath(id)).exists();
  }

  async delete(id: string): Promise<void> {
    if (!UPLOAD_ID_PATTERN.test(id)) return;
    await rm(this.localPath(id), { force: true });
  }
}

/** Appends one PATCH's bytes to a data file; the write resolving is the back-pressure on the request body. */
export class DiskAppender implements UploadWriter {
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
