// Two demo processes on one Redis, as two instances behind a load balancer
// without sticky sessions: any request of a session may reach either.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { countIn, increment, newSession, shownCount, startDemoProcess, type DemoProcess } from "../support/demo-process";
import { startRedis, type RedisServer } from "../support/redis";

let redis: RedisServer;
let instances: DemoProcess[];

beforeAll(async () => {
  redis = await startRedis();
  const env = { REDIS_URL: redis.url, HYPERSTATE_SECRET: "one secret for every instance" };
  instances = await Promise.all([startDemoProcess({ env }), startDemoProcess({ env })]);
}, 30_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  await redis.close();
});

describe("two instances on one Redis", () => {
  test(
    "50 concurrent events to each instance on one session lose no update",
    async () => {
      const [a, b] = instances as [DemoProcess, DemoProcess];
      const cookie = await newSession(a.base);
      const clicks = [...Array(50).fill(a.base), ...Array(50).fill(b.base)].map((base) => increment(base, cookie));
      const statuses = (await Promise.all(clicks)).map((response) => response.status);
      expect(statuses).toEqual(Array(100).fill(200));
      expect(await shownCount(a.base, cookie)).toBe(100);
      expect(await shownCount(b.base, cookie)).toBe(100);
    },
    30_000,
  );

  test(
    "a tab whose stream is on one instance gets the render of an event handled by the other",
    async () => {
      const [a, b] = instances as [DemoProcess, DemoProcess];
      const cookie = await newSession(a.base);
      const stream = await fetch(`${a.base}/_stream?tab=tab-on-a&page=/counter`, { headers: { Cookie: cookie } });
      expect(stream.status).toBe(200);
      const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
      const counts: number[] = [];
      const readCounts = (async () => {
        let text = "";
        for (let read = await reader.read(); !read.done; read = await reader.read()) {
          text += read.value;
          for (let end = text.indexOf("\n\n"); end >= 0; end = text.indexOf("\n\n")) {
            const data = text.slice(0, end).split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
            text = text.slice(end + 2);
            if (data.includes('id="count"')) counts.push(countIn(data));
            if (counts.includes(2)) return;
          }
        }
      })();
      // The first message is the current render; then each change, whoever made it.
      while (counts.length === 0) await Bun.sleep(10);
      expect((await increment(b.base, cookie)).status).toBe(200);
      expect((await increment(b.base, cookie)).status).toBe(200);
      const timeout = Bun.sleep(10_000).then(() => Promise.reject(new Error(`the stream on the first instance showed only ${counts}`)));
      await Promise.race([readCounts, timeout]);
      await reader.cancel();
      expect(counts).toEqual([0, 1, 2]);
    },
    30_000,
  );
});
