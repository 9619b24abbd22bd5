import { afterEach, describe, expect, setSystemTime, test } from "bun:test";
import { MemoryStore } from "../../src/state/store";
import { sessionStoreConformance } from "./session-store.conformance";

sessionStoreConformance("memory", async (bounds) => new MemoryStore(bounds));

const stores: MemoryStore[] = [];
function newStore(options: ConstructorParameters<typeof MemoryStore>[0]): MemoryStore {
  const store = new MemoryStore(options);
  stores.push(store);
  return store;
}

afterEach(async () => {
  setSystemTime();
  for (const store of stores.splice(0)) await store.close();
});

describe("MemoryStore", () => {
  test("evicting past maxSessions keeps its size at the bound", async () => {
    const store = newStore({ maxSessions: 2 });
    await store.set("a", {});
    await store.set("b", {});
    await store.set("c", {});
    expect(store.size).toBe(2);
  });

  test("a sweep drops sessions idle for longer than the ttl and keeps the rest", async () => {
    const store = newStore({ ttlMs: 1000 });
    setSystemTime(new Date(10_000));
    await store.set("old", {});
    setSystemTime(new Date(10_800));
    await store.set("young", {});
    store.sweep(11_500);
    expect(store.size).toBe(1);
    setSystemTime(new Date(11_500));
    expect(await store.get("old")).toBeUndefined();
    expect(await store.get("young")).toEqual({});
  });

  test("a session past its ttl is gone when read, even before a sweep", async () => {
    const store = newStore({ ttlMs: 1000 });
    setSystemTime(new Date(10_000));
    await store.set("a", {});
    setSystemTime(new Date(11_001));
    expect(await store.get("a")).toBeUndefined();
    expect(store.size).toBe(0);
  });

  test("sweeps expired sessions on its own timer", async () => {
    const store = newStore({ ttlMs: 1, sweepIntervalMs: 5 });
    await store.set("a", {});
    await Bun.sleep(40);
    expect(store.size).toBe(0);
  });
});
