// `bun run demo:cluster`: the production set on this machine for a person to
// try: redis-server, the s3rver emulator, three demo instances and nginx in
// front of them, round-robin. Prints the nginx URL; Ctrl-C (or SIGTERM)
// stops every process it started and removes their temp folders.

import { startCluster } from "../test/cluster/cluster";

const instances = Number(process.env.INSTANCES ?? 3);
const cluster = await startCluster({ instances });

console.log(`hyperstate cluster: ${instances} instances behind nginx on ${cluster.url}`);
for (const [index, instance] of cluster.instances.entries()) console.log(`  instance ${index + 1}: ${instance.base}`);
console.log(`  redis: ${cluster.redis.url}   bucket: ${cluster.s3.options.bucket} at ${cluster.s3.options.endpoint}`);
console.log("Each answer names the instance that gave it in its X-Upstream header. Ctrl-C stops everything.");

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping nginx, the instances, s3rver and redis...`);
  await cluster.stop();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
