// With nothing configured, sessions live in SQLite under the data directory:
// the demo server is restarted (by hand and by `bun --watch`) and a
// session's counter keeps its value.

import { afterAll, describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chooseBackends } from "../../src/state/backends";
import { KeyedLock } from "../../src/state/lock";
import { SqliteStore } from "../../src/state/sqlite-store";
import { MemoryStore } from "../../src/state/store";
import { MemoryChangeBus } from "../../src/stream/pubsub";

const repo = path.join(import.meta.dir, "../..");
const root = mkdtempSync(path.join(os.tmpdir(), "hs-backends-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  await probe.stop(true);
  return port;
}

/** Starts `command` (a server on `port` with this data dir) and resolves once it has printed `times` start lines. */
function startServer(command: string[], port: number, dataDir: string) {
  const child = Bun.spawn(command, {
    cwd: repo,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", HYPERSTATE_DATA_DIR: dataDir },
    stdout: "pipe",
    stderr: "inherit",
  });
  let starts = 0;
  const waiters: Array<() => void> = [];
  void (async () => {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      starts += read.value.split("hyperstate demo on").length - 1;
      waiters.splice(0).forEach((wake) => wake());
    }
  })();
  const started = async (times: number) => {
    const end = Date.now() + 15_000;
    while (starts < times) {
      if (child.exitCode !== null || Date.now() > end) throw new Error("the demo server did not start");
      await new Promise<void>((wake) => {
        waiters.push(wake);
        setTimeout(wake, 100);
      });
    }
  };
  return { child, started };
}

async function stop(child: Subprocess): Promise<void> {
  child.kill();
  await child.exited;
}

/** Clicks the counter's +1 `times` times as htmx would, for the session in `cookie`. */
async function increment(base: string, cookie: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const response = await fetch(`${base}/_event/CounterState.increment`, {
      method: "POST",
      headers: { Cookie: cookie, "HX-Request": "true", "HX-Current-URL": `${base}/counter`, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ "hs-args": "[1]" }),
    });
    expect(response.status).toBe(200);
  }
}

async function shownCount(base: string, cookie: string): Promise<number> {
  const html = await (await fetch(`${base}/counter`, { headers: { Cookie: cookie } })).text();
  return Number(/<strong id="count"[^>]*>(-?\d+)<\/strong>/.exec(html)?.[1]);
}

async function newSession(base: string): Promise<string> {
  const response = await fetch(`${base}/counter`);
  return response.headers.get("Set-Cookie")!.split(";")[0]!;
}

describe("default backends", () => {
  test(
    "a session's counter keeps its value when the server process restarts",
    async () => {
      const dataDir = path.join(root, "restart");
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const first = startServer([process.execPath, "views/server.ts"], port, dataDir);
      await first.started(1);
      const cookie = await newSession(base);
      await increment(base, cookie, 3);
      await stop(first.child);

      const second = startServer([process.execPath, "views/server.ts"], port, dataDir);
      await second.started(1);
      try {
        expect(await shownCount(base, cookie)).toBe(3);
      } finally {
        await stop(second.child);
      }
    },
    30_000,
  );

  test(
    "a session's counter keeps its value when bun --watch reloads after a file changed",
    async () => {
      const dataDir = path.join(root, "watch");
      const entry = path.join(root, "watch-entry.ts");
      writeFileSync(entry, `import ${JSON.stringify(path.join(repo, "views/server.ts"))};\n`);
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const server = startServer([process.execPath, "--watch", entry], port, dataDir);
      try {
        await server.started(1);
        const cookie = await newSession(base);
        await increment(base, cookie, 3);
        writeFileSync(entry, `import ${JSON.stringify(path.join(repo, "views/server.ts"))};\n// edited\n`);
        await server.started(2);
        expect(await shownCount(base, cookie)).toBe(3);
      } finally {
        await stop(server.child);
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

  test("what the options name is used as given", () => {
    const given = { sessionStore: new MemoryStore(), changeBus: new MemoryChangeBus(), lock: new KeyedLock() };
    const backends = chooseBackends(given);
    expect(backends).toEqual(given);
    expect(backends.sessionStore).toBe(given.sessionStore);
    void given.sessionStore.close();
  });
});
