// The disk side of multipart spooling: one fresh temp file per file part,
// written with the slices the parser hands over, without copying them.

import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import { SNIFF_BYTES as HEAD_SIZE } from "../rules/sniff";
import { FileWriter } from "./file-writer";
import type { UploadWriter } from "./writer";

export class TempFile implements UploadWriter {
  size = 0;
  private readonly headBuffer = new Uint8Array(HEAD_SIZE);

  private constructor(
    readonly path: string,
    private readonly writer: FileWriter,
  ) {}

  /** Creates an empty file with a random name in dir; never reuses an existing one. */
  static async create(dir: string): Promise<TempFile> {
    const path = join(dir, `upload-${crypto.randomUUID()}`);
    // "wx": fail rather than write into a file that is already there.
    const handle = await open(path, "wx", 0o600);
    return new TempFile(path, new FileWriter(handle));
  }

  /** Resolves once the bytes are handed to the OS, so the caller may read the next chunk. */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.size < HEAD_SIZE) this.headBuffer.set(bytes.subarray(0, HEAD_SIZE - this.size), this.size);
    await this.writer.write(bytes);
    this.size += bytes.length;
  }

  get head(): Uint8Array {
    return this.headBuffer.slice(0, Math.min(this.size, HEAD_SIZE));
  }

  /** The file is whole: close it, for its handler to read. */
  finish(): Promise<void> {
    return this.writer.close();
  }

  /** Closes and deletes the file; never throws, as it runs while another error is on its way. */
  async discard(): Promise<void> {
    await this.finish().catch(() => {});
    await rm(this.path, { force: true }).catch(() => {});
  }
}
