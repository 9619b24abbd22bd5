import { Elysia } from "elysia";
import { demo } from "./app";

const port = Number(process.env.PORT ?? 3000);
// Bun refuses request bodies over 128 MiB unless told otherwise; uploads need more.
new Elysia({ serve: { maxRequestBodySize: 8 * 1024 ** 3 } })
  .use(demo())
  .listen({ port, hostname: process.env.HOST ?? "localhost" });
console.log(`hyperstate demo on http://localhost:${port}`);
