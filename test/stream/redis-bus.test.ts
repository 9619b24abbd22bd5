import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { RedisChangeBus } from "../../src/stream/redis-bus";
import type { SessionChange } from "../../src/stream/pubsub";
import { startRedis, type RedisServer } from "../support/redis";
import { eventually } from "../support/wait";
import { changeBusConformance } from "./change-bus.conformance";

let redis: RedisServer;
let prefixes = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.close());

async function newBus(prefix: string): Promise<RedisChangeBus> {
  const bus = new RedisChangeBus({ url: redis.url, prefix });
  await bus.ready;
  return bus;
}

// Separate connections, as separate instances would have.
changeBusConformance("Redis", async (count) => {
  const prefix = `test${++prefixes}:`;
  return Promise.all(Array.from({ length: count }, () => newBus(prefix)));
});

describe("RedisChangeBus", () => {
  test("apps with different prefixes on one Redis do not hear each other", async () => {
    const [mine, theirs] = [await newBus("mine:"), await newBus("theirs:")];
    const heard: SessionChange[] = [];
    mine.subscribe((change) => heard.push(change));
    await theirs.publish({ sessionId: "s1" });
    await mine.publish({ sessionId: "s2" });
    await eventually(() => expect(heard).toEqual([{ sessionId: "s2" }]));
    await Promise.all([mine.close(), theirs.close()]);
  });

  test("a message on the channel that is not a change is ignored", async () => {
    const bus = await newBus("garbage:");
    const heard: SessionChange[] = [];
    bus.subscribe((change) => heard.push(change));
    const client = new RedisClient(redis.url);
    await client.publish("garbage:changes", "not json {");
    await client.publish("garbage:changes", JSON.stringify({ nope: 1 }));
    await bus.publish({ sessionId: "s1" });
    await eventually(() => expect(heard).toEqual([{ sessionId: "s1" }]));
    client.close();
    await bus.close();
  });

  test("after Redis restarts, it listens again: changes published then still arrive", async () => {
    const [here, there] = [await newBus("restart:"), await newBus("restart:")];
    const heard: string[] = [];
    there.subscribe((change) => heard.push(change.sessionId));
    await redis.stop();
    await here.publish({ sessionId: "while away" });
    await redis.start();
    await eventually(async () => {
      await here.publish({ sessionId: "back" });
      expect(heard).toContain("back");
    }, 8000);
    expect(heard).not.toContain("while away");
    await Promise.all([here.close(), there.close()]);
  }, 15_000);
});
