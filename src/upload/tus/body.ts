// Moving one PATCH body into its target: streamed chunk by chunk, never read
// ahead of the target (each read waits for the previous write), never past the
// upload's length, and all-or-nothing when the client sent a checksum.

import type { UploadWriter } from "../storage/writer";
import { ChecksumVerifier, type ExpectedChecksum } from "./checksum";
import { ERRORS, TusError, type TusErrorEntry } from "./protocol";
import type { TusUploadInfo } from "./stores";

/** Where a PATCH's bytes go in place of the data store: a hook's (a chunk handler's queue). */
export interface TusSink {
  /** Take `bytes` at `offset`; resolve when they are safely stored/consumed (back-pressure). */
  write(info: TusUploadInfo, offset: number, bytes: Uint8Array): Promise<void>;
}

/** Streams straight into a sink: what it took stays taken, so checksummed PATCHes never come here. */
export function streamingSinkTarget(sink: TusSink, info: TusUploadInfo, from = info.offset): UploadWriter {
  let position = from;
  return {
    async write(bytes) {
      await sink.write(info, position, bytes);
      position += bytes.length;
    },
    async finish() {},
    async discard() {
      throw new Error("A streaming sink cannot take bytes back; checksummed PATCHes use bufferedSinkTarget");
    },
  };
}

/** Holds a checksummed PATCH in memory (at most `maxBytes`) and hands it to the sink only once it verified. */
export function bufferedSinkTarget(sink: TusSink, info: TusUploadInfo, maxBytes: number, from = info.offset): UploadWriter {
  let chunks: Uint8Array[] = [];
  let size = 0;
  return {
    async write(bytes) {
      if (size + bytes.length > maxBytes) throw new TusError(ERRORS.chunkTooLarge);
      // The request body may reuse its buffers once read: keep a copy.
      chunks.push(bytes.slice());
      size += bytes.length;
    },
    async finish() {
      if (size > 0) await sink.write(info, from, Buffer.concat(chunks, size));
      chunks = [];
    },
    async discard() {
      chunks = [];
    },
  };
}

/** The target's write, or the abort reason as soon as the lease is aborted: a stuck sink must not hold a DELETE forever. */
function untilAborted(write: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    write.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

export interface ReceiveOptions {
  info: TusUploadInfo;
  target: UploadWriter;
  checksum: ExpectedChecksum | undefined;
  /** Aborted (with a TusError reason) when a DELETE or shutdown wants the upload: reading and waiting stop. */
  signal: AbortSignal;
  onProgress?: (info: TusUploadInfo) => void;
  /** With a checksum: the offset the upload reaches if this PATCH verifies, as its bytes arrive. */
  onArrived?: (offset: number) => void;
  /** The upload's first bytes are checked before any of them count (see HeadGate). */
  head?: HeadGate;
}

/**
 * Holds back an upload's first `length` bytes until `check` has seen them.
 * `prefix` is what earlier PATCHes brought of them: a data file has stored
 * it already (nothing reaches a handler before the upload completes); a sink
 * hands bytes on at once, so its prefix waited in memory (`keep`) and is
 * written first once the check passed.
 */
export interface HeadGate {
  length: number;
  prefix: Uint8Array;
  prefixStored: boolean;
  /** For a sink: the head so far, when a body ended before the whole head came. */
  keep(head: Uint8Array): void;
  check(head: Uint8Array): Promise<void>;
}

/**
 * Streams `body` into the target and advances `info.offset` by the bytes that
 * count; the caller saves the info afterwards, even when this throws.
 *
 * Without a checksum every stored chunk counts at once, so a client that
 * drops mid-PATCH keeps what arrived ("Servers SHOULD always attempt to store
 * as much of the received data as possible"). With one, nothing counts until
 * the whole body verified.
 */
export async function receiveBody(body: ReadableStream<Uint8Array> | null, options: ReceiveOptions): Promise<void> {
  const { info, target, checksum, signal, onProgress, onArrived } = options;
  const verifier = checksum && new ChecksumVerifier(checksum);
  const reader = body?.getReader();
  const stopReading = () => void reader?.cancel().catch(() => {});
  signal.addEventListener("abort", stopReading);
  const start = info.offset;
  let received = 0;
  let read = 0;
  let failure: TusErrorEntry | undefined;
  const gate = options.head && start < options.head.length ? options.head : undefined;
  let held: Uint8Array[] | undefined = gate ? [] : undefined;
  const count = (bytes: number) => {
    received += bytes;
    if (verifier) onArrived?.(start + received);
    else {
      info.offset = start + received;
      onProgress?.(info);
    }
  };
  // A target that cannot finish may not have kept what it took (a bucket's buffered part): none of this PATCH counts.
  const finish = () =>
    target.finish().catch((error) => {
      info.offset = start;
      throw error;
    });
  const store = async (chunk: Uint8Array) => {
    await untilAborted(target.write(chunk), signal);
    count(chunk.length);
  };
  let shortHead: Uint8Array | undefined;
  try {
    while (reader) {
      let chunk: Uint8Array;
      try {
        const next = await reader.read();
        if (next.done) break;
        chunk = next.value;
      } catch {
        failure = ERRORS.bodyInterrupted;
        break;
      }
      // A chunk that would cross the length is not stored, nor anything after it.
      if (start + read + chunk.length > info.length) {
        failure = ERRORS.pastLength;
        stopReading();
        break;
      }
      read += chunk.length;
      verifier?.update(chunk);
      if (held && gate) {
        // The request body may reuse its buffers once read: keep a copy.
        held.push(chunk.slice());
        if (start + read < gate.length) continue;
        const heldBytes = Buffer.concat(held);
        held = undefined;
        await gate.check(Buffer.concat([gate.prefix, heldBytes]).subarray(0, gate.length));
        if (!gate.prefixStored && gate.prefix.length > 0) await untilAborted(target.write(gate.prefix), signal);
        chunk = heldBytes;
      }
      await store(chunk);
    }
    if (held && held.length > 0 && gate) {
      const heldBytes = Buffer.concat(held);
      if (gate.prefixStored) await store(heldBytes);
      else {
        // Kept once the body verified (below); counted now, like stored bytes.
        shortHead = Buffer.concat([gate.prefix, heldBytes]);
        count(heldBytes.length);
      }
    }
  } catch (error) {
    // The target failed or the lease was aborted: keep what already counted, or nothing for a checksummed PATCH.
    await (verifier ? target.discard() : finish()).catch(() => {});
    throw error;
  } finally {
    signal.removeEventListener("abort", stopReading);
  }
  if (signal.aborted) {
    await (verifier ? target.discard() : finish()).catch(() => {});
    throw signal.reason;
  }

  if (verifier) {
    // "Once the entire request has been received, the Server MUST verify the
    // uploaded chunk against the provided checksum ... [on 460 Checksum
    // Mismatch] the uploaded chunk MUST be discarded, and the upload and its
    // offset MUST NOT be updated."
    if (failure || !verifier.matches()) {
      await target.discard();
      throw new TusError(failure ?? ERRORS.checksumMismatch);
    }
    await target.finish();
    if (received > 0) {
      info.offset = start + received;
      onProgress?.(info);
    }
  } else {
    await finish();
  }
  if (shortHead) gate?.keep(shortHead);
  if (failure) throw new TusError(failure);
}
