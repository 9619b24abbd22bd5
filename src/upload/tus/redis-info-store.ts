// Upload info in Redis, shared by every instance: one JSON value per upload,
// and a set of the ids for list(). A PATCH may land on any instance.

import { RedisConnection, type RedisUrlSource } from "../../redis";
import { UPLOAD_ID_PATTERN } from "./protocol";
import type { TusInfoStore, TusUploadInfo } from "./stores";

export interface RedisInfoStoreOptions {
  url: string;
  /** Named in error messages. @default "the redisUrl option" */
  source?: RedisUrlSource;
  /** Prefix of every key, so apps can share one Redis. @default "hyperstate:" */
  prefix?: string;
}

// KEYS: the upload's info, the set of ids. One script each, so the two never disagree halfway.
const SET = `redis.call('SET', KEYS[1], ARGV[1]) redis.call('SADD', KEYS[2], ARGV[2])`;
const DELETE = `redis.call('DEL', KEYS[1]) redis.call('SREM', KEYS[2], ARGV[1])`;

/** How many infos one MGET asks for. */
const LIST_BATCH = 500;

export class RedisInfoStore implements TusInfoStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;

  constructor(options: RedisInfoStoreOptions) {
    this.#redis = new RedisConnection(options.url, options.source ?? "the redisUrl option");
    this.#prefix = `${options.prefix ?? "hyperstate:"}tus:`;
  }

  /** Settles when the first connection attempt is over; rejects naming the URL when Redis did not answer. */
  get ready(): Promise<void> {
    return this.#redis.ready;
  }

  async get(id: string): Promise<TusUploadInfo | undefined> {
    if (!UPLOAD_ID_PATTERN.test(id)) return undefined;
    const value = await this.#redis.send("GET", [this.#infoKey(id)]);
    return typeof value === "string" ? (JSON.parse(value) as TusUploadInfo) : undefined;
  }

  async set(info: TusUploadInfo): Promise<void> {
    await this.#redis.send("EVAL", [SET, "2", this.#infoKey(info.id), this.#idsKey(), JSON.stringify(info), info.id]);
  }

  async delete(id: string): Promise<void> {
    if (!UPLOAD_ID_PATTERN.test(id)) return;
    await this.#redis.send("EVAL", [DELETE, "2", this.#infoKey(id), this.#idsKey(), id]);
  }

  async list(): Promise<TusUploadInfo[]> {
    const ids = ((await this.#redis.send("SMEMBERS", [this.#idsKey()])) as string[]).sort();
    const infos: TusUploadInfo[] = [];
    for (let start = 0; start < ids.length; start += LIST_BATCH) {
      const keys = ids.slice(start, start + LIST_BATCH).map((id) => this.#infoKey(id));
      for (const value of (await this.#redis.send("MGET", keys)) as (string | null)[]) {
        if (typeof value === "string") infos.push(JSON.parse(value) as TusUploadInfo);
      }
    }
    return infos;
  }

  close(): void {
    this.#redis.close();
  }

  #infoKey(id: string): string {
    return `${this.#prefix}info:${id}`;
  }

  #idsKey(): string {
    return `${this.#prefix}uploads`;
  }
}
