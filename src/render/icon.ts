import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const iconsDir = join(dirname(createRequire(import.meta.url).resolve("lucide-static/package.json")), "icons");
const cache = new Map<string, string>();

/**
 * The inner markup (paths) of a lucide icon. Accepts Reflex's snake_case tags
 * (`cloud_upload`) and lucide's kebab-case names (`cloud-upload`).
 */
export function iconPaths(tag: string): string {
  const name = tag.replaceAll("_", "-").toLowerCase();
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) throw new Error(`Not an icon name: ${JSON.stringify(tag)}`);
  let paths = cache.get(name);
  if (paths === undefined) {
    let svg: string;
    try {
      svg = readFileSync(join(iconsDir, `${name}.svg`), "utf8");
    } catch {
      throw new Error(`No lucide icon is named "${name}" (see https://lucide.dev/icons)`);
    }
    paths = svg.slice(svg.indexOf(">", svg.indexOf("<svg")) + 1, svg.lastIndexOf("</svg>")).trim();
    cache.set(name, paths);
  }
  return paths;
}
