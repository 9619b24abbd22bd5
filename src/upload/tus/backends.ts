// Where tus uploads live when the app runs on many instances: upload info
// and leases in Redis (REDIS_URL), bytes in a bucket (S3_*). What is not
// configured stays on this machine (see withDiskStores).

import { S3Client } from "bun";
import type { RedisUrlSource } from "../../redis";
import { RedisInfoStore } from "./redis-info-store";
import { RedisLocker } from "./redis-locker";
import { S3DataStore } from "./s3-data-store";
import type { TusStores } from "./stores";

/** Bun's S3Client options; each field defaults to its standard variable. */
export interface S3Settings {
  /** @default env S3_ENDPOINT (AWS when unset) */
  endpoint?: string;
  /** @default env S3_BUCKET */
  bucket?: string;
  /** @default env S3_ACCESS_KEY_ID */
  accessKeyId?: string;
  /** @default env S3_SECRET_ACCESS_KEY */
  secretAccessKey?: string;
  /** @default env S3_REGION */
  region?: string;
}

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

function s3Settings(given: S3Settings | undefined): S3Settings | undefined {
  const env = process.env;
  const settings: S3Settings = {
    endpoint: given?.endpoint ?? env.S3_ENDPOINT,
    bucket: given?.bucket ?? env.S3_BUCKET,
    accessKeyId: given?.accessKeyId ?? env.S3_ACCESS_KEY_ID,
    secretAccessKey: given?.secretAccessKey ?? env.S3_SECRET_ACCESS_KEY,
    region: given?.region ?? env.S3_REGION,
  };
  return settings.bucket ? settings : undefined;
}
