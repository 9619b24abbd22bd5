// `bun run demo:cluster` as a person runs it: it prints the nginx URL, the
// demo answers there, and a SIGINT or SIGTERM to the script leaves nothing
// listening (no orphan nginx, instance or redis-server).

import { expect, test } from "bun:test";
import path from "node:path";

const repo = path.join(import.meta.dir, "../..");

async function startScript() {
  const child = Bun.spawn([process.execPath, "scripts/demo-cluster.ts"], { cwd: repo, env: { ...process.env, INSTANCES: "2" }, stdout: "pipe", stderr: "inherit" });
  let output = "";
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const end = Date.now() + 40_000;
  while (!output.includes("Ctrl-C stops everything")) {
    const read = await Promise.race([reader.read(), Bun.sleep(Math.max(0, end - Date.now())).then(() => undefined)]);
    if (!read || read.done) throw new Error(`demo:cluster did not start: ${output}`);
    output += read.value;
  }
  void (async () => {
    for (let read = await reader.read(); !read.done; read = await reader.read()) output += read.value;
  })();
  const urls = [...output.matchAll(/http:\/\/127\.0\.0\.1:\d+/g)].map((match) => match[0]);
  const redis = /redis:\/\/127\.0\.0\.1:(\d+)/.exec(output)![1]!;
  return { child, url: urls[0]!, everything: [...new Set(urls)], redisPort: Number(redis) };
}

const answers = (url: string) => fetch(url, { signal: AbortSignal.timeout(2000) }).then(() => true, () => false);
const redisAnswers = (port: number) => Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then((socket) => (socket.end(), true), () => false);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  test(`serves the demo through nginx, and ${signal} stops every process it started`, async () => {
    const { child, url, everything, redisPort } = await startScript();
    const page = await fetch(`${url}/counter`);
    expect(page.status).toBe(200);
    expect(page.headers.get("X-Upstream")).toMatch(/^127\.0\.0\.1:\d+$/);
    // nginx, two instances and the bucket endpoint.
    expect(everything.length).toBe(4);
    child.kill(signal);
    expect(await child.exited).toBe(0);
    for (const each of everything) expect(await answers(each)).toBe(false);
    expect(await redisAnswers(redisPort)).toBe(false);
  }, 60_000);
}
