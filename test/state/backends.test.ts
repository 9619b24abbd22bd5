// With nothing configured, sessions live in SQLite under the data directory:
// the demo server is restarted (by hand and by `bun --watch`) and a
// session's counter keeps its value.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chooseBackends } from "../../src/state/backends";
import { KeyedLock } from "../../src/state/lock";
import { RedisLock } from "../../src/state/redis-lock";
import { RedisStore } from "../../src/state/redis-store";
import { SqliteStore } from "../../src/state/sqlite-store";
import { MemoryStore } from "../../src/state/store";
import { MemoryChangeBus } from "../../src/stream/pubsub";
import { RedisChangeBus } from "../../src/stream/redis-bus";
import { increment, newSession, shownCount, startDemoProcess } from "../support/demo-process";
import { freePort } from "../support/redis";

const repo = path.join(import.meta.dir, "../..");
const root = mkdtempSync(path.join(os.tmpdir(), "hs-backends-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function clickThreeTimes(base: string, cookie: string): Promise<void> {
  for (let i = 0; i < 3; i++) expect((await increment(base, cookie)).status).toBe(200);
}

describe("default backends", () => {
  test(
    "a session's counter keeps its value when the server process restarts",
    async () => {
      const env = { HYPERSTATE_DATA_DIR: path.join(root, "restart") };
      const first = await startDemoProcess({ env });
      const cookie = await newSession(first.base);
      await clickThreeTimes(first.base, cookie);
      await first.stop();

      const second = await startDemoProcess({ env, port: first.port });
      try {
        expect(await shownCount(second.base, cookie)).toBe(3);
      } finally {
        await second.stop();
      }
    },
    30_000,
  );

  test(
    "a session's counter keeps its value when bun --watch reloads after a file changed",
    async () => {
      const entry = path.join(root, "watch-entry.ts");
      const importServer = `import ${JSON.stringify(path.join(repo, "views/server.ts"))};\n`;
      writeFileSync(entry, importServer);
      const server = await startDemoProcess({ env: { HYPERSTATE_DATA_DIR: path.join(root, "watch") }, args: ["--watch", entry] });
      try {
        const cookie = await newSession(server.base);
        await clickThreeTimes(server.base, cookie);
        writeFileSync(entry, `${importServer}// edited\n`);
        await server.started(2);
        expect(await shownCount(server.base, cookie)).toBe(3);
      } finally {
        await server.stop();
      }
    },
    30_000,
  );

  test("nothing configured: sessions in SQLite in the data directory, an in-process bus and lock", async () => {
    const backends = chooseBackends({});
    expect(backends.sessionStore).toBeInstanceOf(SqliteStore);
    expect((backends.sessionStore as SqliteStore).path).toBe(path.join(process.env.HYPERSTATE_DATA_DIR!, "sessions.sqlite"));
    expect(backends.changeBus).toBeInstanceOf(MemoryChangeBus);
    expect(backends.lock).toBeInstanceOf(KeyedLock);
    await backends.sessionStore.close();
  });

  test("a Redis URL (option or REDIS_URL) puts sessions, changes and locks in Redis", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const fromOption = chooseBackends({ redisUrl: url });
    expect(fromOption.sessionStore).toBeInstanceOf(RedisStore);
    expect(fromOption.changeBus).toBeInstanceOf(RedisChangeBus);
    expect(fromOption.lock).toBeInstanceOf(RedisLock);
    process.env.REDIS_URL = url;
    const fromEnv = chooseBackends({ sessionStore: new MemoryStore() });
    delete process.env.REDIS_URL;
    expect(fromEnv.sessionStore).toBeInstanceOf(MemoryStore);
    expect(fromEnv.changeBus).toBeInstanceOf(RedisChangeBus);
    expect(fromEnv.lock).toBeInstanceOf(RedisLock);
    for (const backends of [fromOption, fromEnv]) {
      await Promise.all([backends.sessionStore.close(), backends.changeBus.close(), backends.lock.close()]);
    }
  });

  test("what the options name is used as given", async () => {
    const given = { sessionStore: new MemoryStore(), changeBus: new MemoryChangeBus(), lock: new KeyedLock() };
    const backends = chooseBackends(given);
    expect(backends.sessionStore).toBe(given.sessionStore);
    expect(backends.changeBus).toBe(given.changeBus);
    expect(backends.lock).toBe(given.lock);
    await given.sessionStore.close();
  });
});
