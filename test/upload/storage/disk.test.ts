import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diskStorage } from "../../../src/upload/storage/disk";
import { uploadStorageConformance } from "./storage.conformance";

uploadStorageConformance("disk", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hs-disk-storage-"));
  return { storage: diskStorage(() => dir), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
});
