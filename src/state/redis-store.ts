import { RedisConnection, type RedisConnectionOptions, type RedisUrlSource } from "../redis";
import type { SessionData } from "./registry";
import { StoreClosedError, type SessionStore } from "./store";

export interface RedisStoreOptions extends RedisConnectionOptions {
  /** redis:// or rediss:// URL. */
  url: string;
  /** Named in error messages. @default "the redisUrl option" */
  source?: RedisUrlSource;
  /** Prefix of every key, so apps can share one Redis. @default "hyperstate:" */
  prefix?: string;
  /** Idle time after which a session is dropped (a Redis expiry). @default 24 hours */
  ttlMs?: number;
  /** Most sessions kept; the least recently used go first. @default 10_000 */
  maxSessions?: number;
}

// KEYS: the session, the recency index (a sorted set), its sequence.
// Each script is one atomic step, so two instances never interleave halfway.
const GET = `
local data = redis.call('GET', KEYS[1])
if data then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[2])
end
return data`;

// Expired sessions still in the index are the least recent, so they go first.
const SET = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[3])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], over)
  for i = 1, #oldest, 2 do redis.call('DEL', ARGV[5] .. oldest[i]) end
end`;

const DELETE = `
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])`;

/**
 * Sessions in Redis, shared by every instance, with the memory store's
 * bounds: a Redis expiry for the ttl, a sorted set by a sequence for the
 * least recently used. Values are the session's JSON.
 */
export class RedisStore implements SessionStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #maxSessions: number;
  #closed = false;

  constructor(options: RedisStoreOptions) {
    this.#redis = new RedisConnection(options.url, options.source ?? "the redisUrl option", undefined, options);
    this.#prefix = options.prefix ?? "hyperstate:";
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#maxSessions = options.maxSessions ?? 10_000;
  }

  /** Settles when the first connection attempt is over; rejects naming the URL when Redis did not answer. */
  get ready(): Promise<void> {
    return this.#redis.ready;
  }

  async get(sessionId: string): Promise<SessionData | undefined> {
    const data = await this.#script(GET, sessionId, [String(this.#ttlMs), sessionId]);
    return typeof data === "string" ? (JSON.parse(data) as SessionData) : undefined;
  }

  async set(sessionId: string, data: SessionData): Promise<void> {
    const args = [JSON.stringify(data), String(this.#ttlMs), sessionId, String(this.#maxSessions), this.#sessionKey("")];
    await this.#script(SET, sessionId, args);
  }

  async delete(sessionId: string): Promise<void> {
    await this.#script(DELETE, sessionId, [sessionId]);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#redis.close();
  }

  #script(script: string, sessionId: string, args: string[]): Promise<unknown> {
    if (this.#closed) throw new StoreClosedError("Redis");
    const keys = [this.#sessionKey(sessionId), `${this.#prefix}sessions`, `${this.#prefix}sessions:seq`];
    return this.#redis.send("EVAL", [script, String(keys.length), ...keys, ...args]);
  }

  #sessionKey(sessionId: string): string {
    return `${this.#prefix}session:${sessionId}`;
  }
}
