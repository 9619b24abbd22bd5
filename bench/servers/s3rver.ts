// The s3rver emulator in a process of its own for bench/tus-s3.ts, so its
// work does not share the handler's thread. Prints its port once it listens.
//
//   bun bench/servers/s3rver.ts <directory> <bucket>

import S3rver from "s3rver";

const [directory, bucket] = process.argv.slice(2) as [string, string];
const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
const { port } = await server.run();
console.log(port);
