/**
 * Mutual exclusion per session: a handler's load, run and save happen under
 * its session's lock, so two events on one session never overwrite each
 * other. The in-process `KeyedLock` is enough for one process; a Redis lock
 * holds across instances.
 */
export interface SessionLock {
  /** Runs `work` once no other work holds `key`, and passes its result or error through. */
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Keys with work running or queued in this process. */
  readonly size: number;
  /** Stop timers and release connections. */
  close(): Promise<void>;
}

/**
 * One queue per key: work for the same session runs one at a time, in the
 * order it arrived; different sessions run side by side.
 */
export class KeyedLock implements SessionLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => {},
      () => {},
    );
    this.#tails.set(key, tail);
    try {
      return await result;
    } finally {
      // Forget the key once nothing queued behind us, so idle sessions cost nothing.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  get size(): number {
    return this.#tails.size;
  }

  async close(): Promise<void> {}
}
