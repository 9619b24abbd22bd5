// Streams a multipart/form-data body to disk: fields into memory, each file
// into its own temp file, limits checked as bytes arrive. The next chunk is
// read only after the previous one is on disk, so a slow disk slows the
// sender and memory stays flat whatever the file sizes.

import { mkdir } from "node:fs/promises";
import { MalformedBodyError, MultipartError, MultipartParser, getBoundary, type PartEvent } from "./parser";
import { TempFile } from "../storage/temp-file";

export {
  MultipartError,
  MissingBoundaryError,
  MalformedBodyError,
  HeaderTooLargeError,
  TooManyPartsError,
  getBoundary,
} from "./parser";

export interface MultipartLimits {
  /** Bytes of one part's headers. @default 8 * 1024 */
  maxHeaderSize?: number;
  /** @default 1000 */
  maxParts?: number;
  /** Bytes of one non-file field. @default 64 * 1024 */
  maxFieldSize?: number;
  /** Bytes of each file. @default Infinity */
  maxFileSize?: number;
  /** Bytes of all files together. @default Infinity */
  maxTotalFileSize?: number;
  /** @default Infinity */
  maxFiles?: number;
}

export interface FilePartInfo {
  fieldName: string;
  /** Raw, as sent; the caller sanitises it. */
  fileName: string;
  contentType: string;
  /** Position among the file parts of this body, from 0. */
  index: number;
}

export interface SpooledFile extends FilePartInfo {
  path: string;
  size: number;
  /** The first bytes of the file (up to 4100), for content sniffing. */
  head: Uint8Array;
}

export interface SpoolOptions {
  /** Created if missing; each file part gets a fresh temp file with a random name. */
  tempDir: string;
  limits?: MultipartLimits;
  /** Aborting stops reading, deletes the temp files and rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Runs before any byte of the file is written, with the fields read so far
   * (a form's hidden fields come before its files); throw to refuse the file
   * (the error propagates unchanged), or return a tighter size limit for it.
   */
  onFileStart?(info: FilePartInfo, fields: ReadonlyMap<string, string[]>): void | FileLimit | Promise<void | FileLimit>;
  /** Total file bytes on disk so far, after each write; called often, the caller throttles. */
  onProgress?(bytesStored: number): void;
}

export interface FileLimit {
  maxFileSize?: number;
}

export class FileTooLargeError extends MultipartError {
  constructor(fileName: string, limit: number) {
    super(`The file "${fileName}" is larger than the limit of ${limit} bytes.`, 413);
    this.name = "FileTooLargeError";
  }
}

export class TotalFileSizeError extends MultipartError {
  constructor(limit: number) {
    super(`The files together are larger than the limit of ${limit} bytes.`, 413);
    this.name = "TotalFileSizeError";
  }
}

export class FieldTooLargeError extends MultipartError {
  constructor(fieldName: string, limit: number) {
    super(`The field "${fieldName}" is larger than the limit of ${limit} bytes.`, 413);
    this.name = "FieldTooLargeError";
  }
}

export class TooManyFilesError extends MultipartError {
  constructor(limit: number) {
    // DESIGN.md: 413 is for size; other limits are 422.
    super(`The form has more than ${limit} files.`, 422);
    this.name = "TooManyFilesError";
  }
}

type OpenPart =
  | { kind: "file"; info: FilePartInfo; file: TempFile; maxSize: number }
  | { kind: "field"; name: string; chunks: Uint8Array[]; size: number }
  | { kind: "skip" };

const utf8 = new TextDecoder();

export async function spoolMultipart(
  body: ReadableStream<Uint8Array>,
  contentTypeHeader: string | null,
  options: SpoolOptions,
): Promise<{ fields: Map<string, string[]>; files: SpooledFile[] }> {
  const { signal, onFileStart, onProgress } = options;
  const limits = {
    maxHeaderSize: 8 * 1024,
    maxParts: 1000,
    maxFieldSize: 64 * 1024,
    maxFileSize: Infinity,
    maxTotalFileSize: Infinity,
    maxFiles: Infinity,
    ...options.limits,
  };
  const parser = new MultipartParser(getBoundary(contentTypeHeader), limits);
  const fields = new Map<string, string[]>();
  const files: SpooledFile[] = [];
  const tempFiles: TempFile[] = [];
  let fileCount = 0;
  let bytesStored = 0;
  let part: OpenPart = { kind: "skip" };

  async function handle(event: PartEvent): Promise<void> {
    if (event.type === "part") {
      const { name, fileName, contentType } = event.headers;
      if (fileName === undefined) {
        part = { kind: "field", name, chunks: [], size: 0 };
      } else if (fileName === "") {
        part = { kind: "skip" }; // a file input left empty sends a nameless, empty file part
      } else {
        if (fileCount >= limits.maxFiles) throw new TooManyFilesError(limits.maxFiles);
        const info = { fieldName: name, fileName, contentType, index: fileCount++ };
        const fileLimit = await onFileStart?.(info, fields);
        const maxSize = Math.min(limits.maxFileSize, fileLimit?.maxFileSize ?? Infinity);
        const file = await TempFile.create(options.tempDir);
        tempFiles.push(file);
        part = { kind: "file", info, file, maxSize };
      }
    } else if (event.type === "data") {
      const { bytes } = event;
      if (part.kind === "file") {
        if (part.file.size + bytes.length > part.maxSize) {
          throw new FileTooLargeError(part.info.fileName, part.maxSize);
        }
        if (bytesStored + bytes.length > limits.maxTotalFileSize) throw new TotalFileSizeError(limits.maxTotalFileSize);
        await part.file.write(bytes);
        bytesStored += bytes.length;
        onProgress?.(bytesStored);
      } else if (part.kind === "field") {
        part.size += bytes.length;
        if (part.size > limits.maxFieldSize) throw new FieldTooLargeError(part.name, limits.maxFieldSize);
        part.chunks.push(bytes.slice()); // the parser's views are only valid until the next chunk
      }
    } else if (part.kind === "file") {
      await part.file.finish();
      const { info, file } = part;
      files.push({ ...info, path: file.path, size: file.size, head: file.head });
    } else if (part.kind === "field") {
      const value = utf8.decode(Buffer.concat(part.chunks));
      const values = fields.get(part.name);
      if (values) values.push(value);
      else fields.set(part.name, [value]);
    }
  }

  const reader = body.getReader();
  // Cancelling ends a pending read at once, so a stalled sender cannot hold
  // an aborted upload open; the read loop then sees the signal and throws.
  const onAbort = () => reader.cancel(signal!.reason).catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    signal?.throwIfAborted();
    await mkdir(options.tempDir, { recursive: true });
    while (!parser.done) {
      const { done, value } = await readBody(reader);
      signal?.throwIfAborted();
      if (done) {
        parser.finish();
        break;
      }
      for (const event of parser.write(value)) {
        await handle(event);
        signal?.throwIfAborted();
      }
    }
    // What follows the closing boundary is the epilogue: ignored, not read.
    reader.cancel().catch(() => {});
    return { fields, files };
  } catch (error) {
    reader.cancel(error).catch(() => {});
    await Promise.all(tempFiles.map((file) => file.discard()));
    throw error;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

async function readBody(reader: ReadableStreamDefaultReader<Uint8Array>) {
  try {
    return await reader.read();
  } catch (cause) {
    throw new MalformedBodyError("The request body broke off before the upload finished.", { cause });
  }
}
