import { copyFile, mkdir, rename } from "node:fs/promises";
import { dirname } from "node:path";
import type { UploadSource } from "./source";

/**
 * Puts an upload's bytes at `target` on this disk (parent folders created,
 * an existing file replaced): a rename when they are on the same disk, else a
 * copy beside the target swapped in, so no half-written file is ever visible.
 */
export async function placeFile(source: UploadSource, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  if (source.path !== undefined && (await renamed(source.path, target))) return;
  const partial = `${target}.partial-${crypto.randomUUID()}`;
  if (source.path !== undefined) await copyFile(source.path, partial);
  else await Bun.write(partial, source.blob);
  await rename(partial, target);
  await source.discard();
}

/** False when the two paths are on different disks; other failures throw. */
async function renamed(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EXDEV") return false;
    throw error;
  }
}
