// What every change bus does, in one process or across many: the memory
// bus and the Redis bus run this suite.

import { afterEach, describe, expect, test } from "bun:test";
import type { ChangeBus, SessionChange } from "../../src/stream/pubsub";
import { eventually } from "../support/wait";

/** Opens `count` buses on one backend, as separate instances of an app would (memory: one bus). */
export type BusFactory = (count: number) => Promise<ChangeBus[]>;

export function changeBusConformance(backend: string, open: BusFactory): void {
  describe(`${backend} change bus (conformance)`, () => {
    const opened: ChangeBus[] = [];
    const newBuses = async (count: number) => {
      const buses = await open(count);
      opened.push(...buses);
      return buses;
    };

    afterEach(async () => {
      for (const bus of new Set(opened.splice(0))) await bus.close();
    });

    test("every subscriber on every instance gets each change", async () => {
      const [here, there] = await newBuses(2);
      const seen: Record<string, string[]> = { first: [], second: [], third: [] };
      here!.subscribe((change) => seen.first!.push(change.sessionId));
      here!.subscribe((change) => seen.second!.push(change.sessionId));
      there!.subscribe((change) => seen.third!.push(change.sessionId));
      await here!.publish({ sessionId: "s1" });
      await there!.publish({ sessionId: "s2" });
      await eventually(() => expect(seen).toEqual({ first: ["s1", "s2"], second: ["s1", "s2"], third: ["s1", "s2"] }));
    });

    test("a change arrives whole: the tab to skip, client actions, an error message", async () => {
      const [bus] = await newBuses(1);
      const changes: SessionChange[] = [];
      bus!.subscribe((change) => changes.push(change));
      const change: SessionChange = {
        sessionId: "s1",
        exceptTab: "tab-1",
        actions: [{ type: "clearSelectedFiles", id: "photos" }],
        error: "Gallery.upload failed: “disk full” 🙁",
      };
      await bus!.publish(change);
      await eventually(() => expect(changes).toEqual([change]));
    });

    test("an unsubscribed listener gets nothing more, the others still do", async () => {
      const [bus] = await newBuses(1);
      const kept: string[] = [];
      const dropped: string[] = [];
      bus!.subscribe((change) => kept.push(change.sessionId));
      const unsubscribe = bus!.subscribe((change) => dropped.push(change.sessionId));
      await bus!.publish({ sessionId: "s1" });
      await eventually(() => expect(dropped).toEqual(["s1"]));
      unsubscribe();
      await bus!.publish({ sessionId: "s2" });
      await eventually(() => expect(kept).toEqual(["s1", "s2"]));
      expect(dropped).toEqual(["s1"]);
    });

    test("a session's changes arrive in the order they were published", async () => {
      const [here, there] = await newBuses(2);
      const errors: string[] = [];
      there!.subscribe((change) => errors.push(change.error!));
      const published = Array.from({ length: 200 }, (_, i) => `change ${i}`);
      await Promise.all(published.map((error) => here!.publish({ sessionId: "s1", error })));
      await eventually(() => expect(errors).toEqual(published));
    });

    test("a closed bus delivers nothing to its listeners", async () => {
      const [here, there] = await newBuses(2);
      const changes: string[] = [];
      there!.subscribe((change) => changes.push(change.sessionId));
      await there!.close();
      await here!.publish({ sessionId: "s1" }).catch(() => {});
      await Bun.sleep(50);
      expect(changes).toEqual([]);
    });
  });
}
