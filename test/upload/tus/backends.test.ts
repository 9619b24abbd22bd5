// Which tus stores the options and the standard environment choose, and two
// app instances that share nothing but Redis and a bucket taking one upload
// in turns.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chooseTusStores } from "../../../src/upload/tus/backends";
import { RedisInfoStore } from "../../../src/upload/tus/redis-info-store";
import { RedisLocker } from "../../../src/upload/tus/redis-locker";
import { S3DataStore } from "../../../src/upload/tus/s3-data-store";
import { startRedis, type RedisServer } from "../../support/redis";
import { startS3, type S3Server } from "../../support/s3";
import { createUpload, head, lab, labApp, openZone, patchAll, randomBytes, resetLab, tusFiles } from "./app";

const MiB = 1024 * 1024;
const VARIABLES = ["REDIS_URL", "S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_REGION"] as const;

let redis: RedisServer;
let s3: S3Server;
let root: string;
beforeAll(async () => {
  [redis, s3] = await Promise.all([startRedis(), startS3()]);
  root = mkdtempSync(join(tmpdir(), "hs-tus-backends-"));
});
afterAll(async () => {
  await Promise.all([redis.close(), s3.close()]);
  rmSync(root, { recursive: true, force: true });
});

/** Runs `work` with the given variables set and every other tus variable unset. */
async function withEnv<T>(values: Partial<Record<(typeof VARIABLES)[number], string>>, work: () => Promise<T> | T): Promise<T> {
  const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of VARIABLES) delete process.env[name];
  Object.assign(process.env, values);
  try {
    return await work();
  } finally {
    for (const name of VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}

const s3Env = () => ({
  S3_ENDPOINT: s3.options.endpoint,
  S3_BUCKET: s3.options.bucket,
  S3_ACCESS_KEY_ID: s3.options.accessKeyId,
  S3_SECRET_ACCESS_KEY: s3.options.secretAccessKey,
  S3_REGION: s3.options.region,
});

describe("chooseTusStores", () => {
  test("chooses nothing shared without REDIS_URL or S3_BUCKET: the disk and in-process stores stay", async () => {
    expect(await withEnv({}, () => chooseTusStores())).toEqual({ info: undefined, locker: undefined, data: undefined });
  });

  test("REDIS_URL chooses Redis for info and leases, S3_BUCKET the bucket for the bytes", async () => {
    const stores = await withEnv({ REDIS_URL: redis.url, ...s3Env() }, () => chooseTusStores());
    expect(stores.info).toBeInstanceOf(RedisInfoStore);
    expect(stores.locker).toBeInstanceOf(RedisLocker);
    expect(stores.data).toBeInstanceOf(S3DataStore);
    await Promise.all([stores.info!.close!(), stores.locker!.close!()]);
  });

  test("stores and settings given in code win over the environment", async () => {
    const locker = new RedisLocker({ url: redis.url });
    const stores = await withEnv({ REDIS_URL: "redis://127.0.0.1:1" }, () => chooseTusStores({ locker, redisUrl: redis.url, s3: s3.options }));
    expect(stores.locker).toBe(locker);
    expect(stores.data).toBeInstanceOf(S3DataStore);
    await (stores.info as RedisInfoStore).ready;
    await Promise.all([stores.info!.close!(), locker.close()]);
  });
});

describe("two instances on one Redis and one bucket", () => {
  beforeEach(() => resetLab());

  test("an upload begun on one instance is finished on the other, reaches the handler whole, and no byte touches either disk", async () => {
    const [one, two] = await withEnv({ REDIS_URL: redis.url, ...s3Env() }, () => [
      // Listening, so that stop() closes their connections.
      labApp({ tempDir: join(root, "one"), progressIntervalMs: 0 }).listen({ port: 0, hostname: "127.0.0.1" }),
      labApp({ tempDir: join(root, "two"), progressIntervalMs: 0 }).listen({ port: 0, hostname: "127.0.0.1" }),
    ]);
    try {
      const zone = await openZone(one!, "/lab", "files", "take");
      const bytes = randomBytes(11 * MiB + 5);
      const location = await createUpload(one!, zone, bytes.length, { filename: "big.bin" });
      await patchAll(one!, location, zone.session, bytes.subarray(0, 6 * MiB), 0, 3 * MiB);
      expect(Number((await head(two!, location, zone.session)).headers.get("Upload-Offset"))).toBe(6 * MiB);
      await patchAll(two!, location, zone.session, bytes, 6 * MiB, 3 * MiB);

      expect(lab.files.map((file) => [file.name, file.size])).toEqual([["big.bin", bytes.length]]);
      expect(Buffer.compare(lab.files[0]!.bytes, bytes)).toBe(0);
      expect([...tusFiles(join(root, "one")), ...tusFiles(join(root, "two"))]).toEqual([]);
      // The handler took the file and returned: its bytes left the bucket too.
      expect((await s3.client.list({ prefix: "tus/" })).contents ?? []).toEqual([]);
      const client = new RedisClient(redis.url);
      expect(((await client.send("KEYS", ["hyperstate:tus:info:*"])) as string[]).length).toBe(1);
      client.close();
    } finally {
      await Promise.all([one!.stop(true), two!.stop(true)]);
    }
  }, 30_000);
});
