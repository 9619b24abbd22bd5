// The whole production set on this machine, for the cluster tests and
// `bun run demo:cluster`: Debian's redis-server, the s3rver emulator, N demo
// instances (views/server.ts) sharing one secret, Redis and bucket and
// nothing else (each its own data and upload folders), and nginx in front
// of them, round-robin. Every part on a free 127.0.0.1 port.

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startDemoProcess, type DemoProcess } from "../support/demo-process";
import { startNginx, type Nginx } from "../support/nginx";
import { startRedis, type RedisServer } from "../support/redis";
import { startS3, type S3Server } from "../support/s3";

export interface Cluster {
  /** nginx: what a browser opens. */
  url: string;
  redis: RedisServer;
  s3: S3Server;
  instances: DemoProcess[];
  nginx: Nginx;
  /** The environment every instance shares. */
  env: Record<string, string>;
  /** Each instance's UPLOADED_FILES_DIR, its own: no file should ever land there. */
  uploadDirs: string[];
  /** `127.0.0.1:port` of each instance, as nginx's X-Upstream header and log name them. */
  upstreams: string[];
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** @default 3 */
  instances?: number;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const root = mkdtempSync(path.join(os.tmpdir(), "hs-cluster-"));
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => console.error("stopping the cluster:", error));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const redis = await startRedis();
    stops.push(() => redis.close());
    const s3 = await startS3("hyperstate-cluster");
    stops.push(() => s3.close());
    const env = {
      HYPERSTATE_SECRET: crypto.randomUUID(),
      REDIS_URL: redis.url,
      S3_ENDPOINT: s3.options.endpoint,
      S3_BUCKET: s3.options.bucket,
      S3_ACCESS_KEY_ID: s3.options.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.options.secretAccessKey,
      S3_REGION: s3.options.region,
      // 8 MiB PATCHes, so one upload's bytes reach every instance (views/server.ts).
      DEMO_CHUNK_MIB: "8",
    };
    const count = options.instances ?? 3;
    const uploadDirs = Array.from({ length: count }, (_, index) => path.join(root, `instance-${index}`, "uploaded"));
    const instances = await Promise.all(
      uploadDirs.map((uploadDir, index) =>
        // Nothing on disk is shared: what one instance wrote there, the others could not see.
        startDemoProcess({ env: { ...env, HYPERSTATE_DATA_DIR: path.join(root, `instance-${index}`, "data"), UPLOADED_FILES_DIR: uploadDir } }),
      ),
    );
    for (const instance of instances) stops.push(() => instance.stop());
    // Each instance bundles the client script on its first request: before any test's clock runs.
    await Promise.all(instances.map((instance) => fetch(`${instance.base}/_hyperstate/hyperstate.js`).then((response) => response.arrayBuffer())));
    const nginx = await startNginx(instances.map((instance) => instance.port));
    stops.push(() => nginx.stop());
    return {
      url: nginx.url,
      redis,
      s3,
      instances,
      nginx,
      env,
      uploadDirs,
      upstreams: instances.map((instance) => `127.0.0.1:${instance.port}`),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
