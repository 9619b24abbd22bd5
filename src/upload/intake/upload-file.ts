import { copyFile, mkdir, rename, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/**
 * A file received by an upload handler, already on disk in temporary
 * storage. Read it with `stream()`, `bytes()` or `text()`, or keep it with
 * `moveTo()`; what is not moved is deleted when the handler returns.
 */
export class UploadFile {
  #path: string;
  #moved = false;

  constructor(
    /** The name the browser sent, made safe: `join(getUploadDir(), file.name)` stays inside it. */
    readonly name: string,
    readonly size: number,
    /** The declared MIME type (checked against the zone's `accept` and the file's first bytes). */
    readonly contentType: string,
    path: string,
  ) {
    this.#path = path;
  }

  /** Where the bytes are now: the temporary file, or where `moveTo` put them. */
  get path(): string {
    return this.#path;
  }

  /** The bytes as a stream, read from disk: memory stays flat whatever the size. */
  stream(): ReadableStream<Uint8Array> {
    return Bun.file(this.#path).stream();
  }

  /** The whole file in memory: fine for small files; prefer stream() or moveTo() for large ones. */
  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await Bun.file(this.#path).arrayBuffer());
  }

  async text(): Promise<string> {
    return Bun.file(this.#path).text();
  }

  /**
   * Moves the file to `destination` (parent folders created, an existing
   * file replaced) without copying when both are on one disk.
   */
  async moveTo(destination: string): Promise<string> {
    const target = resolve(destination);
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(this.#path, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
      // Another disk: copy beside the target, then swap it in, so no half-written file is ever visible.
      const partial = `${target}.partial-${crypto.randomUUID()}`;
      await copyFile(this.#path, partial);
      await rename(partial, target);
      await rm(this.#path, { force: true });
    }
    this.#path = target;
    this.#moved = true;
    return target;
  }

  /** Internal: deletes the temporary file unless the handler moved it. */
  async discard(): Promise<void> {
    if (!this.#moved) await rm(this.#path, { force: true }).catch(() => {});
  }
}
