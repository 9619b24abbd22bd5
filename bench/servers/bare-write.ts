// The floor for an upload over HTTP: Bun.serve putting the raw request body
// on disk the fastest way known here (DESIGN.md), no parsing, no framework.
//   bun bench/servers/bare-write.ts <port> <dir>
//   bun bench/servers/bare-write.ts <port> -      reads the body and drops it: the HTTP ceiling

import { join } from "node:path";

const port = Number(process.argv[2] ?? 0);
const dir = process.argv[3];
if (!dir) throw new Error("usage: bun bench/servers/bare-write.ts <port> <dir to write into>");

let count = 0;
const server = Bun.serve({
  hostname: "127.0.0.1",
  port,
  maxRequestBodySize: 8 * 1024 ** 3,
  async fetch(req) {
    if (req.method !== "POST" || !req.body) return new Response("POST a body", { status: 405 });
    if (dir === "-") {
      const reader = req.body.getReader();
      while (!(await reader.read()).done);
    } else await Bun.write(join(dir, `body-${++count}.bin`), new Response(req.body));
    // The same answer the demo gives a form posted without JavaScript.
    return new Response(null, { status: 303, headers: { Location: "/basic" } });
  },
});
console.log(`listening http://127.0.0.1:${server.port}`);
