import { UploadCancelledError } from "./chunks";

export { UploadCancelledError };

/** The uploads running now, by session and upload id, so a cancel can stop them. */
export class InflightUploads {
  readonly #running = new Map<string, Set<AbortController>>();

  /** Registers an upload; the returned function forgets it. */
  start(sessionId: string, uploadId: string, controller: AbortController): () => void {
    const key = keyOf(sessionId, uploadId);
    let controllers = this.#running.get(key);
    if (!controllers) this.#running.set(key, (controllers = new Set()));
    controllers.add(controller);
    return () => {
      controllers.delete(controller);
      if (controllers.size === 0 && this.#running.get(key) === controllers) this.#running.delete(key);
    };
  }

  /** Aborts every running upload of `uploadId` in the session; returns how many. */
  cancel(sessionId: string, uploadId: string): number {
    const controllers = this.#running.get(keyOf(sessionId, uploadId)) ?? new Set();
    for (const controller of controllers) controller.abort(new UploadCancelledError());
    return controllers.size;
  }

  get size(): number {
    return this.#running.size;
  }
}

const keyOf = (sessionId: string, uploadId: string) => `${sessionId}\n${uploadId}`;
