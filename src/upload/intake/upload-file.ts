import { resolve } from "node:path";
import { placeFile } from "../storage/place";
import { fileSource, type UploadSource } from "../storage/source";
import { getUploadStorage } from "../storage/storage";

/**
 * A file received by an upload handler, its bytes in temporary storage (a
 * spooled file, or a finished tus upload). Read it with `stream()`,
 * `bytes()` or `text()`, keep it with `save()` (the app's upload storage)
 * or `moveTo()` (a path of your own); what is not kept is deleted when the
 * handler returns.
 */
export class UploadFile {
  #source: UploadSource;
  #kept = false;

  constructor(
    /** The name the browser sent, made safe: `join(getUploadDir(), file.name)` stays inside it. */
    readonly name: string,
    readonly size: number,
    /** The declared MIME type (checked against the zone's `accept` and the file's first bytes). */
    readonly contentType: string,
    source: UploadSource,
    /** For a file picked or dropped in a folder: its path in that folder, made safe (`photos/2024/a.png`); else its name. */
    readonly relativePath: string = name,
  ) {
    this.#source = source;
  }

  /** Where the bytes are on this machine's disk, when they are: the temporary file, or where `moveTo` put them. */
  get path(): string | undefined {
    return this.#source.path;
  }

  /** The bytes as a stream: memory stays flat whatever the size. */
  stream(): ReadableStream<Uint8Array> {
    return this.#source.blob.stream();
  }

  /** The whole file in memory: fine for small files; prefer stream() or save() for large ones. */
  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.#source.blob.arrayBuffer());
  }

  async text(): Promise<string> {
    return this.#source.blob.text();
  }

  /**
   * Keeps the file in the app's upload storage under `key` (default: its
   * relative path), replacing what was there, and returns the key for
   * `getUploadUrl(key)`. The same call works whatever the storage: the
   * upload directory on disk, or a bucket when one is configured.
   */
  async save(key: string = this.relativePath): Promise<string> {
    const stored = await getUploadStorage().save(key, this.#source);
    this.#kept = true;
    return stored;
  }

  /**
   * Moves the file to `destination` on this machine (parent folders created,
   * an existing file replaced) without copying when both are on one disk.
   */
  async moveTo(destination: string): Promise<string> {
    const target = resolve(destination);
    await placeFile(this.#source, target);
    this.#source = fileSource(target);
    this.#kept = true;
    return target;
  }

  /** Internal: frees the temporary bytes unless the handler kept them. */
  async discard(): Promise<void> {
    if (!this.#kept) await this.#source.discard().catch(() => {});
  }
}
