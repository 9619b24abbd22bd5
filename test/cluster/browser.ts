// What the cluster's browser tests share: the cluster and Chromium started
// before a file's tests and stopped after, a folder for fixture files, tabs
// opened through nginx with the instance that holds their stream, and what
// nginx's log says about where requests went.

import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { launchBrowser } from "../e2e/browser";
import { startCluster, type Cluster } from "./cluster";

export interface ClusterSuite {
  cluster: Cluster;
  browser: Browser;
  /** Fixture files for this test file, removed after it. */
  fixtures: string;
}

export function useClusterInBrowser(timeoutMs: number): ClusterSuite {
  const suite = {} as ClusterSuite;
  beforeAll(async () => {
    suite.fixtures = mkdtempSync(path.join(os.tmpdir(), "hs-cluster-fixtures-"));
    [suite.cluster, suite.browser] = await Promise.all([startCluster(), launchBrowser()]);
  }, timeoutMs);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.cluster?.stop();
    rmSync(suite.fixtures, { recursive: true, force: true });
  });
  return suite;
}

/** Runs `run` in a fresh browser context (a new session, unless `options.storageState` carries one), closed after. */
export async function withContext(suite: ClusterSuite, run: (context: BrowserContext) => Promise<void>, options: BrowserContextOptions = {}): Promise<void> {
  const context = await suite.browser.newContext(options);
  context.setDefaultTimeout(30_000);
  try {
    await run(context);
  } finally {
    await context.close();
  }
}

/** Opens `pathname` through nginx; resolves once its stream is open, with the instance that holds it (`127.0.0.1:port`). */
export async function openTab(suite: ClusterSuite, context: BrowserContext, pathname: string): Promise<{ page: Page; streamOn: string }> {
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`page error on ${pathname}:`, error));
  const stream = page.waitForResponse((response) => new URL(response.url()).pathname === "/_stream");
  await page.goto(suite.cluster.url + pathname);
  const streamOn = (await stream).headers()["x-upstream"]!;
  await page.waitForFunction(() => document.documentElement.classList.contains("hs-js"));
  return { page, streamOn };
}

/** Picks `file` through the file chooser a click on the zone opens. */
export async function pick(page: Page, zone: string, file: string): Promise<void> {
  const chooser = page.waitForEvent("filechooser");
  await page.click(zone);
  await (await chooser).setFiles([file]);
}
