/** What one process tells the others: this session changed, re-render its tabs. */
export interface SessionChange {
  sessionId: string;
  /** The tab that made the change and already has the render. */
  exceptTab?: string;
  /** Client actions for every tab of the session (from a background handler). */
  actions?: unknown[];
  /** A handler failed away from any request: the tabs show this message. */
  error?: string;
}

/**
 * Fan-out of session changes. In one process the memory bus is enough; with
 * several processes a Redis bus carries the same messages between them.
 */
export interface ChangeBus {
  publish(change: SessionChange): Promise<void>;
  subscribe(listener: (change: SessionChange) => void): () => void;
  close(): Promise<void>;
}

export class MemoryChangeBus implements ChangeBus {
  readonly #listeners = new Set<(change: SessionChange) => void>();

  async publish(change: SessionChange): Promise<void> {
    for (const listener of this.#listeners) listener(change);
  }

  subscribe(listener: (change: SessionChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
