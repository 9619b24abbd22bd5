import type { UploadFile } from "hyperstate";

/** What most demo handlers do: keep each file in the app's upload storage; the keys are for getUploadUrl. */
export async function saveToUploadDir(files: UploadFile[]): Promise<string[]> {
  const keys: string[] = [];
  for (const file of files) keys.push(await file.save());
  return keys;
}
