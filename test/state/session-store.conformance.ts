// What every session store does, whatever keeps the sessions: memory,
// SQLite, Redis. Each backend's test file calls this with a factory.

import { afterEach, describe, expect, test } from "bun:test";
import type { SessionStore } from "../../src/state/store";

export interface StoreBounds {
  ttlMs?: number;
  maxSessions?: number;
}

/** Opens a new, empty store with these bounds; the suite closes it. */
export type StoreFactory = (bounds: StoreBounds) => Promise<SessionStore>;

export function sessionStoreConformance(backend: string, open: StoreFactory): void {
  describe(`${backend} session store (conformance)`, () => {
    const opened: SessionStore[] = [];
    const newStore = async (bounds: StoreBounds = {}) => {
      const store = await open(bounds);
      opened.push(store);
      return store;
    };

    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close().catch(() => {});
    });

    test("returns what was saved for a session, and nothing for an unknown one", async () => {
      const store = await newStore();
      await store.set("a", { Counter: { count: 3 } });
      expect(await store.get("a")).toEqual({ Counter: { count: 3 } });
      expect(await store.get("b")).toBeUndefined();
    });

    test("values round-trip as JSON data: nesting, arrays, unicode, null, numbers", async () => {
      const store = await newStore();
      const data = {
        Gallery: { images: ["a.png", "ünïcödé 🐈.jpg", ""], caption: null, nested: { deep: { list: [1, [2, { x: true }]] } } },
        Counter: { count: -12.5, big: 2 ** 53 - 1, zero: 0, flag: false, empty: {} },
        Quotes: { text: `'single' "double" \\ back\nslash\u0000nul` },
      };
      await store.set("a", data);
      expect(await store.get("a")).toEqual(data);
    });

    test("a second save replaces the first", async () => {
      const store = await newStore();
      await store.set("a", { Counter: { count: 1 }, Other: { x: 1 } });
      await store.set("a", { Counter: { count: 2 } });
      expect(await store.get("a")).toEqual({ Counter: { count: 2 } });
    });

    test("keeps sessions apart", async () => {
      const store = await newStore();
      await store.set("a", { Counter: { count: 1 } });
      await store.set("b", { Counter: { count: 2 } });
      expect(await store.get("a")).toEqual({ Counter: { count: 1 } });
      expect(await store.get("b")).toEqual({ Counter: { count: 2 } });
    });

    test("forgets a deleted session, and deleting an unknown one is no error", async () => {
      const store = await newStore();
      await store.set("a", { Counter: { count: 3 } });
      await store.delete("a");
      await store.delete("never-saved");
      expect(await store.get("a")).toBeUndefined();
    });

    // Real time (Redis keeps its own clock); each sleep has 500 ms to spare on a loaded machine.
    test("drops a session idle for longer than the ttl; a read renews it", async () => {
      const store = await newStore({ ttlMs: 1000 });
      await store.set("read", { Counter: { count: 1 } });
      await store.set("idle", { Counter: { count: 2 } });
      await Bun.sleep(500);
      expect(await store.get("read")).toEqual({ Counter: { count: 1 } });
      await Bun.sleep(500);
      // 1 s after both were saved: only the one read 0.5 s ago is left.
      expect(await store.get("read")).toEqual({ Counter: { count: 1 } });
      expect(await store.get("idle")).toBeUndefined();
      await Bun.sleep(1100);
      expect(await store.get("read")).toBeUndefined();
    });

    test("past maxSessions the least recently used session goes first", async () => {
      const store = await newStore({ maxSessions: 2 });
      await store.set("a", {});
      await store.set("b", {});
      await store.set("c", {});
      expect(await store.get("a")).toBeUndefined();
      expect(await store.get("b")).toEqual({});
      expect(await store.get("c")).toEqual({});
    });

    test("a read makes a session recent, so another one is evicted", async () => {
      const store = await newStore({ maxSessions: 2 });
      await store.set("a", {});
      await store.set("b", {});
      await store.get("a");
      await store.set("c", {});
      expect(await store.get("a")).toEqual({});
      expect(await store.get("b")).toBeUndefined();
    });

    test("a write makes a session recent, so another one is evicted", async () => {
      const store = await newStore({ maxSessions: 2 });
      await store.set("a", {});
      await store.set("b", {});
      await store.set("a", { Counter: { count: 1 } });
      await store.set("c", {});
      expect(await store.get("a")).toEqual({ Counter: { count: 1 } });
      expect(await store.get("b")).toBeUndefined();
    });

    test("a closed store refuses reads and writes instead of losing them", async () => {
      const store = await newStore();
      await store.set("a", {});
      await store.close();
      await expect(store.set("a", { Counter: { count: 1 } })).rejects.toThrow(/closed/);
      await expect(store.get("a")).rejects.toThrow(/closed/);
    });
  });
}
