// HTTP load from the bench process with autocannon: a fixed number of
// connections for a fixed time, every answer checked.

import autocannon, { type Options } from "autocannon";

export interface Load {
  /** Requests per second, over the whole run. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

/** Runs the load; throws if any answer was not 2xx or a connection failed. */
export async function load(options: Options & { duration: number }): Promise<Load> {
  const result = await autocannon({ connections: 50, ...options });
  if (result.non2xx || result.errors || result.timeouts) {
    throw new Error(`${options.url}: ${result.non2xx} answers were not 2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return {
    rps: result["2xx"] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result["2xx"],
  };
}

/** The session cookie a first visit sets, as a Cookie header value. */
export async function sessionCookie(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  await response.arrayBuffer();
  const cookie = response.headers.get("Set-Cookie")?.split(";")[0];
  if (!cookie) throw new Error(`GET ${url} set no session cookie`);
  return cookie;
}
