import type { SessionData } from "./registry";

/**
 * Where sessions live between requests: in memory (tests), in SQLite under
 * the data directory (the default), or in Redis (many instances). Every
 * store runs the same conformance suite (test/state/session-store.conformance.ts).
 */
export interface SessionStore {
  get(sessionId: string): Promise<SessionData | undefined>;
  set(sessionId: string, data: SessionData): Promise<void>;
  delete(sessionId: string): Promise<void>;
  /** Stop timers and release connections; afterwards every call rejects. */
  close(): Promise<void>;
}

/** What a closed store answers, so a late write fails loudly instead of vanishing. */
export class StoreClosedError extends Error {
  constructor(store: string) {
    super(`The ${store} session store is closed`);
    this.name = "StoreClosedError";
  }
}

export interface MemoryStoreOptions {
  /** Idle time after which a session is dropped. @default 24 hours */
  ttlMs?: number;
  /** Most sessions kept; the least recently used go first. @default 10_000 */
  maxSessions?: number;
  /** How often expired sessions are swept. @default 60 seconds */
  sweepIntervalMs?: number;
}

/** A bounded in-process store: least recently used first out, idle ones expire. */
export class MemoryStore implements SessionStore {
  readonly #sessions = new Map<string, { data: SessionData; touched: number }>();
  readonly #ttlMs: number;
  readonly #maxSessions: number;
  readonly #sweeper: ReturnType<typeof setInterval>;
  #closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#maxSessions = options.maxSessions ?? 10_000;
    this.#sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000);
    this.#sweeper.unref?.();
  }

  get size(): number {
    return this.#sessions.size;
  }

  async get(sessionId: string): Promise<SessionData | undefined> {
    this.#refuseIfClosed();
    const entry = this.#sessions.get(sessionId);
    if (!entry) return undefined;
    if (Date.now() - entry.touched > this.#ttlMs) {
      this.#sessions.delete(sessionId);
      return undefined;
    }
    this.#touch(sessionId, entry.data);
    return entry.data;
  }

  async set(sessionId: string, data: SessionData): Promise<void> {
    this.#refuseIfClosed();
    this.#touch(sessionId, data);
    for (const oldest of this.#sessions.keys()) {
      if (this.#sessions.size <= this.#maxSessions) break;
      this.#sessions.delete(oldest);
    }
  }

  async delete(sessionId: string): Promise<void> {
    this.#refuseIfClosed();
    this.#sessions.delete(sessionId);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweeper);
  }

  /** Drops every session idle for longer than the TTL. */
  sweep(now = Date.now()): void {
    for (const [sessionId, entry] of this.#sessions) {
      if (now - entry.touched > this.#ttlMs) this.#sessions.delete(sessionId);
    }
  }

  #refuseIfClosed(): void {
    if (this.#closed) throw new StoreClosedError("memory");
  }

  // Map keeps insertion order: re-inserting moves a session to the young end.
  #touch(sessionId: string, data: SessionData): void {
    this.#sessions.delete(sessionId);
    this.#sessions.set(sessionId, { data, touched: Date.now() });
  }
}
