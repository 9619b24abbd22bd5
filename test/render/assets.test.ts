// The framework's stylesheet and scripts as /_hyperstate/ serves them.

import { expect, test } from "bun:test";
import { join } from "node:path";

const css = await Bun.file(join(import.meta.dir, "..", "..", "public", "hyperstate.css")).text();

/** The selectors of every rule, comments removed. */
const selectors = (text: string) =>
  [...text.replace(/\/\*[\s\S]*?\*\//g, "").matchAll(/([^{}]+)\{[^}]*\}/g)].flatMap((match) => match[1]!.split(",").map((selector) => selector.trim()));

test("every rule of the stylesheet is scoped to an element hyperstate renders, so a host page keeps its own look", () => {
  const all = selectors(css);
  expect(all.length).toBeGreaterThan(5);
  // The last compound of a selector is what it styles: it must carry an hs- class or data-hs- attribute.
  const unscoped = all.filter((selector) => !/(\.hs-|\[data-hs-)[^\s>+~]*$/.test(selector));
  expect(unscoped).toEqual([]);
});
