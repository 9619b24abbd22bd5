import { app } from "./app";

const port = Number(process.env.PORT ?? 3000);
app().listen({ port, hostname: process.env.HOST ?? "localhost" });
console.log(`my-app on http://localhost:${port}`);
