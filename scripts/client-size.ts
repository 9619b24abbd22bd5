// Prints the size of the browser script as shipped: bundled, minified, and gzipped.
// Usage: bun scripts/client-size.ts

import { gzipSync } from "node:zlib";

const BUDGET_GZIP_BYTES = 6 * 1024;

const result = await Bun.build({
  entrypoints: [new URL("../src/client/index.ts", import.meta.url).pathname],
  target: "browser",
  minify: true,
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
const code = new Uint8Array(await result.outputs[0]!.arrayBuffer());
const gzipped = gzipSync(code, { level: 9 }).byteLength;
console.log(`client script: ${code.byteLength} B minified, ${gzipped} B gzipped (budget ${BUDGET_GZIP_BYTES} B)`);
if (gzipped > BUDGET_GZIP_BYTES) process.exit(1);
