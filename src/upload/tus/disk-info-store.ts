// Upload info on disk: `<id>.json` beside the data file `<id>`, rewritten
// atomically (temp file + rename) on every change, so a restart resumes
// where the last stored byte was.

import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UPLOAD_ID_PATTERN } from "./protocol";
import type { TusInfoStore, TusUploadInfo } from "./stores";

export class DiskInfoStore implements TusInfoStore {
  constructor(readonly directory: string) {
    mkdirSync(directory, { recursive: true });
    // A save cut short by a crash leaves its temp file; one process serves a directory, so none is in flight now.
    for (const name of readdirSync(directory)) if (name.endsWith(".tmp")) rmSync(join(directory, name), { force: true });
  }

  /** Undefined when there is no info, or when the id does not match UPLOAD_ID_PATTERN (then without touching the disk). */
  async get(id: string): Promise<TusUploadInfo | undefined> {
    if (!UPLOAD_ID_PATTERN.test(id)) return undefined;
    try {
      return JSON.parse(await readFile(this.#path(id), "utf8")) as TusUploadInfo;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async set(info: TusUploadInfo): Promise<void> {
    const temp = `${this.#path(info.id)}.${crypto.randomUUID()}.tmp`;
    await writeFile(temp, JSON.stringify(info), { mode: 0o600 });
    await rename(temp, this.#path(info.id));
  }

  async delete(id: string): Promise<void> {
    if (!UPLOAD_ID_PATTERN.test(id)) return;
    await rm(this.#path(id), { force: true });
  }

  async list(): Promise<TusUploadInfo[]> {
    const infos: TusUploadInfo[] = [];
    for (const name of await readdir(this.directory)) {
      // Temp files of an unfinished save end in ".tmp", never ".json".
      const info = name.endsWith(".json") ? await this.get(name.slice(0, -".json".length)) : undefined;
      if (info) infos.push(info);
    }
    return infos;
  }

  #path(id: string): string {
    // Ids come from URLs: one that could name a path elsewhere never gets this far.
    if (!UPLOAD_ID_PATTERN.test(id)) throw new TypeError(`Not a tus upload id: ${JSON.stringify(id)}`);
    return join(this.directory, `${id}.json`);
  }
}
