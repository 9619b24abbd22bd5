// What `npm pack` puts in the tarball: what an app needs, and nothing of this repository's own.

import { expect, test } from "bun:test";
import { join } from "node:path";

const repo = join(import.meta.dir, "..", "..");

async function packedFiles(): Promise<string[]> {
  const child = Bun.spawn(["npm", "pack", "--dry-run", "--json"], { cwd: repo, stdout: "pipe", stderr: "pipe" });
  const [stdout, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  expect(code).toBe(0);
  return (JSON.parse(stdout)[0].files as { path: string }[]).map((file) => file.path);
}

test("the tarball holds the source, the client script's source, the CSS, the bin and the app template", async () => {
  const files = await packedFiles();
  for (const path of ["package.json", "README.md", "src/index.ts", "src/client/index.ts", "public/hyperstate.css", "bin/hyperstate.mjs", "templates/app/gitignore", "templates/app/src/app.tsx"]) {
    expect(files).toContain(path);
  }
});

test("the tarball holds no tests, benchmarks, demo views, examples or build output", async () => {
  const files = await packedFiles();
  const strays = files.filter((path) => /^(test|bench|views|examples|scripts|uploaded_files|test-results)\//.test(path) || path === "public/hyperstate.js");
  expect(strays).toEqual([]);
  // The template's own test is the one test file an app should get.
  expect(files.filter((path) => /\.test\.tsx?$/.test(path))).toEqual(["templates/app/test/app.test.tsx"]);
});
