// The demo (views/server.ts) as its own process on a free port, for tests
// that run several instances, restart them or start them against a Redis
// that is not there. Its stderr is kept for tests that read what it logged.

import type { Subprocess } from "bun";
import path from "node:path";
import { freePort } from "./redis";

const repo = path.join(import.meta.dir, "../..");

export interface DemoProcess {
  base: string;
  port: number;
  child: Subprocess<"ignore", "pipe", "pipe">;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves once the server has printed its start line `times` times (bun --watch restarts it). */
  started(times: number): Promise<void>;
  stop(): Promise<void>;
}

export interface DemoProcessOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** What bun runs. @default ["views/server.ts"] */
  args?: string[];
  /** @default a free port */
  port?: number;
}

/** Starts the demo; resolves once it listens (not once its backends answer). */
export async function startDemoProcess(options: DemoProcessOptions = {}): Promise<DemoProcess> {
  const port = options.port ?? (await freePort());
  const env = options.env ?? {};
  const child = Bun.spawn([process.execPath, ...(options.args ?? ["views/server.ts"])], {
    cwd: repo,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  let stdout = "";
  let stderr = "";
  const collect = async (stream: ReadableStream<Uint8Array<ArrayBuffer>>, add: (text: string) => void) => {
    const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) add(read.value);
  };
  void collect(child.stdout, (text) => (stdout += text));
  void collect(child.stderr, (text) => (stderr += text));
  const started = async (times: number) => {
    const end = Date.now() + 15_000;
    while (stdout.split("hyperstate demo on").length - 1 < times) {
      if (child.exitCode !== null || Date.now() > end) throw new Error(`the demo server did not start: ${stderr}`);
      await Bun.sleep(20);
    }
  };
  await started(1);
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    child,
    stderr: () => stderr,
    started,
    async stop() {
      child.kill();
      await child.exited;
    },
  };
}

/** A new session's cookie (`hs_session=...`), from a first page load. */
export async function newSession(base: string): Promise<string> {
  const response = await fetch(`${base}/counter`);
  if (!response.ok) throw new Error(`GET /counter answered ${response.status}: ${await response.text()}`);
  return response.headers.get("Set-Cookie")!.split(";")[0]!;
}

/** Clicks the counter's +1 as htmx would. */
export function increment(base: string, cookie: string): Promise<Response> {
  return fetch(`${base}/_event/CounterState.increment`, {
    method: "POST",
    headers: { Cookie: cookie, "HX-Request": "true", "HX-Current-URL": `${base}/counter`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ "hs-args": "[1]" }),
    signal: AbortSignal.timeout(10_000),
  });
}

export function countIn(html: string): number {
  const match = /<strong id="count"[^>]*>(-?\d+)<\/strong>/.exec(html);
  if (!match) throw new Error(`No count in ${html.slice(0, 200)}`);
  return Number(match[1]);
}

export async function shownCount(base: string, cookie: string): Promise<number> {
  return countIn(await (await fetch(`${base}/counter`, { headers: { Cookie: cookie } })).text());
}
