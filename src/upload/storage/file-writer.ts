import type { FileHandle } from "node:fs/promises";
import type { FileSink } from "bun";

/**
 * Writes a file we opened through Bun's FileSink, flushing each chunk: the
 * fastest way measured here (about 3x fs/promises), and each write resolves
 * only once the OS has the bytes, which is the back-pressure on the sender.
 * Bun-specific on purpose, and the one place that is.
 */
export class FileWriter {
  readonly #handle: FileHandle;
  readonly #sink: FileSink;
  #closed = false;

  constructor(handle: FileHandle) {
    this.#handle = handle;
    this.#sink = Bun.file(handle.fd).writer();
  }

  async write(bytes: Uint8Array): Promise<void> {
    await this.#sink.write(bytes);
    await this.#sink.flush();
  }

  /** Cuts the file back to `length` bytes (after flushing what is buffered). */
  async truncate(length: number): Promise<void> {
    await this.#sink.flush();
    await this.#handle.truncate(length);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#sink.end();
    } finally {
      // FileSink over a descriptor it did not open leaves the descriptor open.
      await this.#handle.close();
    }
  }
}
