// Leases kept in this process: enough while one process serves the upload
// directory.

import type { TusLease, TusLocker } from "./stores";

interface Held {
  controller: AbortController;
  released: Promise<void>;
}

export class ProcessLocker implements TusLocker {
  readonly #held = new Map<string, Held>();

  async acquire(id: string): Promise<TusLease | undefined> {
    if (this.#held.has(id)) return undefined;
    const controller = new AbortController();
    const { promise: released, resolve } = Promise.withResolvers<void>();
    const entry = { controller, released };
    this.#held.set(id, entry);
    return {
      signal: controller.signal,
      release: async () => {
        // Only this lease: releasing twice must not free the next holder's.
        if (this.#held.get(id) === entry) this.#held.delete(id);
        resolve();
      },
    };
  }

  async requestRelease(id: string, reason: Error): Promise<void> {
    const held = this.#held.get(id);
    if (!held) return;
    held.controller.abort(reason);
    await held.released;
  }

  abortHeld(reason: Error): void {
    for (const { controller } of this.#held.values()) controller.abort(reason);
  }
}
