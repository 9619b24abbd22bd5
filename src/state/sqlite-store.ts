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

/**
 * Sessions in one SQLite file (WAL): they survive a restart and a
 * `bun --watch` reload, with the memory store's bounds. `touched` is a
 * sequence, not a clock, so the least recently used session is exact even
 * when many are saved in one millisecond.
 */
export class SqliteStore implements SessionStore {
  readonly path: string;
  readonly #db: Database;
  readonly #ttlMs: number;
  readonly #maxSessions: number;
  readonly #sweeper: ReturnType<typeof setInterval>;
  readonly #statements;
  #closed = false;

  constructor(options: SqliteStoreOptions) {
    this.path = options.path;
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#maxSessions = options.maxSessions ?? 10_000;
    this.#db = openSessionDatabase(this.path);
    const next = "(SELECT COALESCE(MAX(touched), 0) + 1 FROM sessions)";
    this.#statements = {
      // A read renews the session's ttl and makes it the most recent.
      get: this.#db.query<{ data: string }, [number, string, number]>(
        `UPDATE sessions SET touched = ${next}, expires = ?1 WHERE id = ?2 AND expires > ?3 RETURNING data`,
      ),
      set: this.#db.query<never, [string, string, number]>(
        `INSERT INTO sessions (id, data, touched, expires) VALUES (?1, ?2, ${next}, ?3)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, touched = excluded.touched, expires = excluded.expires`,
      ),
      count: this.#db.query<{ count: number }, []>("SELECT COUNT(*) AS count FROM sessions"),
      evict: this.#db.query<never, [number]>("DELETE FROM sessions WHERE id IN (SELECT id FROM sessions ORDER BY touched LIMIT ?1)"),
      delete: this.#db.query<never, [string]>("DELETE FROM sessions WHERE id = ?1"),
      sweep: this.#db.query<never, [number]>("DELETE FROM sessions WHERE expires <= ?1"),
    };
    this.#sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000);
    this.#sweeper.unref?.();
  }

  async get(sessionId: string): Promise<SessionData | undefined> {
    this.#refuseIfClosed();
    const now = Date.now();
    const row = this.#statements.get.get(now + this.#ttlMs, sessionId, now);
    return row ? (JSON.parse(row.data) as SessionData) : undefined;
  }

  async set(sessionId: string, data: SessionData): Promise<void> {
    this.#refuseIfClosed();
    this.#statements.set.run(sessionId, JSON.stringify(data), Date.now() + this.#ttlMs);
    // Expired rows not yet swept are the least recent, so they are evicted first.
    const over = this.#statements.count.get()!.count - this.#maxSessions;
    if (over > 0) this.#statements.evict.run(over);
  }

  async delete(sessionId: string): Promise<void> {
    this.#refuseIfClosed();
    this.#statements.delete.run(sessionId);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#db.close();
  }

  /** Drops every session idle for longer than the TTL. */
  sweep(now = Date.now()): void {
    if (!this.#closed) this.#statements.sweep.run(now);
  }

  #refuseIfClosed(): void {
    if (this.#closed) throw new StoreClosedError("SQLite");
  }
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
      db!.run("CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires)");
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
