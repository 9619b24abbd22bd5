// The framework's stylesheet and scripts as /_hyperstate/ serves them.

import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync } from "node:zlib";
import { ASSET_VERSION, assetUrl, serveAsset, versionOf } from "../../src/render/assets";
import { HeadTags } from "../../src/render/shell";

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

describe("compression", () => {
  const get = (name: string, headers: Record<string, string> = {}) => serveAsset(name, new Request(`http://localhost/_hyperstate/${name}`, { headers }));
  const bytes = async (response: Response) => new Uint8Array(await response.arrayBuffer());

  test("htmx.js goes brotli-compressed to a browser that accepts br, at a fraction of its size", async () => {
    const plain = await bytes(await get("htmx.js"));
    const response = await get("htmx.js", { "Accept-Encoding": "gzip, deflate, br, zstd" });
    expect(response.headers.get("Content-Encoding")).toBe("br");
    expect(response.headers.get("Vary")).toBe("Accept-Encoding");
    const body = await bytes(response);
    expect(brotliDecompressSync(body)).toEqual(Buffer.from(plain));
    expect(body.byteLength).toBeLessThan(plain.byteLength / 3);
  });

  test("the client script goes gzip-compressed where only gzip is accepted", async () => {
    const plain = await bytes(await get("hyperstate.js"));
    const response = await get("hyperstate.js", { "Accept-Encoding": "gzip" });
    expect(response.headers.get("Content-Encoding")).toBe("gzip");
    expect(Bun.gunzipSync(await bytes(response))).toEqual(plain);
  });

  test("without Accept-Encoding, or with every coding refused by q=0, the bytes go as they are", async () => {
    for (const accept of [undefined, "br;q=0, gzip;q=0"]) {
      const response = await get("hyperstate.css", accept ? { "Accept-Encoding": accept } : {});
      expect(response.headers.get("Content-Encoding")).toBeNull();
      expect(response.headers.get("Vary")).toBe("Accept-Encoding");
      expect(await response.text()).toBe(css);
    }
  });

  test("each coding has its own ETag, and a matching If-None-Match is 304 for that coding only", async () => {
    const gzip = await get("htmx.js", { "Accept-Encoding": "gzip" });
    const br = await get("htmx.js", { "Accept-Encoding": "br" });
    const tag = gzip.headers.get("ETag")!;
    expect(tag).not.toBe(br.headers.get("ETag")!);
    expect((await get("htmx.js", { "Accept-Encoding": "gzip", "If-None-Match": tag })).status).toBe(304);
    expect((await get("htmx.js", { "Accept-Encoding": "br", "If-None-Match": tag })).status).toBe(200);
  });
});

describe("caching", () => {
  const get = (url: string, headers: Record<string, string> = {}) => serveAsset(new URL(url, "http://localhost").pathname.split("/").pop()!, new Request(new URL(url, "http://localhost"), { headers }));

  test("pages ask for assets by versioned URLs, which may be cached for a year", async () => {
    const head = HeadTags() as string;
    for (const name of ["hyperstate.css", "htmx.js", "hyperstate.js"]) {
      expect(head).toContain(`/_hyperstate/${name}?v=${ASSET_VERSION}`);
      const response = await get(assetUrl(name));
      expect(response.status).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    }
  });

  test("an unversioned or stale URL is revalidated every time", async () => {
    for (const url of ["/_hyperstate/htmx.js", "/_hyperstate/htmx.js?v=old-build"]) {
      expect((await get(url)).headers.get("Cache-Control")).toBe("no-cache");
    }
  });

  test("the version is a hash of the sources: other bytes, another version", () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-asset-version-"));
    const file = join(dir, "source.ts");
    writeFileSync(file, "export const a = 1;");
    const before = versionOf([file]);
    expect(versionOf([file])).toBe(before);
    writeFileSync(file, "export const a = 2;");
    expect(versionOf([file])).not.toBe(before);
    rmSync(dir, { recursive: true, force: true });
  });
});
