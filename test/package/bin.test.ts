// bin/hyperstate.mjs run as npx runs it: with Node.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const bin = join(import.meta.dir, "..", "..", "bin", "hyperstate.mjs");
const { version } = JSON.parse(await readFile(join(import.meta.dir, "..", "..", "package.json"), "utf8"));

let workDir: string;
beforeEach(async () => (workDir = await mkdtemp(join(tmpdir(), "hs-bin-"))));
afterEach(() => rm(workDir, { recursive: true, force: true }));

async function hyperstate(...args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|INIT_CWD$)/i.test(key)));
  const child = Bun.spawn(["node", bin, ...args], { cwd: workDir, env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { stdout, stderr, code };
}

describe("hyperstate", () => {
  test("--help shows how to create an app", async () => {
    const { stdout, code } = await hyperstate("--help");
    expect(code).toBe(0);
    expect(stdout).toContain("hyperstate new <dir>");
  });

  test("without a command shows the usage and fails", async () => {
    const { stdout, code } = await hyperstate();
    expect(code).toBe(1);
    expect(stdout).toContain("Usage:");
  });

  test("--version prints the package's version", async () => {
    expect((await hyperstate("--version")).stdout.trim()).toBe(version);
  });

  test("an unknown command is refused with a pointer to --help", async () => {
    const { stderr, code } = await hyperstate("create", "app");
    expect(code).toBe(1);
    expect(stderr).toContain('Unknown command "create"');
    expect(stderr).toContain("hyperstate --help");
  });
});

describe("hyperstate new", () => {
  test("creates the app's files, with .gitignore under its real name", async () => {
    const { code, stdout } = await hyperstate("new", "shop");
    expect(code).toBe(0);
    expect(stdout).toContain("npm run dev");
    const files = (await readdir(join(workDir, "shop"), { recursive: true })).sort();
    expect(files).toEqual([".gitignore", "README.md", "package.json", "src", "src/app.tsx", "src/server.ts", "test", "test/app.test.tsx", "tsconfig.json"]);
  });

  test("names the app after its directory, as npm accepts it", async () => {
    await hyperstate("new", "My Shop");
    const pkg = JSON.parse(await readFile(join(workDir, "My Shop", "package.json"), "utf8"));
    expect(pkg.name).toBe("my-shop");
    expect(await readFile(join(workDir, "My Shop", "src", "app.tsx"), "utf8")).toContain("<h1>my-shop</h1>");
  });

  test("run from a checkout, depends on this version of hyperstate and on Bun", async () => {
    await hyperstate("new", "shop");
    const pkg = JSON.parse(await readFile(join(workDir, "shop", "package.json"), "utf8"));
    expect(pkg.dependencies.hyperstate).toBe(`^${version}`);
    expect(pkg.dependencies.bun).toMatch(/^\^1\./);
    expect(pkg.scripts.test).toContain("xss-scan");
    // xss-scan runs on TypeScript 5's JavaScript API; typescript@latest (7) has none.
    expect(pkg.devDependencies.typescript).toMatch(/^\^5\./);
  });

  test("run from a checkout, says how to depend on the checkout instead", async () => {
    const { stdout } = await hyperstate("new", "shop");
    expect(stdout).toContain("This hyperstate is a checkout");
    expect(stdout).toContain(`hyperstate-${version}.tgz hyperstate new <dir>`);
  });

  test("the app's tsconfig has the JSX settings and the XSS plugin", async () => {
    await hyperstate("new", "shop");
    const { compilerOptions } = JSON.parse(await readFile(join(workDir, "shop", "tsconfig.json"), "utf8"));
    expect(compilerOptions.jsx).toBe("react-jsx");
    expect(compilerOptions.jsxImportSource).toBe("@kitajs/html");
    expect(compilerOptions.plugins).toEqual([{ name: "@kitajs/ts-html-plugin" }]);
  });

  test("creates the app in an empty directory that exists", async () => {
    await mkdir(join(workDir, "empty"));
    expect((await hyperstate("new", "empty")).code).toBe(0);
    expect(await Bun.file(join(workDir, "empty", "package.json")).exists()).toBe(true);
  });

  test("refuses a directory that is not empty, and changes nothing in it", async () => {
    await mkdir(join(workDir, "taken"));
    await writeFile(join(workDir, "taken", "notes.txt"), "mine");
    const { code, stderr } = await hyperstate("new", "taken");
    expect(code).toBe(1);
    expect(stderr).toContain("taken is not empty");
    expect(await readdir(join(workDir, "taken"))).toEqual(["notes.txt"]);
  });

  test("refuses a path that is a file", async () => {
    await writeFile(join(workDir, "file"), "");
    const { code, stderr } = await hyperstate("new", "file");
    expect(code).toBe(1);
    expect(stderr).toContain("file exists and is not a directory");
  });

  test("refuses no directory, two directories, or an option it does not know", async () => {
    for (const args of [["new"], ["new", "a", "b"], ["new", "a", "--force"]]) {
      const { code, stderr } = await hyperstate(...args);
      expect(code).toBe(1);
      expect(stderr).toContain("hyperstate new takes one argument");
    }
    expect(await readdir(workDir)).toEqual([]);
  });
});
