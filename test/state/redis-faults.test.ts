// Redis away: at start (a clear error naming REDIS_URL, not a hang) and
// while running (503 with a message, nothing half-saved, service resumes).

import { afterAll, describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { hyperstate } from "../../src/app";
import { RedisLock } from "../../src/state/redis-lock";
import { RedisStore } from "../../src/state/redis-store";
import { RedisChangeBus } from "../../src/stream/redis-bus";
import { events } from "../../src/events/refs";
import type { PageContext } from "../../src/render/context";
import { State } from "../../src/state/state";
import { startDemoProcess } from "../support/demo-process";
import { freePort, startRedis, type RedisServer } from "../support/redis";
import { eventually, gate } from "../support/wait";

/** Lets a test stop Redis while a handler is between loading and saving. */
let midway: { reached: () => void; proceed: Promise<void> } | undefined;

class Tally extends State {
  static on = events(this);
  count = 0;

  async add(by: number) {
    this.count += by;
    if (midway) {
      midway.reached();
      await midway.proceed;
    }
  }
}

const TallyPage = ({ use }: PageContext) => `<p id="count">${use(Tally).count}</p>`;

const servers: RedisServer[] = [];
afterAll(() => Promise.all(servers.map((server) => server.close())));

/** Listening only so that `stop` closes its Redis connections. */
function newApp(redisUrl: string) {
  return new Elysia()
    .use(hyperstate({ states: [Tally], pages: { "/tally": TallyPage }, redisUrl, secret: "faults" }))
    .listen({ port: 0, hostname: "127.0.0.1" });
}

type App = ReturnType<typeof newApp>;

function add(app: App, cookie: string): Promise<Response> {
  return app.handle(
    new Request("http://localhost/_event/Tally.add", {
      method: "POST",
      headers: { Cookie: cookie, "HX-Request": "true", "HX-Current-URL": "http://localhost/tally", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ "hs-args": "[1]" }),
    }),
  );
}

async function shown(app: App, cookie: string): Promise<number> {
  const html = await (await app.handle(new Request("http://localhost/tally", { headers: { Cookie: cookie } }))).text();
  return Number(/<p id="count">(\d+)<\/p>/.exec(html)?.[1]);
}

/** A fresh Redis, the app on it, and a session that has added 1 once. */
async function oneAddedOnFreshRedis(): Promise<{ redis: RedisServer; app: App; cookie: string }> {
  const redis = await startRedis();
  servers.push(redis);
  const app = newApp(redis.url);
  const cookie = (await app.handle(new Request("http://localhost/tally"))).headers.get("Set-Cookie")!.split(";")[0]!;
  expect((await add(app, cookie)).status).toBe(200);
  return { redis, app, cookie };
}

describe("Redis faults", () => {
  test(
    "Redis unreachable at start: the log and every request name REDIS_URL at once, and service starts once Redis answers",
    async () => {
      const port = await freePort();
      const server = await startDemoProcess({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
      try {
        await eventually(() => expect(server.stderr()).toContain(`Redis at REDIS_URL (redis://127.0.0.1:${port}) is unreachable`), 5000);
        // Not a hang: the answer comes well within the timeout.
        const page = await fetch(`${server.base}/counter`, { signal: AbortSignal.timeout(5000) });
        expect(page.status).toBe(503);
        expect(await page.text()).toStartWith(`Redis at REDIS_URL (redis://127.0.0.1:${port}) is unreachable`);

        servers.push(await startRedis(port));
        await eventually(async () => expect((await fetch(`${server.base}/counter`)).status).toBe(200), 10_000);
      } finally {
        await server.stop();
      }
    },
    30_000,
  );

  test(
    "Redis lost while running: requests answer 503 with a message, change nothing, and work again when it returns",
    async () => {
      const { redis, app, cookie } = await oneAddedOnFreshRedis();
      expect((await add(app, cookie)).status).toBe(200);

      await redis.stop({ save: true });
      const refused = await add(app, cookie);
      expect(refused.status).toBe(503);
      expect(refused.headers.get("Retry-After")).toBe("1");
      expect(await refused.text()).toContain("Redis at the redisUrl option");
      expect((await app.handle(new Request("http://localhost/tally", { headers: { Cookie: cookie } }))).status).toBe(503);

      await redis.start();
      await eventually(async () => expect((await add(app, cookie)).status).toBe(200), 10_000);
      // The two before the outage and the one after: the refused one left no trace.
      expect(await shown(app, cookie)).toBe(3);
      await app.stop(true);
    },
    30_000,
  );

  test(
    "Redis lost while a handler runs: the save fails with a 503 and the session keeps its state from before",
    async () => {
      const { redis, app, cookie } = await oneAddedOnFreshRedis();
      const reached = gate();
      const proceed = gate();
      midway = { reached: reached.open, proceed: proceed.opened };
      const pending = add(app, cookie);
      await reached.opened;
      await redis.stop({ save: true });
      midway = undefined;
      proceed.open();
      const response = await pending;
      expect(response.status).toBe(503);
      expect(await response.text()).toContain("nothing was saved");

      await redis.start();
      await eventually(async () => expect(await shown(app, cookie)).toBe(1), 10_000);
      await app.stop(true);
    },
    30_000,
  );

  test(
    "Redis frozen (connections open, no answers): requests answer 503 after the command timeout instead of hanging, and work again once it thaws",
    async () => {
      const redis = await startRedis();
      servers.push(redis);
      const url = redis.url;
      const commandTimeoutMs = 300;
      const app = new Elysia()
        .use(
          hyperstate({
            states: [Tally],
            pages: { "/tally": TallyPage },
            secret: "faults",
            sessionStore: new RedisStore({ url, commandTimeoutMs }),
            changeBus: new RedisChangeBus({ url, commandTimeoutMs }),
            lock: new RedisLock({ url, commandTimeoutMs }),
          }),
        )
        .listen({ port: 0, hostname: "127.0.0.1" });
      const cookie = (await app.handle(new Request("http://localhost/tally"))).headers.get("Set-Cookie")!.split(";")[0]!;
      expect((await add(app, cookie)).status).toBe(200);

      redis.pause();
      const started = Date.now();
      const refused = await add(app, cookie);
      expect(refused.status).toBe(503);
      expect(await refused.text()).toContain(`no answer within ${commandTimeoutMs} ms`);
      expect(Date.now() - started).toBeLessThan(5000);

      redis.resume();
      // Well within the lock's 10 s lease: the refused request's lock, taken once Redis thawed, was freed.
      await eventually(async () => expect((await add(app, cookie)).status).toBe(200), 5000);
      expect(await shown(app, cookie)).toBe(2);
      await app.stop(true);
    },
    30_000,
  );
});
