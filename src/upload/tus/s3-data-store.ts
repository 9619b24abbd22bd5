// Upload bytes in an S3 bucket (Bun's S3 client: AWS, R2, MinIO...), so no
// instance keeps them on its disk. While an upload runs, its bytes are part
// objects of `partSize` each and a shorter tail object, listed in a small
// manifest; the tail is read back and continued by the next PATCH, on any
// instance. Once the last byte is there, the pieces are joined into one
// object by a multipart upload (parts of at least 5 MiB, as S3 requires)
// and removed. Nothing is visible at the upload's object key before that.

import type { S3Client } from "bun";
import { HttpError } from "../../errors";
import type { UploadWriter } from "../storage/writer";
import { ERRORS, TusError, UPLOAD_ID_PATTERN } from "./protocol";
import type { TusDataStore, TusUploadInfo } from "./stores";

export interface S3DataStoreOptions {
  client: S3Client;
  /** Named in error messages. */
  bucket?: string;
  /** Prefix of every key, so apps can share one bucket. @default "tus/" */
  prefix?: string;
  /** Bytes per part object; S3 wants at least 5 MiB in every part of a multipart upload but the last. @default 8 MiB */
  partSize?: number;
}

/** An object holding a run of the upload's bytes. */
interface Piece {
  key: string;
  size: number;
}

/** What of the upload is stored, in order: parts, then the tail. */
interface Manifest {
  parts: Piece[];
  tail: Piece | null;
  complete: boolean;
}

const MiB = 1024 * 1024;
const MIN_PART_SIZE = 5 * MiB;

export class S3DataStore implements TusDataStore {
  readonly client: S3Client;
  readonly partSize: number;
  readonly #prefix: string;
  readonly #bucket: string;

  constructor(options: S3DataStoreOptions) {
    this.client = options.client;
    this.#prefix = options.prefix ?? "tus/";
    this.#bucket = options.bucket ? `bucket "${options.bucket}"` : "the bucket";
    this.partSize = options.partSize ?? 8 * MiB;
    if (this.partSize < MIN_PART_SIZE) throw new RangeError(`partSize must be at least 5 MiB (S3's smallest part), not ${this.partSize}`);
  }

  async create(id: string): Promise<void> {
    if (await this.manifest(id)) throw new Error(`tus upload ${id} exists already in ${this.#bucket}`);
    await this.saveManifest(id, { parts: [], tail: null, complete: false });
  }

  async append(info: TusUploadInfo): Promise<UploadWriter> {
    const manifest = await this.manifest(info.id);
    if (!manifest || manifest.complete) throw new TusError(ERRORS.dataGone);
    const pieces = [...manifest.parts, ...(manifest.tail ? [manifest.tail] : [])];
    const stored = total(pieces);
    if (stored < info.offset) {
      console.error(`tus upload ${info.id} has ${stored} bytes in ${this.#bucket} but its info records ${info.offset}`);
      throw new TusError(ERRORS.dataGone);
    }
    // Whole parts up to the offset stay; the bytes from there to the offset
    // are read back and start the next part.
    const kept: Piece[] = [];
    for (const part of manifest.parts) {
      if (total(kept) + part.size > info.offset) break;
      kept.push(part);
    }
    const prefix = await this.readPieces(pieces.slice(kept.length), info.offset - total(kept));
    if (stored === info.offset) return new S3Appender(this, info, manifest, kept, prefix);
    // A crash after storing but before the info was saved left bytes the
    // offset never counted: they are dropped, and the client resends them.
    const tail = prefix.length > 0 ? await this.writePiece(info.id, "tail", prefix) : null;
    const cut = { parts: kept, tail, complete: false };
    await this.saveManifest(info.id, cut);
    await this.deletePieces(pieces.slice(kept.length));
    return new S3Appender(this, info, cut, kept, prefix);
  }

  async readHead(id: string, length: number): Promise<Uint8Array> {
    const manifest = await this.manifest(id);
    if (!manifest) return new Uint8Array();
    if (manifest.complete) return this.client.file(this.dataKey(id)).slice(0, length).bytes();
    return this.readPieces([...manifest.parts, ...(manifest.tail ? [manifest.tail] : [])], length);
  }

  async read(id: string): Promise<Blob> {
    const manifest = await this.manifest(id);
    if (manifest?.complete) return this.client.file(this.dataKey(id));
    // An upload of length 0 is complete without a byte ever stored.
    if (manifest && manifest.parts.length === 0 && !manifest.tail) return new Blob([]);
    throw new Error(`tus upload ${id} is not complete in ${this.#bucket}`);
  }

  async exists(id: string): Promise<boolean> {
    return (await this.manifest(id)) !== undefined;
  }

  async delete(id: string): Promise<void> {
    if (!UPLOAD_ID_PATTERN.test(id)) return;
    const prefix = `${this.#prefix}${id}/`;
    try {
      for (;;) {
        const listed = await this.client.list({ prefix });
        const keys = (listed.contents ?? []).map((object) => object.key);
        // One at a time: emulators (s3rver) stumble over parallel deletes in one folder.
        for (const key of keys) await this.client.delete(key);
        if (!listed.isTruncated || keys.length === 0) return;
      }
    } catch (error) {
      throw this.storageError(error, "delete");
    }
  }

  // ------------------------------------------------------------ for S3Appender

  async manifest(id: string): Promise<Manifest | undefined> {
    if (!UPLOAD_ID_PATTERN.test(id)) return undefined;
    try {
      return JSON.parse(await this.client.file(this.#key(id, "manifest.json")).text()) as Manifest;
    } catch (error) {
      if ((error as { code?: string }).code === "NoSuchKey") return undefined;
      throw this.storageError(error, "read");
    }
  }

  /** One PUT: S3 shows the old or the new manifest, never a mix. */
  async saveManifest(id: string, manifest: Manifest): Promise<void> {
    await this.#put(this.#key(id, "manifest.json"), JSON.stringify(manifest));
  }

  async writePiece(id: string, kind: "part" | "tail", bytes: Uint8Array): Promise<Piece> {
    const key = this.#key(id, `${kind}-${crypto.randomUUID()}`);
    await this.#put(key, bytes);
    return { key, size: bytes.length };
  }

  /** Removes pieces no manifest lists any more; a failure leaves them to delete(id). */
  async deletePieces(pieces: Piece[]): Promise<void> {
    for (const piece of pieces) await this.client.delete(piece.key).catch(() => {});
  }

  /** The first `length` bytes of `pieces`, read in order. */
  async readPieces(pieces: Piece[], length: number): Promise<Uint8Array> {
    const read: Uint8Array[] = [];
    let remaining = length;
    try {
      for (const piece of pieces) {
        if (remaining <= 0) break;
        const bytes = await this.client.file(piece.key).slice(0, Math.min(piece.size, remaining)).bytes();
        read.push(bytes);
        remaining -= bytes.length;
      }
    } catch (error) {
      throw this.storageError(error, "read");
    }
    return Buffer.concat(read);
  }

  /** Joins the pieces into the upload's object with one multipart upload, then removes them. */
  async assemble(id: string, pieces: Piece[]): Promise<void> {
    try {
      const writer = this.client.file(this.dataKey(id)).writer({ partSize: this.partSize });
      try {
        for (const piece of pieces) await writer.write(await this.client.file(piece.key).bytes());
        await writer.end();
      } catch (error) {
        // Ending with an error aborts the multipart upload: no object appears.
        await Promise.resolve(writer.end(error as Error)).catch(() => {});
        throw error;
      }
    } catch (error) {
      throw this.storageError(error, "write");
    }
    await this.saveManifest(id, { parts: [], tail: null, complete: true });
    await this.deletePieces(pieces);
  }

  dataKey(id: string): string {
    return this.#key(id, "data");
  }

  storageError(error: unknown, action: "read" | "write" | "delete"): unknown {
    if (error instanceof HttpError) return error;
    const code = (error as { code?: string }).code ?? (error as Error).message;
    const kept = action === "write" ? ": what this request sent past the upload's offset was not kept" : "";
    return new HttpError(503, `The upload storage (${this.#bucket}) refused to ${action} (${code})${kept}; try again in a moment`, { "Retry-After": "1" });
  }

  async #put(key: string, body: string | Uint8Array): Promise<void> {
    try {
      await this.client.write(key, body);
    } catch (error) {
      throw this.storageError(error, "write");
    }
  }

  #key(id: string, name: string): string {
    // Ids come from URLs: one that could name another key never gets this far.
    if (!UPLOAD_ID_PATTERN.test(id)) throw new TypeError(`Not a tus upload id: ${JSON.stringify(id)}`);
    return `${this.#prefix}${id}/${name}`;
  }
}

const total = (pieces: Piece[]) => pieces.reduce((sum, piece) => sum + piece.size, 0);

/**
 * One PATCH's bytes: whole parts go to the bucket as they fill (the write
 * waits for them: back-pressure), the rest becomes the tail at finish().
 * The manifest lists each part once it is stored; discard() restores the
 * manifest the PATCH started from.
 */
class S3Appender implements UploadWriter {
  readonly #store: S3DataStore;
  readonly #info: TusUploadInfo;
  readonly #opening: Manifest;
  readonly #parts: Piece[];
  readonly #added: Piece[] = [];
  #buffer: Uint8Array[];
  #buffered: number;
  #wrote = false;

  constructor(store: S3DataStore, info: TusUploadInfo, opening: Manifest, parts: Piece[], prefix: Uint8Array) {
    this.#store = store;
    this.#info = info;
    this.#opening = opening;
    this.#parts = [...parts];
    this.#buffer = prefix.length > 0 ? [prefix] : [];
    this.#buffered = prefix.length;
  }

  async write(bytes: Uint8Array): Promise<void> {
    // The request body may reuse its buffers once read: keep a copy.
    this.#buffer.push(bytes.slice());
    this.#buffered += bytes.length;
    this.#wrote = true;
    while (this.#buffered >= this.#store.partSize) await this.#storePart();
  }

  async finish(): Promise<void> {
    if (!this.#wrote) return;
    const rest = this.#take(this.#buffered);
    const tail = rest.length > 0 ? await this.#store.writePiece(this.#info.id, "tail", rest) : null;
    if (tail) this.#added.push(tail);
    await this.#store.saveManifest(this.#info.id, { parts: this.#parts, tail, complete: false });
    if (this.#opening.tail) await this.#store.deletePieces([this.#opening.tail]);
    const pieces = [...this.#parts, ...(tail ? [tail] : [])];
    if (total(pieces) === this.#info.length) await this.#store.assemble(this.#info.id, pieces);
  }

  async discard(): Promise<void> {
    if (!this.#wrote) return;
    await this.#store.saveManifest(this.#info.id, this.#opening);
    await this.#store.deletePieces(this.#added);
  }

  async #storePart(): Promise<void> {
    const part = await this.#store.writePiece(this.#info.id, "part", this.#take(this.#store.partSize));
    this.#parts.push(part);
    this.#added.push(part);
    // Listed at once: a crash later in the PATCH keeps the part.
    await this.#store.saveManifest(this.#info.id, { parts: this.#parts, tail: null, complete: false });
  }

  /** The first `length` buffered bytes, removed from the buffer. */
  #take(length: number): Uint8Array {
    const all = Buffer.concat(this.#buffer, this.#buffered);
    const taken = all.subarray(0, length);
    const rest = all.subarray(length);
    this.#buffer = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return taken;
  }
}
