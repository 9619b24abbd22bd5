// A process that takes a session's Redis lock, says so, and never lets go:
// the test kills it with SIGKILL to stand for an instance that crashed.

import { RedisLock } from "../../src/state/redis-lock";

const [url, prefix, leaseMs] = process.argv.slice(2) as [string, string, string];
const lock = new RedisLock({ url, prefix, leaseMs: Number(leaseMs) });
void lock.run("session", async () => {
  console.log("holding");
  await new Promise(() => {});
});
