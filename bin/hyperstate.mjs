#!/usr/bin/env node
// hyperstate's command line. Plain Node with no dependencies: npx runs a bin
// with Node, and the app it creates brings its own Bun from npm.

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const templateDir = join(packageDir, "templates", "app");
const self = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));

const USAGE = `hyperstate ${self.version}: server-rendered hypermedia apps on Bun and Elysia

Usage:
  hyperstate new <dir>    create an app in <dir> (a new or empty directory)
  hyperstate --help       show this text
  hyperstate --version    print the version

Then: cd <dir> && npm install && npm run dev   (serves http://localhost:3000; PORT to change it)
      npm test                                 (xss-scan, tsc, bun test)`;

/** The packages a new app depends on, at the versions this hyperstate was built with. */
const APP_DEPENDENCIES = ["elysia", "@kitajs/html"];
// Bun is a dependency of the app, so `npm run dev` works where only Node and npm are installed.
const APP_RUNTIME = ["bun"];
// typescript at this package's range (5): xss-scan needs TypeScript's JavaScript API, which 7 does not have.
const APP_DEV_DEPENDENCIES = ["typescript", "@types/bun", "@kitajs/ts-html-plugin"];

function main(args) {
  const [command, ...rest] = args;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command === "--version" || command === "-v") {
    console.log(self.version);
    return 0;
  }
  if (command === "new") return newApp(rest);
  return fail(`Unknown command "${command}".`);
}

function newApp(args) {
  const dirs = args.filter((arg) => !arg.startsWith("-"));
  if (dirs.length !== 1 || dirs.length !== args.length) return fail("hyperstate new takes one argument: the directory to create.");
  const appDir = resolve(dirs[0]);
  if (existsSync(appDir)) {
    if (!statSync(appDir).isDirectory()) return fail(`${dirs[0]} exists and is not a directory.`);
    if (readdirSync(appDir).length > 0) {
      return fail(`${dirs[0]} is not empty: hyperstate new creates an app only in a new or empty directory.`);
    }
  }
  const name = packageName(basename(appDir));
  mkdirSync(appDir, { recursive: true });
  cpSync(templateDir, appDir, { recursive: true });
  // npm leaves .gitignore out of a packed tarball, so the template holds it under another name.
  renameSync(join(appDir, "gitignore"), join(appDir, ".gitignore"));
  for (const file of ["README.md", join("src", "server.ts"), join("src", "app.tsx")]) {
    const path = join(appDir, file);
    writeFileSync(path, readFileSync(path, "utf8").replaceAll("my-app", name));
  }
  const pkg = appPackageJson(name, appDir);
  writeFileSync(join(appDir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  const shown = relative(process.cwd(), appDir) || ".";
  console.log(`Created ${name} in ${appDir}

  cd ${shown}
  npm install
  npm run dev     # http://localhost:3000 (PORT to change it)
  npm test`);
  // Run from a checkout rather than from an installed package: npm would look for this version on the registry.
  if (pkg.dependencies.hyperstate.startsWith("^") && !packageDir.split(sep).includes("node_modules")) {
    console.log(`
This hyperstate is a checkout, so the app depends on hyperstate@${pkg.dependencies.hyperstate}.
To depend on the checkout instead: npm pack in ${packageDir}, then
  npx --package <path to>/hyperstate-${self.version}.tgz hyperstate new <dir>`);
  }
  return 0;
}

function appPackageJson(name, appDir) {
  return {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: {
      dev: "bun --watch src/server.ts",
      start: "bun src/server.ts",
      // xss-scan refuses a string that could become markup: see README, "Text is escaped".
      test: "xss-scan && tsc --noEmit -p . && bun test",
    },
    dependencies: { hyperstate: hyperstateSpec(appDir), ...versionsOf(APP_DEPENDENCIES), ...versionsOf(APP_RUNTIME) },
    devDependencies: versionsOf(APP_DEV_DEPENDENCIES),
  };
}

/**
 * The hyperstate the app should install: the tarball this command came from
 * (`npx --package ./hyperstate-<version>.tgz hyperstate new ...`), else this version.
 */
function hyperstateSpec(appDir) {
  const from = process.env.INIT_CWD ?? process.cwd();
  for (const spec of (process.env.npm_config_package ?? "").split(/[\n,]/)) {
    const tarball = resolve(from, spec.trim().replace(/^file:/, ""));
    if (/\.(tgz|tar\.gz)$/.test(tarball) && existsSync(tarball)) return `file:${relative(appDir, tarball)}`;
  }
  return `^${self.version}`;
}

function versionsOf(names) {
  const all = { ...self.devDependencies, ...self.dependencies };
  return Object.fromEntries(names.map((name) => [name, all[name]]));
}

/** A directory name as an npm package name: lowercase, no spaces or odd characters. */
function packageName(dirName) {
  const name = dirName.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+|-+$/g, "");
  return name || "hyperstate-app";
}

function fail(message) {
  console.error(`hyperstate: ${message}\nRun "hyperstate --help" for usage.`);
  return 1;
}

process.exitCode = main(process.argv.slice(2));
