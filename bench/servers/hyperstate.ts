// The demo app as views/server.ts runs it, for the bench: port from argv
// (0: any), uploads in temp dirs the bench chooses.
//   bun bench/servers/hyperstate.ts <port> <upload temp dir>
// UPLOADED_FILES_DIR (the env the demo reads) says where handlers move files.
// Sessions: REDIS_URL for Redis, BENCH_SESSIONS=memory for the memory store,
// else the default SQLite store under HYPERSTATE_DATA_DIR. BENCH_CHECKSUM=1
// turns on the upload option `checksum`.

import { Elysia } from "elysia";
import { MemoryStore } from "../../src/state/store";
import { demo } from "../../views/app";

const port = Number(process.argv[2] ?? 0);
const tempDir = process.argv[3];
if (!tempDir || !process.env.UPLOADED_FILES_DIR) throw new Error("usage: UPLOADED_FILES_DIR=<dir> bun bench/servers/hyperstate.ts <port> <upload temp dir>");

// Bun refuses request bodies over 128 MiB unless told otherwise; the bench sends 1 GiB.
const app = new Elysia({ serve: { maxRequestBodySize: 8 * 1024 ** 3 } })
  .use(demo({ upload: { tempDir, checksum: process.env.BENCH_CHECKSUM === "1" }, sessionStore: process.env.BENCH_SESSIONS === "memory" ? new MemoryStore() : undefined }))
  .listen({ port, hostname: "127.0.0.1" });
console.log(`listening http://127.0.0.1:${app.server!.port}`);
