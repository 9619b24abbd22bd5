// The npm s3rver emulator for the tests: started on a free 127.0.0.1 port
// with a fresh bucket in a temp dir, reached only through Bun's S3 client,
// and stopped after.

import { S3Client } from "bun";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import S3rver from "s3rver";

export interface S3Server {
  /** What Bun's S3Client (and the S3_* variables) need to reach the bucket. */
  options: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string; region: string };
  client: S3Client;
  /** Stops answering (connections refused) until `start`; the objects stay. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops for good and removes its directory. */
  close(): Promise<void>;
}

export async function startS3(bucket = "hyperstate-test"): Promise<S3Server> {
  const directory = mkdtempSync(path.join(os.tmpdir(), "hs-s3-"));
  let port = 0;
  let server: S3rver | undefined;
  const start = async () => {
    server = new S3rver({ port, address: "127.0.0.1", silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
    writeObjectsWhole(server, directory);
    ({ port } = await server.run());
  };
  const stop = async () => {
    await server?.close();
    server = undefined;
  };
  await start();
  // s3rver's default account.
  const options = { endpoint: `http://127.0.0.1:${port}`, bucket, accessKeyId: "S3RVER", secretAccessKey: "S3RVER", region: "us-east-1" };
  return {
    options,
    client: new S3Client(options),
    stop,
    start,
    async close() {
      await stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

interface StoredObject {
  bucket: string;
  key: string;
  metadata: Record<string, string>;
  content: Buffer | Readable;
}

interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
}

/**
 * s3rver answers a PUT before the file is written, and overwrites in place:
 * a GET right after a PUT can read an empty or half-written object. S3, R2
 * and MinIO read their writes; so does the emulator with this: the object is
 * written whole to a temp file and renamed before the PUT answers.
 */
function writeObjectsWhole(server: S3rver, directory: string): void {
  const store = (server as unknown as { store: FilesystemStore }).store;
  store.putObject = async (object) => {
    const content = Buffer.isBuffer(object.content) ? object.content : Buffer.concat(await Array.fromAsync(object.content as AsyncIterable<Buffer>));
    const target = store.getResourcePath(object.bucket, object.key, "object");
    const temp = path.join(directory, `.put-${crypto.randomUUID()}`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(temp, content);
    await rename(temp, target);
    const md5 = createHash("md5").update(content).digest("hex");
    await store.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size: content.length, md5 };
  };
}
