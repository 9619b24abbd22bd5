// The hint for an app whose tsconfig.json would compile JSX for React: the
// error Bun gives then ("Cannot find module 'react/jsx-dev-runtime'") never
// mentions hyperstate.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jsxSettingsProblem } from "../../src/render/jsx-settings";

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "hs-jsx-"));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function appWith(name: string, tsconfig: string | undefined): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, "src"), { recursive: true });
  if (tsconfig !== undefined) await writeFile(join(dir, "tsconfig.json"), tsconfig);
  return join(dir, "src");
}

describe("the JSX settings check", () => {
  test("is quiet when tsconfig.json has both settings, comments and trailing commas included", async () => {
    const dir = await appWith("right", `{ // the app\n "compilerOptions": { "jsx": "react-jsx", /* kita */ "jsxImportSource": "@kitajs/html", }, }`);
    expect(jsxSettingsProblem(dir)).toBeUndefined();
  });

  test("names the missing settings, the lines to add and the error they cause", async () => {
    const dir = await appWith("missing", `{ "compilerOptions": { "strict": true } }`);
    const problem = jsxSettingsProblem(dir)!;
    expect(problem).toContain('"jsx": null, "jsxImportSource": null');
    expect(problem).toContain('"jsx": "react-jsx", "jsxImportSource": "@kitajs/html"');
    expect(problem).toContain("Cannot find module 'react/jsx-dev-runtime'");
  });

  test("names a JSX import source that is not @kitajs/html", async () => {
    const dir = await appWith("react", `{ "compilerOptions": { "jsx": "react-jsx", "jsxImportSource": "react" } }`);
    expect(jsxSettingsProblem(dir)).toContain('"jsxImportSource": "react"');
  });

  test("says so when there is no tsconfig.json at all", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "hs-jsx-bare-")), "deep");
    await mkdir(dir);
    // The system's temp folder has no tsconfig.json above it.
    expect(jsxSettingsProblem(dir)).toContain(`No tsconfig.json in ${dir} or above it`);
  });

  test("follows a relative extends, the app's own settings over the base's", async () => {
    await writeFile(join(root, "base.json"), `{ "compilerOptions": { "jsx": "react-jsx", "jsxImportSource": "@kitajs/html" } }`);
    const inherits = await appWith("inherits", `{ "extends": "../base.json" }`);
    expect(jsxSettingsProblem(inherits)).toBeUndefined();
    const overrides = await appWith("overrides", `{ "extends": "../base", "compilerOptions": { "jsxImportSource": "preact" } }`);
    expect(jsxSettingsProblem(overrides)).toContain('"jsxImportSource": "preact"');
  });

  test("says nothing rather than guess when the settings come from a package's config", async () => {
    const dir = await appWith("package", `{ "extends": "@tsconfig/bun/tsconfig.json" }`);
    expect(jsxSettingsProblem(dir)).toBeUndefined();
  });

  test("the plugin warns at start-up, naming the app's tsconfig.json", async () => {
    const dir = await appWith("started", `{ "compilerOptions": {} }`);
    const script = join(dir, "server.ts");
    const framework = join(import.meta.dir, "..", "..", "src", "app.ts");
    await writeFile(script, `import { hyperstate } from ${JSON.stringify(framework)};\nhyperstate({ states: [], pages: {} });\n`);
    const run = Bun.spawnSync([process.execPath, script], { cwd: dir, stderr: "pipe", stdout: "pipe" });
    const stderr = run.stderr.toString();
    expect(stderr).toContain(`hyperstate: ${join(root, "started", "tsconfig.json")} has`);
    expect(stderr).toContain('"jsxImportSource": "@kitajs/html"');
  });
});
