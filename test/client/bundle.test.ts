// The client script as the server builds it: the entry every page loads
// must not pull in a chunk of the tus client (a module both import would be
// split out and loaded on every page, a request and bytes more).

import { expect, test } from "bun:test";
import { buildClient } from "../../src/render/assets";

test("the page script imports no chunk statically: the tus client and the hash worker load only when a resumable upload starts", async () => {
  const built = await buildClient();
  const entry = await built.get("hyperstate.js")!.text();
  expect(entry.match(/\bfrom\s*"\.\/chunk-[^"]*"/g) ?? []).toEqual([]);
  // The tus client is still its own chunk, loaded with import().
  expect(entry).toMatch(/import\(\s*"\.\/chunk-/);
  expect([...built.keys()].filter((name) => name.startsWith("chunk-")).length).toBe(1);
});
