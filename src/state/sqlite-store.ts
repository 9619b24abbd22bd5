import { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import type { SessionData } from "./registry";
import { StoreClosedError, type SessionStore } from "./store";

export interface SqliteStoreOptions {
  /** The database file. @default sessions.sqlite in the data directory (HYPERSTATE_DATA_DIR) */
  path: string;
  /** Idle time after which a session is dropped. @default 24 hours */
  ttlMs?: number;
  /** Most sessions kept; the least recently used go first. @default 10_000 */
  maxSessions?: number;
  /** How often expired sessions are swept. @default 60 seconds */
  sweepIntervalMs?: number;
}

/** Marks a database as ours (PRAGMA application_id), so a foreign file is refused, not rewritten. "hsst" in ASCII. */
const APPLICATION_ID = 0x68737374;
const SCHEMA_VERSION = 1;

/** Longest a read's renewal waits before it is written (a save writes it at once). */
const RENEWAL_DELAY_MS = 1000;

/**
 * Sessions in one SQLite file (WAL): they survive a restart and a
 * `bun --watch` reload, with the memory store's bounds. `touched` is a
 * sequence, not a clock, so the least recently used session is exact even
 * when many are saved in one millisecond. A read is a plain SELECT: the
 * renewal it makes (recency and ttl) is kept in memory and written with
 * the next save, sweep or close, or within a second, so an event costs one
 * write transaction, not three.
 */
export class SqliteStore implements SessionStore {
  readonly path: string;
  readonly #db: Database;
  readonly #ttlMs: number;
  readonly #maxSessions: number;
  readonly #sweeper: ReturnType<typeof setInterval>;
  readonly #statements;
  /** Renewals not written yet, in the order the reads happened: session id -> new expiry. */
  readonly #renewals = new Map<string, number>();
  #renewalTimer?: ReturnType<typeof setTimeout>;
  #closed = false;

  constructor(options: SqliteStoreOptions) {
    this.path = options.path;
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#maxSessions = options.maxSessions ?? 10_000;
    this.#db = shareDatabase(this.path);
    const next = "(SELECT COALESCE(MAX(touched), 0) + 1 FROM sessions)";
    const statements = {
      get: this.#db.query<{ data: string; expires: number }, [string]>("SELECT data, expires FROM sessions WHERE id = ?1"),
      renew: this.#db.query<never, [number, string]>(`UPDATE sessions SET touched = ${next}, expires = ?1 WHERE id = ?2`),
      set: this.#db.query<never, [string, string, number]>(
        `INSERT INTO sessions (id, data, touched, expires) VALUES (?1, ?2, ${next}, ?3)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, touched = excluded.touched, expires = excluded.expires`,
      ),
      count: this.#db.query<{ count: number }, []>("SELECT COUNT(*) AS count FROM sessions"),
      evict: this.#db.query<never, [number]>("DELETE FROM sessions WHERE id IN (SELECT id FROM sessions ORDER BY touched LIMIT ?1)"),
      delete: this.#db.query<never, [string]>("DELETE FROM sessions WHERE id = ?1"),
      sweep: this.#db.query<never, [number]>("DELETE FROM sessions WHERE expires <= ?1"),
    };
    this.#statements = statements;
    this.#save = this.#db.transaction((sessionId: string, json: string) => {
      this.#writeRenewals();
      statements.set.run(sessionId, json, Date.now() + this.#ttlMs);
      // Expired rows not yet swept are the least recent, so they are evicted first.
      const over = statements.count.get()!.count - this.#maxSessions;
      if (over > 0) statements.evict.run(over);
    });
    this.#flushRenewals = this.#db.transaction(() => this.#writeRenewals());
    this.#sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000);
    this.#sweeper.unref?.();
  }

  readonly #save: (sessionId: string, json: string) => void;
  readonly #flushRenewals: () => void;

  async get(sessionId: string): Promise<SessionData | undefined> {
    this.#refuseIfClosed();
    const now = Date.now();
    const row = this.#statements.get.get(sessionId);
    if (!row || Math.max(row.expires, this.#renewals.get(sessionId) ?? 0) <= now) return undefined;
    // Re-inserting moves the session to the young end of the pending renewals.
    this.#renewals.delete(sessionId);
    this.#renewals.set(sessionId, now + this.#ttlMs);
    this.#renewalTimer ??= setTimeout(() => this.#flushPending(), RENEWAL_DELAY_MS);
    this.#renewalTimer.unref?.();
    return JSON.parse(row.data) as SessionData;
  }

  async set(sessionId: string, data: SessionData): Promise<void> {
    this.#refuseIfClosed();
    this.#save(sessionId, JSON.stringify(data));
  }

  async delete(sessionId: string): Promise<void> {
    this.#refuseIfClosed();
    this.#renewals.delete(sessionId);
    this.#statements.delete.run(sessionId);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flushPending();
    this.#closed = true;
    clearInterval(this.#sweeper);
    releaseDatabase(this.path);
  }

  /** Drops every session idle for longer than the TTL. */
  sweep(now = Date.now()): void {
    if (this.#closed) return;
    this.#flushPending();
    this.#statements.sweep.run(now);
  }

  #flushPending(): void {
    clearTimeout(this.#renewalTimer);
    this.#renewalTimer = undefined;
    if (this.#renewals.size && !this.#closed) this.#flushRenewals();
  }

  /** Inside a transaction: each renewal in the order of its read, so recency stays exact. */
  #writeRenewals(): void {
    for (const [sessionId, expires] of this.#renewals) this.#statements.renew.run(expires, sessionId);
    this.#renewals.clear();
  }

  #refuseIfClosed(): void {
    if (this.#closed) throw new StoreClosedError("SQLite");
  }
}

/**
 * One connection per file in a process, however many apps (and test apps)
 * open it: file handles stay three per file, not three per app.
 */
const shared = new Map<string, { db: Database; users: number }>();

function shareDatabase(path: string): Database {
  const entry = shared.get(path) ?? { db: openSessionDatabase(path), users: 0 };
  entry.users += 1;
  shared.set(path, entry);
  return entry.db;
}

function releaseDatabase(path: string): void {
  const entry = shared.get(path);
  if (!entry || --entry.users > 0) return;
  shared.delete(path);
  entry.db.close();
}

/**
 * Opens the file, or creates it. A file that is not SQLite, is damaged, or
 * holds another program's tables is refused with an error naming it: it is
 * never emptied or replaced, so no data is lost silently.
 */
function openSessionDatabase(path: string): Database {
  const existed = existsSync(path);
  let db: Database | undefined;
  try {
    db = new Database(path, { create: true, strict: true });
    db.run("PRAGMA busy_timeout = 5000");
    if (existed) refuseForeign(db, path);
    db.run("PRAGMA journal_mode = WAL");
    db.run("PRAGMA synchronous = NORMAL");
    db.transaction(() => {
      db!.run(`PRAGMA application_id = ${APPLICATION_ID}`);
      db!.run(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      db!.run(`CREATE TABLE IF NOT EXISTS sessions (
        id TEXT PRIMARY KEY, data TEXT NOT NULL, touched INTEGER NOT NULL, expires INTEGER NOT NULL
      ) WITHOUT ROWID`);
      db!.run("CREATE INDEX IF NOT EXISTS sessions_by_touched ON sessions (touched)");
      // No index on expires: the sweep scans once a minute, and every save is one index cheaper (110 -> 45 µs here).
      db!.run("DROP INDEX IF EXISTS sessions_by_expiry");
    })();
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof SessionFileError) throw error;
    throw new SessionFileError(path, `cannot be opened as a hyperstate session database (${(error as Error).message})`);
  }
}

function refuseForeign(db: Database, path: string): void {
  const check = db.query<{ quick_check: string }, []>("PRAGMA quick_check").all();
  if (check.length !== 1 || check[0]!.quick_check !== "ok") {
    throw new SessionFileError(path, `is damaged (${check.map((row) => row.quick_check).join("; ")})`);
  }
  const { application_id } = db.query<{ application_id: number }, []>("PRAGMA application_id").get()!;
  const { tables } = db.query<{ tables: number }, []>("SELECT COUNT(*) AS tables FROM sqlite_schema").get()!;
  if (application_id === APPLICATION_ID || (application_id === 0 && tables === 0)) return;
  throw new SessionFileError(path, "belongs to another program, not to hyperstate's session store");
}

/** The session database cannot be used as it is; the message names the file and what to do. */
export class SessionFileError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`The session database ${path} ${problem}. It was left untouched: move it away, or point HYPERSTATE_DATA_DIR at another directory.`);
    this.name = "SessionFileError";
  }
}
