import { RedisConnection, type RedisConnectionOptions, RedisUnavailableError, type RedisUrlSource } from "../redis";
import type { ChangeBus, SessionChange } from "./pubsub";

export interface RedisChangeBusOptions extends RedisConnectionOptions {
  url: string;
  /** Named in error messages. @default "the redisUrl option" */
  source?: RedisUrlSource;
  /** @default "hyperstate:" */
  prefix?: string;
}

/**
 * Session changes over Redis pub/sub: every instance hears every change and
 * pushes it to the tabs whose streams it holds, so a tab gets each change
 * whichever instance made it. One channel per app; one connection
 * publishes (in order), another listens and subscribes again on every
 * reconnect.
 */
export class RedisChangeBus implements ChangeBus {
  readonly #listeners = new Set<(change: SessionChange) => void>();
  readonly #channel: string;
  readonly #publisher: RedisConnection;
  readonly #subscriber: RedisConnection;
  #closed = false;

  constructor(options: RedisChangeBusOptions) {
    const source = options.source ?? "the redisUrl option";
    this.#channel = `${options.prefix ?? "hyperstate:"}changes`;
    this.#publisher = new RedisConnection(options.url, source, undefined, options);
    this.#subscriber = new RedisConnection(options.url, source, async (client) => {
      await client.subscribe(this.#channel, (message) => this.#deliver(message));
    }, options);
  }

  /** Settles when both connections made their first attempt (the subscriber is listening); rejects naming the URL. */
  get ready(): Promise<void> {
    return Promise.all([this.#publisher.ready, this.#subscriber.ready]).then(() => {});
  }

  /**
   * A change that cannot be published while Redis is away is logged, not
   * thrown: the state is saved already, and a tab gets the current render
   * when its stream reconnects.
   */
  async publish(change: SessionChange): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#publisher.send("PUBLISH", [this.#channel, JSON.stringify(change)]);
    } catch (error) {
      // An outage is logged once by the connection; anything else here.
      if (!(error instanceof RedisUnavailableError)) console.error("hyperstate: could not publish a session change:", error);
    }
  }

  subscribe(listener: (change: SessionChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    this.#publisher.close();
    this.#subscriber.close();
  }

  #deliver(message: string): void {
    let change: SessionChange;
    try {
      change = JSON.parse(message);
    } catch {
      return console.error(`hyperstate: ignored a message on ${this.#channel} that is not JSON`);
    }
    if (typeof change?.sessionId !== "string") return;
    for (const listener of this.#listeners) listener(change);
  }
}
