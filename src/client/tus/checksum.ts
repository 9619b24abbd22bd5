// Per-chunk SHA-256 for tus's checksum extension, base64 as the header wants
// it. In a worker when the page can run one; on this thread otherwise (the
// worker would not load, or no Worker exists), which is slower but correct.

import { base64 } from "./http";
import type { HashAnswer, HashRequest } from "./hash-worker";

/** The base64 SHA-256 of a chunk. */
export type Checksum = (chunk: Blob) => Promise<string>;

export interface Hasher {
  checksum: Checksum;
  /** Ends the worker; call when the batch is over. */
  close(): void;
}

export async function hashHere(chunk: Blob): Promise<string> {
  return base64(new Uint8Array(await crypto.subtle.digest("SHA-256", await chunk.arrayBuffer())));
}

/** A hasher backed by the worker script at `url`; falls back to hashHere for good once the worker fails. */
export function startHasher(url: string | undefined): Hasher {
  let worker: Worker | undefined;
  try {
    if (url && typeof Worker === "function") worker = new Worker(url, { type: "module" });
  } catch {}
  if (!worker) return { checksum: hashHere, close() {} };

  const waiting = new Map<number, { chunk: Blob; resolve: (digest: string) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let failed = false;
  const fallBack = () => {
    failed = true;
    worker?.terminate();
    for (const { chunk, resolve, reject } of waiting.values()) hashHere(chunk).then(resolve, reject);
    waiting.clear();
  };
  worker.addEventListener("error", fallBack);
  worker.addEventListener("messageerror", fallBack);
  worker.addEventListener("message", (event: MessageEvent<HashAnswer>) => {
    const answer = event.data;
    const entry = waiting.get(answer.id);
    if (!entry) return;
    waiting.delete(answer.id);
    if ("digest" in answer) entry.resolve(answer.digest);
    else entry.reject(new Error(answer.error));
  });
  return {
    checksum(chunk) {
      if (failed) return hashHere(chunk);
      return new Promise((resolve, reject) => {
        const id = ++nextId;
        waiting.set(id, { chunk, resolve, reject });
        // A Blob crosses to the worker by reference: no bytes are copied here.
        worker.postMessage({ id, chunk } satisfies HashRequest);
      });
    },
    close() {
      worker.terminate();
      for (const { reject } of waiting.values()) reject(new DOMException("The upload ended", "AbortError"));
      waiting.clear();
    },
  };
}
