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
  // Scoped: the element styled is one of hyperstate's (hs- class, data-hs- attribute) or inside one.
  // Not .hs-js: the client script puts it on <html>, above the host page's own elements.
  const unscoped = all.filter((selector) => !/\.hs-(?!js\b)|\[data-hs-/.test(selector));
  expect(unscoped).toEqual([]);
});
