// Pages are JSX compiled by @kitajs/html. An app whose tsconfig.json lacks the
// two settings gets JSX compiled for React and, at its first page import,
// "Cannot find module 'react/jsx-dev-runtime'" with no word of hyperstate.
// This check says what to add, from the tsconfig that Bun reads.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const JSX_SETTINGS = { jsx: "react-jsx", jsxImportSource: "@kitajs/html" } as const;

const FIX = `add to its compilerOptions: "jsx": "react-jsx", "jsxImportSource": "@kitajs/html" (without them Bun compiles JSX for React and the app fails with "Cannot find module 'react/jsx-dev-runtime'")`;

/**
 * What is wrong with the JSX settings of the tsconfig.json Bun uses for
 * files in `dir` (the nearest one up the tree), or undefined when they are
 * right or come from a config this check cannot read.
 */
export function jsxSettingsProblem(dir: string): string | undefined {
  const path = nearestTsconfig(resolve(dir));
  if (!path) return `No tsconfig.json in ${dir} or above it: create one and ${FIX}`;
  const options = compilerOptions(path, new Set());
  if (!options) return undefined;
  const wrong = Object.entries(JSX_SETTINGS).filter(([key, value]) => options[key] !== value && !(key === "jsx" && options[key] === "react-jsxdev"));
  if (wrong.length === 0) return undefined;
  const found = wrong.map(([key]) => `"${key}": ${JSON.stringify(options[key] ?? null)}`).join(", ");
  return `${path} has ${found}: hyperstate pages are JSX for @kitajs/html; ${FIX}`;
}

let warned = false;

/** Warns once per process when the app's entry point would compile JSX for React. */
export function warnAboutJsxSettings(entry = Bun.main): void {
  if (warned) return;
  warned = true;
  const problem = jsxSettingsProblem(dirname(entry));
  if (problem) console.warn(`hyperstate: ${problem}`);
}

function nearestTsconfig(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, "tsconfig.json");
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return undefined;
  }
}

/** The compilerOptions of a tsconfig with those of the files it extends beneath, or undefined when one cannot be read. */
function compilerOptions(path: string, seen: Set<string>): Record<string, unknown> | undefined {
  if (seen.has(path)) return undefined;
  seen.add(path);
  let config: { extends?: string | string[]; compilerOptions?: Record<string, unknown> };
  try {
    config = Bun.JSONC.parse(readFileSync(path, "utf8")) as typeof config;
  } catch {
    return undefined;
  }
  let base: Record<string, unknown> = {};
  for (const parent of [config.extends ?? []].flat()) {
    // A package's config ("@tsconfig/bun") is not followed: say nothing rather than guess.
    if (!parent.startsWith(".")) return undefined;
    const parentPath = resolve(dirname(path), parent.endsWith(".json") ? parent : `${parent}.json`);
    const inherited = compilerOptions(parentPath, seen);
    if (!inherited) return undefined;
    base = { ...base, ...inherited };
  }
  return { ...base, ...config.compilerOptions };
}
