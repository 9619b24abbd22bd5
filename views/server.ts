import { Elysia } from "elysia";
import { demo } from "./app";

const port = Number(process.env.PORT ?? 3000);
new Elysia().use(demo()).listen({ port, hostname: process.env.HOST ?? "localhost" });
console.log(`hyperstate demo on http://localhost:${port}`);
