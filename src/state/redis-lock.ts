import { randomBytes } from "node:crypto";
import { HttpError } from "../errors";
import { LEASE_POLL_MS, LEASE_SCRIPTS, RedisConnection, RedisUnavailableError, type RedisConnectionOptions, type RedisUrlSource } from "../redis";
import { KeyedLock, type SessionLock } from "./lock";

export interface RedisLockOptions extends RedisConnectionOptions {
  url: string;
  /** Named in error messages. @default "the redisUrl option" */
  source?: RedisUrlSource;
  /** @default "hyperstate:" */
  prefix?: string;
  /**
   * How long a holder keeps the lock without renewing it: a crashed
   * instance's lock is free again after this. A live holder renews it
   * every third of it. @default 10 seconds
   */
  leaseMs?: number;
  /** Longest wait for the lock before the request gives up with a 503. @default 30 seconds */
  waitMs?: number;
}


/**
 * A session's lock across instances: `SET key token NX PX lease` in Redis,
 * renewed while the work runs and released by compare-and-delete. Work of
 * one instance queues in an in-process lock first, so it starts in arrival
 * order and only one waiter per instance asks Redis.
 */
export class RedisLock implements SessionLock {
  readonly #redis: RedisConnection;
  readonly #local = new KeyedLock();
  readonly #prefix: string;
  readonly #leaseMs: number;
  readonly #waitMs: number;
  #closed = false;

  constructor(options: RedisLockOptions) {
    this.#redis = new RedisConnection(options.url, options.source ?? "the redisUrl option", undefined, options);
    this.#prefix = options.prefix ?? "hyperstate:";
    this.#leaseMs = options.leaseMs ?? 10_000;
    this.#waitMs = options.waitMs ?? 30_000;
  }

  get ready(): Promise<void> {
    return this.#redis.ready;
  }

  get size(): number {
    return this.#local.size;
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.#local.run(key, async () => {
      const lockKey = `${this.#prefix}lock:${key}`;
      const token = randomBytes(16).toString("base64url");
      try {
        await this.#acquire(lockKey, token);
      } catch (error) {
        // A SET that got no answer may still be carried out: free it once Redis answers, not after the lease.
        void this.#releaseWhenBack(lockKey, token);
        throw error;
      }
      const renewal = setInterval(() => void this.#renew(lockKey, token), this.#leaseMs / 3);
      try {
        return await work();
      } finally {
        clearInterval(renewal);
        // When Redis is away the lease runs out by itself.
        await this.#redis.send("EVAL", [LEASE_SCRIPTS.release, "1", lockKey, token]).catch(() => {});
      }
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#redis.close();
  }

  async #acquire(lockKey: string, token: string): Promise<void> {
    const giveUp = Date.now() + this.#waitMs;
    let pollMs: number = LEASE_POLL_MS.first;
    for (;;) {
      const taken = await this.#redis.send("SET", [lockKey, token, "NX", "PX", String(this.#leaseMs)]);
      if (taken === "OK") return;
      if (Date.now() > giveUp) {
        throw new HttpError(503, "This session is busy with another request that has not finished: try again in a moment");
      }
      await Bun.sleep(pollMs * (0.5 + Math.random()));
      pollMs = Math.min(pollMs * 2, LEASE_POLL_MS.most);
    }
  }

  /** Tries until Redis answers, the lease is over anyway, or the lock is closed. */
  async #releaseWhenBack(lockKey: string, token: string): Promise<void> {
    const giveUp = Date.now() + this.#leaseMs;
    while (!this.#closed && Date.now() < giveUp) {
      try {
        return void (await this.#redis.send("EVAL", [LEASE_SCRIPTS.release, "1", lockKey, token]));
      } catch (error) {
        if (!(error instanceof RedisUnavailableError)) return;
        await new Promise((resolve) => setTimeout(resolve, 100).unref());
      }
    }
  }

  async #renew(lockKey: string, token: string): Promise<void> {
    const renewed = await this.#redis.send("EVAL", [LEASE_SCRIPTS.renew, "1", lockKey, token, String(this.#leaseMs)]).catch(() => 0);
    if (renewed !== 1) console.error(`hyperstate: lost the Redis lock ${lockKey} while its work still ran (Redis away, or the lease of ${this.#leaseMs} ms ran out)`);
  }
}
