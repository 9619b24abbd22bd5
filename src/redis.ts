import { RedisClient } from "bun";
import { HttpError } from "./errors";

/** Where a Redis URL came from, for messages: the env variable or the option. */
export type RedisUrlSource = "REDIS_URL" | "the redisUrl option";

/**
 * Redis is away. Refused before it was sent, the request changed nothing;
 * a command that went out and got no answer may have been carried out.
 */
export class RedisUnavailableError extends HttpError {
  constructor(where: string, reason: string, sent = false) {
    const outcome = sent ? "what was asked may or may not have been saved" : "nothing was saved";
    super(503, `Redis at ${where} is unreachable (${reason}): ${outcome}, try again in a moment`, { "Retry-After": "1" });
    this.name = "RedisUnavailableError";
  }
}

export interface RedisConnectionOptions {
  /** Longest wait for a command's answer: a Redis that hangs (frozen, or cut off without a reset) answers 503, not never. @default 5000 */
  commandTimeoutMs?: number;
}

const RETRY_MS = { first: 100, most: 2000 };
/** Outages already logged, by URL, so four connections to one Redis log one line. */
const reportedDown = new Set<string>();

/**
 * One Redis connection (Bun's client) that fails fast while Redis is away
 * and comes back by itself. Bun's own reconnect queues or retries for about
 * 30 s with every command waiting; here a command answers a 503 at once,
 * and a fresh client is connected in the background until Redis answers.
 */
export class RedisConnection {
  /** Names the server in messages: the source and the URL without its password. */
  readonly where: string;
  readonly #url: string;
  readonly #onConnect?: (client: RedisClient) => Promise<void>;
  readonly #commandTimeoutMs: number;
  #client?: RedisClient;
  #reconnecting?: Promise<void>;
  #retryMs = RETRY_MS.first;
  #lastError = "not connected yet";
  #closed = false;
  readonly #firstAttempt = Promise.withResolvers<void>();
  /** Settles once the first attempt to connect is over; rejects with a message naming the URL when it failed. */
  readonly ready = this.#firstAttempt.promise;
  #firstSettled = false;

  /** `onConnect` runs on every new connection before it is used (a subscriber subscribes there). */
  constructor(url: string, source: RedisUrlSource, onConnect?: (client: RedisClient) => Promise<void>, options: RedisConnectionOptions = {}) {
    this.#url = url;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 5000;
    this.where = `${source} (${redact(url)})`;
    this.#onConnect = onConnect;
    // Nobody has to wait for the first attempt: a failure is logged and requests answer 503.
    this.ready.then(
      () => (this.#firstSettled = true),
      () => (this.#firstSettled = true),
    );
    this.#reconnecting = this.#connectUntilUp();
  }

  /** Runs a raw command; while Redis is away, rejects at once with RedisUnavailableError. */
  async send(command: string, args: string[]): Promise<any> {
    // Right after start, wait for the first attempt (bounded by its connect timeout) rather than refuse.
    if (!this.#firstSettled) await this.ready.catch(() => {});
    const client = this.#client;
    if (this.#closed) throw new Error(`The Redis connection to ${this.where} is closed`);
    if (!client?.connected) {
      this.#reconnect();
      throw new RedisUnavailableError(this.where, this.#lastError);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const silence = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CommandTimeout(this.#commandTimeoutMs)), this.#commandTimeoutMs);
    });
    try {
      return await Promise.race([client.send(command, args), silence]);
    } catch (error) {
      if (error instanceof CommandTimeout) {
        // Answers may still come, out of step with the next commands: start over on a fresh connection.
        if (this.#client === client) client.close();
        this.#lastError = error.message;
        this.#reconnect();
        throw new RedisUnavailableError(this.where, error.message, true);
      }
      if (!isConnectionError(error)) throw error;
      this.#lastError = (error as Error).message;
      this.#reconnect();
      throw new RedisUnavailableError(this.where, this.#lastError);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.#closed = true;
    this.#client?.close();
  }

  #reconnect(): void {
    this.#reconnecting ??= this.#connectUntilUp();
  }

  async #connectUntilUp(): Promise<void> {
    let first = true;
    while (!this.#closed) {
      const client = new RedisClient(this.#url, { autoReconnect: false, enableOfflineQueue: false, connectionTimeout: 3000 });
      try {
        await client.connect();
        await this.#onConnect?.(client);
        if (this.#closed) return client.close();
        client.onclose = (error) => {
          if (this.#client !== client || this.#closed) return;
          this.#lastError = error?.message ?? "connection closed";
          this.#reconnect();
        };
        this.#client?.close();
        this.#client = client;
        this.#retryMs = RETRY_MS.first;
        this.#reconnecting = undefined;
        if (reportedDown.delete(this.#url)) console.error(`hyperstate: Redis at ${this.where} answers again`);
        this.#firstAttempt.resolve();
        return;
      } catch (error) {
        client.close();
        this.#lastError = (error as Error).message;
        if (first) this.#firstAttempt.reject(new RedisUnavailableError(this.where, this.#lastError));
        first = false;
        if (!reportedDown.has(this.#url)) {
          reportedDown.add(this.#url);
          console.error(`hyperstate: Redis at ${this.where} is unreachable (${this.#lastError}); requests answer 503 until it answers`);
        }
        // An unref'd timer: a closed app's retry loop never keeps the process alive.
        await new Promise((resolve) => setTimeout(resolve, this.#retryMs).unref());
        this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MS.most);
      }
    }
  }
}

class CommandTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && code.startsWith("ERR_REDIS_CONNECTION");
}

/** The URL without a password, so it can be logged and shown. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.href.replace(/\/$/, "");
  } catch {
    return "an unparsable URL";
  }
}

// ---------------------------------------------------------------- leases

/**
 * The scripts of a lease held as `SET key token NX PX lease` (the session
 * lock and the tus locker both): only the holder, by its random token, may
 * renew or release it. Run with `EVAL script 1 key token [leaseMs]`.
 */
export const LEASE_SCRIPTS = {
  renew: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`,
  release: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`,
} as const;

/** How often a waiter asks whether a lease is free: from 2 ms, doubling, to 50 ms at most. */
export const LEASE_POLL_MS = { first: 2, most: 50 } as const;
