import { describe, expect, test } from "bun:test";
import { StreamHub, type Tab } from "../../src/stream/hub";

function tab(sessionId: string, tabId: string): Tab {
  return { sessionId, tabId, page: "/", send: () => {} };
}

describe("StreamHub", () => {
  test("lists the tabs of a session only", () => {
    const hub = new StreamHub();
    hub.add(tab("s1", "a"));
    hub.add(tab("s1", "b"));
    hub.add(tab("s2", "c"));
    expect(hub.tabsOf("s1").map((t) => t.tabId).sort()).toEqual(["a", "b"]);
    expect(hub.tabsOf("s2").map((t) => t.tabId)).toEqual(["c"]);
    expect(hub.tabsOf("s3")).toEqual([]);
    expect(hub.size).toBe(3);
  });

  test("removing every tab leaves it empty", () => {
    const hub = new StreamHub();
    const removeA = hub.add(tab("s1", "a"));
    const removeB = hub.add(tab("s1", "b"));
    removeA();
    expect(hub.tabsOf("s1").map((t) => t.tabId)).toEqual(["b"]);
    removeB();
    expect(hub.size).toBe(0);
    expect(hub.tabsOf("s1")).toEqual([]);
  });

  test("removing a tab twice does not remove a tab added later", () => {
    const hub = new StreamHub();
    const remove = hub.add(tab("s1", "a"));
    remove();
    hub.add(tab("s1", "b"));
    remove();
    expect(hub.tabsOf("s1").map((t) => t.tabId)).toEqual(["b"]);
  });
});
