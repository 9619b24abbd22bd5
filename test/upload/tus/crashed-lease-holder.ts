// A process that takes an upload's lease in Redis, says so, and never lets
// go: the test kills it with SIGKILL to stand for an instance that crashed.

import { RedisLocker } from "../../../src/upload/tus/redis-locker";

const [url, prefix, id, leaseMs] = process.argv.slice(2) as [string, string, string, string];
const locker = new RedisLocker({ url, prefix, leaseMs: Number(leaseMs) });
await locker.ready;
if (!(await locker.acquire(id))) throw new Error("the lease was taken already");
console.log("holding");
await new Promise(() => {});
