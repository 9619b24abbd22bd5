import { describe, expect, test } from "bun:test";
import { KeyedLock } from "../../src/state/lock";

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe("KeyedLock", () => {
  test("runs work for the same key one at a time, in the order it arrived", async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const first = gate();
    const runs = [
      lock.run("a", async () => {
        log.push("1 start");
        await first.opened;
        log.push("1 end");
      }),
      lock.run("a", async () => {
        log.push("2 start");
        log.push("2 end");
      }),
      lock.run("a", async () => {
        log.push("3 start");
        log.push("3 end");
      }),
    ];
    await Bun.sleep(5);
    expect(log).toEqual(["1 start"]);
    first.open();
    await Promise.all(runs);
    expect(log).toEqual(["1 start", "1 end", "2 start", "2 end", "3 start", "3 end"]);
  });

  test("runs work for different keys side by side", async () => {
    const lock = new KeyedLock();
    const blockA = gate();
    let bRan = false;
    const a = lock.run("a", () => blockA.opened);
    await lock.run("b", async () => {
      bRan = true;
    });
    expect(bRan).toBe(true);
    blockA.open();
    await a;
  });

  test("a failing run passes its error to its caller and does not stop the next one", async () => {
    const lock = new KeyedLock();
    const failing = lock.run("a", async () => {
      throw new Error("boom");
    });
    const next = lock.run("a", async () => "ran");
    await expect(failing).rejects.toThrow("boom");
    expect(await next).toBe("ran");
  });

  test("returns the work's result", async () => {
    const lock = new KeyedLock();
    expect(await lock.run("a", async () => 42)).toBe(42);
  });

  test("forgets every key once its work is done", async () => {
    const lock = new KeyedLock();
    const blockA = gate();
    const runs = [lock.run("a", () => blockA.opened), lock.run("a", async () => {}), lock.run("b", async () => {})];
    expect(lock.size).toBe(2);
    blockA.open();
    await Promise.all(runs);
    expect(lock.size).toBe(0);
  });

  test("forgets a key whose last work failed", async () => {
    const lock = new KeyedLock();
    await lock.run("a", async () => Promise.reject(new Error("boom"))).catch(() => {});
    expect(lock.size).toBe(0);
  });
});
