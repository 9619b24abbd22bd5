// Where tus uploads live when the app runs on many instances: upload info
// and leases in Redis (REDIS_URL), bytes in a bucket (S3_*). What is not
// configured stays on this machine (see withDiskStores).

import { S3Client } from "bun";
import type { RedisUrlSource } from "../../redis";
import { s3Settings, type S3Settings } from "../../s3";
import { RedisInfoStore } from "./redis-info-store";
import { RedisLocker } from "./redis-locker";
import { S3DataStore } from "./s3-data-store";
import type { TusStores } from "./stores";

export interface TusBackendOptions extends Partial<TusStores> {
  /** Upload info and leases in this Redis, shared by every instance. @default env REDIS_URL */
  redisUrl?: string;
  /** Upload bytes in this bucket, shared by every instance. @default the S3_* variables, when S3_BUCKET is set */
  s3?: S3Settings;
}

/**
 * The shared stores the options or the environment ask for, like the
 * sessions' chooseBackends: Redis for info and leases with a Redis URL,
 * S3 for the bytes with a bucket. Empty when neither is set.
 */
export function chooseTusStores({ redisUrl, s3, ...given }: TusBackendOptions = {}): Partial<TusStores> {
  const url = redisUrl ?? process.env.REDIS_URL;
  const source: RedisUrlSource = redisUrl ? "the redisUrl option" : "REDIS_URL";
  const bucket = s3Settings(s3);
  return {
    info: given.info ?? (url ? new RedisInfoStore({ url, source }) : undefined),
    locker: given.locker ?? (url ? new RedisLocker({ url, source }) : undefined),
    data: given.data ?? (bucket ? new S3DataStore({ client: new S3Client(bucket), bucket: bucket.bucket }) : undefined),
  };
}
