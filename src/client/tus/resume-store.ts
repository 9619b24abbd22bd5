// Where a reload finds the uploads it left: localStorage, per zone and file.
// Storage can be full, disabled or throw in private modes: then resuming is
// simply not offered.

import { relativePathOf } from "../folders";

export interface ResumeEntry {
  url: string;
  batch: string;
  batchSize: number;
}

const key = (id: string, file: File) => `hs-tus:${id}:${relativePathOf(file)}:${file.size}:${file.lastModified}`;

export function loadEntry(id: string, file: File): ResumeEntry | undefined {
  try {
    return JSON.parse(localStorage.getItem(key(id, file))!) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveEntry(id: string, file: File, entry: ResumeEntry): void {
  try {
    localStorage.setItem(key(id, file), JSON.stringify(entry));
  } catch {}
}

export function forgetEntry(id: string, file: File): void {
  try {
    localStorage.removeItem(key(id, file));
  } catch {}
}
