// The demo as its own process, for tests that kill it: everything that must
// survive a restart is fixed from the environment. PORT, UPLOADED_FILES_DIR
// (read by getUploadDir), HS_TEMP_DIR (the upload tempDir, tus store inside)
// and HYPERSTATE_SECRET (so sessions' signatures stay valid). Files of 1 MiB
// and more go over tus, 4 MiB a PATCH, each with its SHA-256 (the checksum
// option: the hash worker runs in every test of upload-resumable).

import { Elysia } from "elysia";
import { demo } from "../../views/app";

const MiB = 1024 * 1024;
const port = Number(process.env.PORT);
const tempDir = process.env.HS_TEMP_DIR;
if (!port || !tempDir || !process.env.UPLOADED_FILES_DIR || !process.env.HYPERSTATE_SECRET) {
  throw new Error("Set PORT, HS_TEMP_DIR, UPLOADED_FILES_DIR and HYPERSTATE_SECRET");
}

new Elysia({ serve: { maxRequestBodySize: 2 ** 32 } })
  .use(demo({ upload: { tempDir, resumableAbove: MiB, chunkSize: 4 * MiB, checksum: true } }))
  .listen({ port, hostname: "127.0.0.1" });
console.log(`listening on ${port}`);
