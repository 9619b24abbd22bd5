// hyperstate({ redisUrl }) in code, without REDIS_URL: tus upload info and
// leases go to that Redis too, so every instance knows every upload (its
// bytes need a shared bucket or folder).

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRedis, type RedisServer } from "../../support/redis";
import { createUpload, head, labApp, openZone, patch, randomBytes } from "./app";

let redis: RedisServer;
let root: string;
beforeAll(async () => {
  redis = await startRedis();
  root = mkdtempSync(join(tmpdir(), "hs-tus-redis-option-"));
});
afterAll(async () => {
  await redis.close();
  rmSync(root, { recursive: true, force: true });
});

test("an upload created through one app is known to another that names the same Redis in code, with its offset", async () => {
  expect(process.env.REDIS_URL).toBeUndefined();
  // Each its own data folder: what the second one knows of the upload came through Redis.
  const one = labApp({ tempDir: join(root, "one") }, undefined, { redisUrl: redis.url }).listen({ port: 0, hostname: "127.0.0.1" });
  const two = labApp({ tempDir: join(root, "two") }, undefined, { redisUrl: redis.url }).listen({ port: 0, hostname: "127.0.0.1" });
  try {
    const zone = await openZone(one, "/lab", "files", "take");
    const location = await createUpload(one, zone, 100, { filename: "shared.bin" });
    expect((await patch(one, location, zone.session, 0, randomBytes(40))).status).toBe(204);
    const seen = await head(two, location, zone.session);
    expect(seen.status).toBe(200);
    expect(seen.headers.get("Upload-Length")).toBe("100");
    expect(seen.headers.get("Upload-Offset")).toBe("40");
  } finally {
    await one.stop(true);
    await two.stop(true);
  }
});

test("bytes only another instance's disk holds are 410 Gone here, not a server error", async () => {
  const one = labApp({ tempDir: join(root, "a") }, undefined, { redisUrl: redis.url }).listen({ port: 0, hostname: "127.0.0.1" });
  const two = labApp({ tempDir: join(root, "b") }, undefined, { redisUrl: redis.url }).listen({ port: 0, hostname: "127.0.0.1" });
  try {
    const zone = await openZone(one, "/lab", "files", "take");
    const location = await createUpload(one, zone, 100, { filename: "elsewhere.bin" });
    expect((await patch(one, location, zone.session, 0, randomBytes(10))).status).toBe(204);
    const response = await patch(two, location, zone.session, 10, randomBytes(10));
    expect(response.status).toBe(410);
    expect(await response.text()).toContain("gone");
  } finally {
    await one.stop(true);
    await two.stop(true);
  }
});
