/**
 * The one way upload bytes are written, whatever holds them: a spooled temp
 * file, a tus upload's data file or its parts in a bucket, a chunk handler's
 * queue. Each write resolves once the bytes are taken, so the next chunk is
 * read only then: the back-pressure that keeps memory flat.
 */
export interface UploadWriter {
  /** Resolves once the bytes are stored, so the next chunk may be read. */
  write(bytes: Uint8Array): Promise<void>;
  /** The bytes written so far count. */
  finish(): Promise<void>;
  /** None of the bytes written since the writer opened count; never throws for bytes already gone. */
  discard(): Promise<void>;
}
