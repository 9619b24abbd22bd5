// Upload leases across instances: `SET key token NX PX lease` in Redis,
// renewed while the PATCH runs, so a crashed holder's lease runs out by
// itself; a request to release goes over pub/sub to whichever instance
// holds the lease.

import { randomBytes } from "node:crypto";
import { HttpError } from "../../errors";
import { LEASE_POLL_MS, LEASE_SCRIPTS, RedisConnection, type RedisUrlSource } from "../../redis";
import type { TusLease, TusLocker } from "./stores";

export interface RedisLockerOptions {
  url: string;
  /** Named in error messages. @default "the redisUrl option" */
  source?: RedisUrlSource;
  /** @default "hyperstate:" */
  prefix?: string;
  /**
   * How long a holder keeps a lease without renewing it: a crashed
   * instance's lease is free again after this. A live holder renews it
   * every third of it. @default 10 seconds
   */
  leaseMs?: number;
  /** Longest wait for a holder to let go after a release request, before giving up with a 503. @default 30 seconds */
  waitMs?: number;
}


/** What travels to the holder: which upload, and the asker's reason as an HTTP answer. */
interface ReleaseRequest {
  id: string;
  status: number;
  message: string;
}

interface Held {
  token: string;
  controller: AbortController;
  released: Promise<void>;
}

export class RedisLocker implements TusLocker {
  readonly #commands: RedisConnection;
  readonly #subscriber: RedisConnection;
  readonly #prefix: string;
  readonly #channel: string;
  readonly #leaseMs: number;
  readonly #waitMs: number;
  readonly #held = new Map<string, Held>();

  constructor(options: RedisLockerOptions) {
    const source = options.source ?? "the redisUrl option";
    this.#prefix = `${options.prefix ?? "hyperstate:"}tus:`;
    this.#channel = `${this.#prefix}release`;
    this.#leaseMs = options.leaseMs ?? 10_000;
    this.#waitMs = options.waitMs ?? 30_000;
    this.#commands = new RedisConnection(options.url, source);
    this.#subscriber = new RedisConnection(options.url, source, async (client) => {
      await client.subscribe(this.#channel, (message) => this.#onReleaseRequest(message));
    });
  }

  /** Settles when both connections made their first attempt (release requests are heard); rejects naming the URL. */
  get ready(): Promise<void> {
    return Promise.all([this.#commands.ready, this.#subscriber.ready]).then(() => {});
  }

  async acquire(id: string): Promise<TusLease | undefined> {
    if (this.#held.has(id)) return undefined;
    const token = randomBytes(16).toString("base64url");
    const taken = await this.#commands.send("SET", [this.#leaseKey(id), token, "NX", "PX", String(this.#leaseMs)]);
    if (taken !== "OK") return undefined;
    const controller = new AbortController();
    const { promise: released, resolve } = Promise.withResolvers<void>();
    const entry: Held = { token, controller, released };
    this.#held.set(id, entry);
    const renewal = setInterval(() => void this.#renew(id, entry), this.#leaseMs / 3);
    // A held lease never keeps a stopping process alive: its PATCH does, as long as it runs.
    renewal.unref();
    return {
      signal: controller.signal,
      release: async () => {
        clearInterval(renewal);
        // Only this lease: releasing twice must not free the next holder's.
        if (this.#held.get(id) !== entry) return;
        this.#held.delete(id);
        try {
          // When Redis is away the lease runs out by itself.
          await this.#commands.send("EVAL", [LEASE_SCRIPTS.release, "1", this.#leaseKey(id), token]).catch(() => {});
        } finally {
          resolve();
        }
      },
    };
  }

  async requestRelease(id: string, reason: Error): Promise<void> {
    const local = this.#held.get(id);
    if (local) {
      local.controller.abort(reason);
      return local.released;
    }
    const key = this.#leaseKey(id);
    if ((await this.#commands.send("EXISTS", [key])) === 0) return;
    const request: ReleaseRequest = { id, status: reason instanceof HttpError ? reason.status : 500, message: reason.message };
    await this.#commands.send("PUBLISH", [this.#channel, JSON.stringify(request)]);
    // The holder lets go once its write stopped; a dead holder's lease runs out.
    const giveUp = Date.now() + this.#waitMs;
    let pollMs: number = LEASE_POLL_MS.first;
    while ((await this.#commands.send("EXISTS", [key])) !== 0) {
      if (Date.now() > giveUp) throw new HttpError(503, "Another request is still writing to this upload and did not stop: try again in a moment");
      await Bun.sleep(pollMs);
      pollMs = Math.min(pollMs * 2, LEASE_POLL_MS.most);
    }
  }

  abortHeld(reason: Error): void {
    for (const { controller } of this.#held.values()) controller.abort(reason);
  }

  close(): void {
    this.#commands.close();
    this.#subscriber.close();
  }

  #onReleaseRequest(message: string): void {
    let request: ReleaseRequest;
    try {
      request = JSON.parse(message);
    } catch {
      return console.error(`hyperstate: ignored a message on ${this.#channel} that is not JSON`);
    }
    const held = typeof request?.id === "string" ? this.#held.get(request.id) : undefined;
    held?.controller.abort(new HttpError(Number(request.status) || 500, String(request.message)));
  }

  async #renew(id: string, held: Held): Promise<void> {
    const renewed = await this.#commands.send("EVAL", [LEASE_SCRIPTS.renew, "1", this.#leaseKey(id), held.token, String(this.#leaseMs)]).catch(() => 0);
    // Someone else may hold it by now: this writer must stop before it writes over theirs.
    if (renewed !== 1 && this.#held.get(id) === held) {
      held.controller.abort(new HttpError(503, "This upload's lease was lost (Redis away, or it ran out): HEAD the upload and resume"));
    }
  }

  #leaseKey(id: string): string {
    return `${this.#prefix}lease:${id}`;
  }
}
