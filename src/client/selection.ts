// The files a user has picked, per upload id: the only state the browser
// holds. Lists are replaced, never mutated, so a listener can compare them.

import { relativePathOf } from "./folders";

export type SelectionListener = (id: string, files: readonly File[], previous: readonly File[]) => void;

const EMPTY: readonly File[] = Object.freeze([]);

export class SelectionStore {
  #files = new Map<string, readonly File[]>();
  #listeners: SelectionListener[] = [];

  get(id: string): readonly File[] {
    return this.#files.get(id) ?? EMPTY;
  }

  set(id: string, files: readonly File[]): void {
    const previous = this.get(id);
    if (files.length === 0 && previous.length === 0) return;
    if (files.length === 0) this.#files.delete(id);
    else this.#files.set(id, Object.freeze([...files]));
    for (const listener of this.#listeners) listener(id, this.get(id), previous);
  }

  remove(id: string, index: number): void {
    this.set(id, this.get(id).filter((_, i) => i !== index));
  }

  clear(id: string): void {
    this.set(id, EMPTY);
  }

  subscribe(listener: SelectionListener): void {
    this.#listeners.push(listener);
  }
}

type FileFacts = Pick<File, "name" | "size" | "lastModified"> & { relativePath?: string };

/** The same file picked twice: same name (its path, in a folder), size and modification time. */
export function isSameFile(a: FileFacts | File, b: FileFacts | File): boolean {
  return pathOf(a) === pathOf(b) && a.size === b.size && a.lastModified === b.lastModified;
}

function pathOf(file: FileFacts | File): string {
  return file instanceof File ? relativePathOf(file) : (file.relativePath ?? file.name);
}

/** Files of `incoming` not already in `current`, nor earlier in `incoming`. */
export function newFiles(current: readonly File[], incoming: readonly File[]): File[] {
  const kept: File[] = [];
  for (const file of incoming) {
    if (![...current, ...kept].some((other) => isSameFile(other, file))) kept.push(file);
  }
  return kept;
}
