// Files with their path inside a picked or dropped folder. A folder picked
// with `webkitdirectory` gives each File its `webkitRelativePath`; a dropped
// folder arrives as entries that are walked here, and the path each file had
// in it is kept beside the File (a File's own fields cannot be set).

const dropPaths = new WeakMap<File, string>();

/** The file's path inside its folder (`photos/2024/a.png`), or its name when it came alone. */
export function relativePathOf(file: File): string {
  return file.webkitRelativePath || dropPaths.get(file) || file.name;
}

/**
 * The files of a drop, every folder in it walked to its files: at once when
 * the drop holds no folder, else once the walk is done. The entries must be
 * taken while the drop event runs (the browser empties its DataTransfer
 * after); walking them may take longer.
 */
export function filesOfDrop(transfer: DataTransfer | null): File[] | Promise<File[]> {
  const items = [...(transfer?.items ?? [])].filter((item) => item.kind === "file");
  const entries = items.map((item) => item.webkitGetAsEntry?.() ?? null);
  if (!entries.some((entry) => entry?.isDirectory)) return [...(transfer?.files ?? [])];
  // Entries the browser cannot give (null) fall back to the item's File.
  const fallback = items.map((item) => item.getAsFile());
  return Promise.all(entries.map((entry, index) => (entry ? filesOfEntry(entry) : Promise.resolve(fallback[index] ? [fallback[index]!] : [])))).then((lists) => lists.flat());
}

async function filesOfEntry(entry: FileSystemEntry): Promise<File[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    dropPaths.set(file, entry.fullPath.replace(/^\/+/, ""));
    return [file];
  }
  if (!entry.isDirectory) return [];
  const children = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
  return (await Promise.all(children.map(filesOfEntry))).flat();
}

/** readEntries answers in batches (Chromium: 100 at a time) until it answers an empty one. */
async function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}
