import { getUploadDir, type UploadFile } from "hyperstate";
import { join } from "node:path";

/** What most demo handlers do: keep each file in the upload directory under its (sanitised) name. */
export async function saveToUploadDir(files: UploadFile[]): Promise<string[]> {
  for (const file of files) await file.moveTo(join(getUploadDir(), file.name));
  return files.map((file) => file.name);
}
