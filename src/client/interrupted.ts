// Uploads the last page left unfinished. A running upload is written down in
// localStorage, and its tab holds a Web Lock of the same name while it runs:
// a page that finds the note with nobody holding the lock knows the upload
// stopped (the page was reloaded or closed mid-way), says so, tells the
// zone's onUploadInterrupted handler, and starts the upload again, from the
// server's offset where it was resumable, when the same files are picked.
//
// Storage can be full, disabled or throw in private modes; Web Locks may be
// missing: then a note is taken at its word.

import { ATTRS, type EventSpec, type InterruptedUpload } from "../protocol";
import { postEvent, replaceMarkers } from "./events";
import { csrfToken, readJson, showMessage, uploadZone } from "./page";
import { isSameFile } from "./selection";
import { relativePathOf } from "./folders";

interface Note {
  /** The upload URL (the form's or button's action), to start the same upload again. */
  url: string;
  /** Over tus: the server keeps what it has, so picking the files again resumes. */
  resumable: boolean;
  files: { name: string; relativePath: string; size: number; lastModified: number }[];
}

// Per page and zone: two pages may each have a zone of the same id, with their own handlers.
const prefix = () => `hs-upload:${location.pathname}:`;
const name = (id: string) => prefix() + id;

/** Ends what `begin` started: removes the note and releases the lock. */
export type EndUpload = () => void;

/** Notes an upload of zone `id` as running in this tab. */
export function beginUpload(id: string, url: string, resumable: boolean, files: readonly File[]): EndUpload {
  const note: Note = { url, resumable, files: files.map((file) => ({ name: file.name, relativePath: relativePathOf(file), size: file.size, lastModified: file.lastModified })) };
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  navigator.locks?.request(name(id), () => held).catch(() => {});
  write(id, note);
  return () => {
    forget(id);
    release();
  };
}

/** Per zone, the uploads that were running when their page went away. */
const interrupted = new Map<string, Note>();

/** Finds the notes no running tab holds, and reports each on this page. */
export async function reportInterrupted(): Promise<void> {
  interrupted.clear();
  // Read before waiting: by then this page may have started uploads of its own.
  const notes = readNotes();
  const held = new Set((await navigator.locks?.query().catch(() => undefined))?.held?.map((lock) => lock.name));
  for (const [id, note] of notes) {
    if (held.has(name(id))) continue; // another tab is still sending it
    forget(id);
    const zone = uploadZone(id);
    if (!zone) continue;
    interrupted.set(id, note);
    const what = note.files.map((file) => file.name).join(", ");
    showMessage(id, `${what}: the upload stopped when the page was left. Pick ${note.files.length > 1 ? "the files" : "it"} again to ${note.resumable ? "resume" : "upload again"}.`);
    const spec = readJson<EventSpec>(zone, ATTRS.onUploadInterrupted);
    if (spec) {
      const files: InterruptedUpload[] = note.files.map(({ name, size }) => ({ name, size, resumable: note.resumable }));
      void postEvent(spec, replaceMarkers(spec.args, "$interrupted", files) as unknown[], csrfToken(zone.closest("form")));
    }
  }
}

/** The URL to upload `files` to when they are the files of zone `id`'s interrupted upload, once. */
export function takeInterrupted(id: string, files: readonly File[]): string | undefined {
  const note = interrupted.get(id);
  const same = note && note.files.length === files.length && note.files.every((noted) => files.some((file) => isSameFile(file, noted)));
  if (!same) return undefined;
  interrupted.delete(id);
  return note.url;
}

function readNotes(): [string, Note][] {
  try {
    const start = prefix();
    return Object.keys(localStorage)
      .filter((key) => key.startsWith(start))
      .map((key) => [key.slice(start.length), JSON.parse(localStorage.getItem(key)!) as Note]);
  } catch {
    return [];
  }
}

function write(id: string, note: Note): void {
  try {
    localStorage.setItem(name(id), JSON.stringify(note));
  } catch {}
}

function forget(id: string): void {
  try {
    localStorage.removeItem(name(id));
  } catch {}
}
