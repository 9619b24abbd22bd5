// Where a reload finds the uploads it left: localStorage, per zone and file.
// Storage can be full, disabled or throw in private modes: then resuming is
// simply not offered.

export interface ResumeEntry {
  url: string;
  batch: string;
  batchSize: number;
}

/** `path`: the file's path in its folder, or its name (relativePathOf on the page). */
const key = (id: string, file: File, path: string) => `hs-tus:${id}:${path}:${file.size}:${file.lastModified}`;

export function loadEntry(id: string, file: File, path: string): ResumeEntry | undefined {
  try {
    return JSON.parse(localStorage.getItem(key(id, file, path))!) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveEntry(id: string, file: File, path: string, entry: ResumeEntry): void {
  try {
    localStorage.setItem(key(id, file, path), JSON.stringify(entry));
  } catch {}
}

export function forgetEntry(id: string, file: File, path: string): void {
  try {
    localStorage.removeItem(key(id, file, path));
  } catch {}
}
