// The S3 settings every bucket user reads: Bun's S3Client options, each
// defaulting to its standard variable, so one environment configures the
// bucket for AWS, R2, MinIO or any other S3-compatible service.

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

/** The settings with the environment filled in; undefined when no bucket is named (no S3 configured). */
export function s3Settings(given: S3Settings = {}): (S3Settings & { bucket: string }) | undefined {
  const env = process.env;
  const bucket = given.bucket ?? env.S3_BUCKET;
  if (!bucket) return undefined;
  return {
    endpoint: given.endpoint ?? env.S3_ENDPOINT,
    bucket,
    accessKeyId: given.accessKeyId ?? env.S3_ACCESS_KEY_ID,
    secretAccessKey: given.secretAccessKey ?? env.S3_SECRET_ACCESS_KEY,
    region: given.region ?? env.S3_REGION,
  };
}
