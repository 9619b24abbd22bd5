// Walking a dropped folder, with stand-ins for the browser's entries
// (Chromium's real ones are walked in test/e2e/upload-folder.e2e.test.ts).

import { afterAll, beforeAll, expect, test } from "bun:test";
import { filesOfDrop, relativePathOf } from "../../src/client/folders";
import { fileOf, registerDom, unregisterDom } from "./dom";

beforeAll(registerDom);
afterAll(unregisterDom);

type Entry = { isFile: boolean; isDirectory: boolean; fullPath: string; file?: File; children?: Entry[] };

const fileEntry = (fullPath: string, size = 1): Entry => ({ isFile: true, isDirectory: false, fullPath, file: fileOf(fullPath.split("/").pop()!, size) });
const folderEntry = (fullPath: string, children: Entry[]): Entry => ({ isFile: false, isDirectory: true, fullPath, children });

/** The browser's entry API over a plain tree; a folder's reader answers `batch` entries at a time, as Chromium answers 100. */
function asBrowserEntry(entry: Entry, batch: number): unknown {
  if (entry.isFile) return { ...entry, file: (resolve: (file: File) => void) => resolve(entry.file!) };
  return {
    ...entry,
    createReader() {
      let at = 0;
      return {
        readEntries(resolve: (entries: unknown[]) => void) {
          const next = entry.children!.slice(at, at + batch).map((child) => asBrowserEntry(child, batch));
          at += batch;
          setTimeout(() => resolve(next));
        },
      };
    },
  };
}

function dropOf(entries: Entry[], batch = 100): DataTransfer {
  const items = entries.map((entry) => ({ kind: "file", webkitGetAsEntry: () => asBrowserEntry(entry, batch), getAsFile: () => entry.file ?? null }));
  return { items, files: entries.flatMap((entry) => (entry.file ? [entry.file] : [])) } as unknown as DataTransfer;
}

test("a drop of files alone is taken at once, each file under its name", () => {
  const files = filesOfDrop(dropOf([fileEntry("/a.txt"), fileEntry("/b.txt")]));
  expect(Array.isArray(files)).toBe(true);
  expect((files as File[]).map(relativePathOf)).toEqual(["a.txt", "b.txt"]);
});

test("a dropped folder is walked to every file of its sub-folders, each with its path in it", async () => {
  const drop = dropOf([folderEntry("/album", [fileEntry("/album/cover.png"), folderEntry("/album/2024", [fileEntry("/album/2024/spring.png")])]), fileEntry("/loose.txt")]);
  const files = await filesOfDrop(drop);
  expect(files.map(relativePathOf)).toEqual(["album/cover.png", "album/2024/spring.png", "loose.txt"]);
});

test("a folder of more entries than the browser answers at once is read to its end", async () => {
  const many = Array.from({ length: 7 }, (_, index) => fileEntry(`/big/${index}.txt`));
  const files = await filesOfDrop(dropOf([folderEntry("/big", many)], 3));
  expect(files.map(relativePathOf)).toEqual(many.map((entry) => entry.fullPath.slice(1)));
});

test("an empty folder gives no file", async () => {
  expect(await filesOfDrop(dropOf([folderEntry("/empty", [])]))).toEqual([]);
});
