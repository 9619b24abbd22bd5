// Prints the size of the browser script as shipped: the entry every page
// loads, and each chunk it loads on demand (the tus client), bundled,
// minified and gzipped, exactly as the server builds them.
// Usage: bun scripts/client-size.ts

import { gzipSync } from "node:zlib";
import { buildClient } from "../src/render/assets";

const BUDGET_GZIP_BYTES = { entry: 6 * 1024, chunk: 3 * 1024 };

let overBudget = false;
for (const [name, file] of await buildClient()) {
  const code = new Uint8Array(await file.arrayBuffer());
  const gzipped = gzipSync(code, { level: 9 }).byteLength;
  const budget = name === "hyperstate.js" ? BUDGET_GZIP_BYTES.entry : BUDGET_GZIP_BYTES.chunk;
  const role = name === "hyperstate.js" ? "entry, every page" : "lazy chunk";
  console.log(`${name} (${role}): ${code.byteLength} B minified, ${gzipped} B gzipped (budget ${budget} B)`);
  if (gzipped > budget) overBudget = true;
  // A module both sides import becomes a chunk the entry loads on every page.
  if (name === "hyperstate.js" && /\bfrom\s*"\.\/chunk-/.test(new TextDecoder().decode(code))) {
    console.log("the entry imports a chunk statically: the tus client shares a module with the page script");
    overBudget = true;
  }
}
if (overBudget) process.exit(1);
