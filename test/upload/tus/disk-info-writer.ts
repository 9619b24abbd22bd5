// Run as a child process by disk-info-store.test.ts: saves one upload's info
// over and over, alternating a large and a small one, then exits.

import { DiskInfoStore } from "../../../src/upload/tus";
import { noteFor, uploadInfo } from "./conformance";

const [directory, id, saves] = process.argv.slice(2);
const store = new DiskInfoStore(directory!);
const info = uploadInfo({ id });
for (let offset = 0; offset < Number(saves); offset++) await store.set({ ...info, offset, metadata: { note: noteFor(offset) } });
