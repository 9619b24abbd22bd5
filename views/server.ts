import { Elysia } from "elysia";
import { demo } from "./app";

const port = Number(process.env.PORT ?? 3000);
// The most bytes per tus PATCH, in MiB (unset: a file in one PATCH). The cluster sets 8, so one upload's PATCHes spread over its instances.
const chunkMiB = Number(process.env.DEMO_CHUNK_MIB ?? 0);
// Bun refuses request bodies over 128 MiB unless told otherwise; uploads need more.
new Elysia({ serve: { maxRequestBodySize: 8 * 1024 ** 3 } })
  .use(demo(chunkMiB > 0 ? { upload: { chunkSize: chunkMiB * 1024 ** 2 } } : {}))
  .listen({ port, hostname: process.env.HOST ?? "localhost" });
console.log(`hyperstate demo on http://localhost:${port}`);
