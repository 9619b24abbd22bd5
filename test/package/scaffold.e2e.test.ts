// What a new user does, from a freshly packed tarball, with only Node and npm
// on the PATH: `npx --package ./hyperstate-<version>.tgz hyperstate new my-app`,
// `npm install`, `npm test`, `npm run dev`. Then the app is used in Chromium.
//
// npm install reads the npm cache first (--prefer-offline): the packages an
// app needs are the ones this repository installed, so it needs no network.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../e2e/browser";

const repo = join(import.meta.dir, "..", "..");
const { version } = JSON.parse(await readFile(join(repo, "package.json"), "utf8"));
const tarballName = `hyperstate-${version}.tgz`;

// Node and npm, and nothing else this repository has installed (no Bun), nor
// any variable another test set (UPLOADED_FILES_DIR, HYPERSTATE_*): a clean machine.
const nodeOnlyPath = [...new Set([dirname(Bun.which("node")!), "/usr/bin", "/bin"])].join(":");
const kept = ["HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR", "SHELL", "CI"];
const env: Record<string, string> = {
  ...Object.fromEntries(kept.flatMap((key) => (process.env[key] === undefined ? [] : [[key, process.env[key]!]]))),
  PATH: nodeOnlyPath,
  npm_config_prefer_offline: "true",
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
};

interface Run {
  code: number;
  output: string;
}

async function run(cwd: string, command: string[]): Promise<Run> {
  const child = Bun.spawn(command, { cwd, env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, output: stdout + stderr };
}

async function mustRun(cwd: string, command: string[]): Promise<string> {
  const { code, output } = await run(cwd, command);
  if (code !== 0) throw new Error(`${command.join(" ")} exited ${code}:\n${output}`);
  return output;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** npm runs the script in a shell that runs bun: end them all, children first, by process id. */
async function killTree(pid: number): Promise<void> {
  const children = (await new Response(Bun.spawn(["pgrep", "-P", String(pid)]).stdout).text()).split("\n").filter(Boolean);
  for (const child of children) await killTree(Number(child));
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // Already gone.
  }
}

let workDir: string;
let appDir: string;
let scaffoldOutput: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "hs-scaffold-"));
  appDir = join(workDir, "my-app");
  await mustRun(repo, ["npm", "pack", "--pack-destination", workDir]);
  scaffoldOutput = await mustRun(workDir, ["npx", "--yes", "--package", `./${tarballName}`, "hyperstate", "new", "my-app"]);
  await mustRun(appDir, ["npm", "install"]);
}, 240_000);

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
}, 60_000);

describe("an app made by hyperstate new from the packed tarball", () => {
  test("the machine the app is made on has Node and npm but no Bun", () => {
    expect(Bun.which("node", { PATH: nodeOnlyPath })).not.toBeNull();
    expect(Bun.which("npm", { PATH: nodeOnlyPath })).not.toBeNull();
    expect(Bun.which("bun", { PATH: nodeOnlyPath })).toBeNull();
  });

  test("depends on the tarball it was made from, and brings its own Bun", async () => {
    const pkg = JSON.parse(await readFile(join(appDir, "package.json"), "utf8"));
    expect(pkg.dependencies.hyperstate).toBe(`file:../${tarballName}`);
    expect(scaffoldOutput).toContain("npm run dev");
    expect(scaffoldOutput).not.toContain("is a checkout");
    expect(Object.keys(pkg.dependencies)).toContain("bun");
    expect(await Bun.file(join(appDir, "node_modules", ".bin", "bun")).exists()).toBe(true);
  });

  test("ignores the data directory, the upload directory and node_modules in git", async () => {
    const ignored = (await readFile(join(appDir, ".gitignore"), "utf8")).split("\n");
    expect(ignored).toContain(".hyperstate/");
    expect(ignored).toContain("uploaded_files/");
    expect(ignored).toContain("node_modules/");
  });

  test("npm test passes: xss-scan, types and the app's own test", async () => {
    const output = await mustRun(appDir, ["npm", "test"]);
    expect(output).toContain("No XSS vulnerabilities found");
    expect(output).toContain("1 pass");
  }, 120_000);

  test("npm test fails when a stored string would be rendered as markup", async () => {
    // The case a new user hit: <Text as="span">{item}</Text> with a stored "<img src=x onerror=alert(1)>".
    const page = join(appDir, "src", "item.tsx");
    await writeFile(
      page,
      `import { Text } from "hyperstate";\n\nexport const Item = ({ item }: { item: string }) => <Text as="span">{item}</Text>;\n`,
    );
    try {
      const { code, output } = await run(appDir, ["npm", "test"]);
      expect(code).not.toBe(0);
      expect(output).toContain("src/item.tsx(3,");
      expect(output).toContain("Xss-prone content");
    } finally {
      await rm(page);
    }
  }, 120_000);

  describe("npm run dev", () => {
    let dev: Bun.Subprocess;
    let base: string;
    let browser: Browser;
    let log = "";

    beforeAll(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      dev = Bun.spawn(["npm", "run", "dev"], {
        cwd: appDir,
        env: { ...env, PORT: String(port), HOST: "127.0.0.1" },
        stdout: "pipe",
        stderr: "pipe",
      });
      void new Response(dev.stdout as ReadableStream).text().then((text) => (log += text));
      for (let tries = 0; ; tries++) {
        const answer = await fetch(base, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
        if (answer?.ok) break;
        if (tries > 150 || dev.exitCode !== null) throw new Error(`npm run dev did not serve ${base}: ${log}`);
        await Bun.sleep(100);
      }
      browser = await launchBrowser();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      if (dev) await killTree(dev.pid);
    }, 30_000);

    test("serves the page and its scripts on PORT", async () => {
      const html = await (await fetch(base)).text();
      expect(html).toContain("<title>my-app</title>");
      for (const asset of ["htmx.js", "hyperstate.js", "hyperstate.css"]) {
        expect((await fetch(`${base}/_hyperstate/${asset}`)).status).toBe(200);
      }
    });

    test("a file uploaded in Chromium is listed on the page and served", async () => {
      const file = join(workDir, "notes.txt");
      await writeFile(file, "from the new app");
      const page = await browser.newPage();
      await page.goto(base);
      await page.setInputFiles("#files-input", file);
      await page.getByRole("button", { name: "Upload", exact: true }).click();
      await page.getByText("1 file uploaded").waitFor();
      const link = page.getByRole("link", { name: "notes.txt" });
      expect(await (await fetch(`${base}${await link.getAttribute("href")}`)).text()).toBe("from the new app");
      expect(await Bun.file(join(appDir, "uploaded_files", "notes.txt")).text()).toBe("from the new app");
    }, 30_000);
  });
});
