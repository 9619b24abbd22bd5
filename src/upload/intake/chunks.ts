import { HttpError } from "../../errors";

/** One piece of an uploaded file, as a chunk handler receives it. */
export interface UploadChunk {
  filename: string;
  /** Where `data` starts in the file. */
  offset: number;
  contentType: string;
  data: Uint8Array;
}

/** Thrown into a handler's loop when its upload was cancelled; catch it to clean up. */
export class UploadCancelledError extends HttpError {
  constructor(message = "The upload was cancelled") {
    super(409, message);
    this.name = "UploadCancelledError";
  }
}

/** Refuses bytes when the handler stopped reading before the upload ended. */
export class HandlerStoppedReadingError extends HttpError {
  constructor(reason: string) {
    super(422, reason);
    this.name = "HandlerStoppedReadingError";
  }
}

export interface ChunkQueueOptions {
  /** Bytes waiting for the handler before the network is held back. @default 16 MiB */
  maxQueuedBytes?: number;
}

/**
 * What a chunk handler iterates: `for await (const chunk of chunkIter)`.
 * Every byte arrives once, in order per file. The queue between network
 * and handler is bounded: a slow handler slows the upload.
 */
export class UploadChunkIterator implements AsyncIterable<UploadChunk> {
  readonly #queue: UploadChunk[] = [];
  readonly #maxQueuedBytes: number;
  #queuedBytes = 0;
  #ended = false;
  #failure: Error | undefined;
  #stopped: Error | undefined;
  #wakeConsumer: (() => void) | undefined;
  readonly #waitingProducers: (() => void)[] = [];

  constructor(options: ChunkQueueOptions = {}) {
    this.#maxQueuedBytes = options.maxQueuedBytes ?? 16 * 1024 * 1024;
  }

  // ---------------------------------------------------------------- producer side (internal)

  /** Queues a chunk; resolves once there is room, rejects when the handler stopped reading. */
  async push(chunk: UploadChunk): Promise<void> {
    while (!this.#stopped && !this.#failure && this.#queuedBytes > 0 && this.#queuedBytes + chunk.data.byteLength > this.#maxQueuedBytes) {
      await new Promise<void>((resolve) => this.#waitingProducers.push(resolve));
    }
    if (this.#stopped) throw this.#stopped;
    if (this.#failure) throw this.#failure;
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.data.byteLength;
    this.#wake();
  }

  /** Every file is complete: the handler's loop ends after the last queued chunk. */
  end(): void {
    this.#ended = true;
    this.#wake();
  }

  /** The upload failed or was cancelled: the handler's next step throws `error`. */
  fail(error: Error): void {
    this.#failure ??= error;
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    this.#wake();
  }

  /** Marks that the handler will not read on; pushes are refused with `reason`. */
  stop(reason: string): void {
    this.#stopped ??= new HandlerStoppedReadingError(reason);
    this.#wake();
  }

  get isOpen(): boolean {
    return !this.#ended && !this.#failure && !this.#stopped;
  }

  // ---------------------------------------------------------------- consumer side

  async *[Symbol.asyncIterator](): AsyncGenerator<UploadChunk> {
    try {
      while (true) {
        if (this.#failure) throw this.#failure;
        const chunk = this.#queue.shift();
        if (chunk) {
          this.#queuedBytes -= chunk.data.byteLength;
          this.#wakeProducers();
          yield chunk;
          continue;
        }
        if (this.#ended) return;
        await new Promise<void>((resolve) => (this.#wakeConsumer = resolve));
      }
    } finally {
      // A loop left early (break, return, throw) will read nothing more.
      if (!this.#ended || this.#queue.length > 0) this.stop("The handler stopped reading before the upload ended");
    }
  }

  #wake(): void {
    const consumer = this.#wakeConsumer;
    this.#wakeConsumer = undefined;
    consumer?.();
    this.#wakeProducers();
  }

  #wakeProducers(): void {
    for (const producer of this.#waitingProducers.splice(0)) producer();
  }
}
