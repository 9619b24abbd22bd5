// Where uploads live on disk, the URLs they are served at, and the two guards
// every upload path passes: a file name that cannot leave its folder, and a
// containment check on the final path.

import { mkdirSync } from "node:fs";
import path from "node:path";
import { ROUTES } from "../../protocol";

const DEFAULT_UPLOAD_DIR = "./uploaded_files";

/** Used when nothing of a name survives sanitising. */
const FALLBACK_NAME = "file";

/** The most file systems allow in one path segment (ext4, APFS, NTFS count near this). */
const MAX_NAME_BYTES = 255;

/** An extension longer than this is part of the name, not something to keep. */
const MAX_EXTENSION_BYTES = 32;

/**
 * The upload directory as an absolute path, created if missing.
 * `UPLOADED_FILES_DIR` is read on every call, so tests and apps can change it
 * at run time; a relative value is taken from the current working directory.
 */
export function getUploadDir(): string {
  const dir = path.resolve(process.cwd(), process.env.UPLOADED_FILES_DIR || DEFAULT_UPLOAD_DIR);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The URL an uploaded file is served at: `getUploadUrl("a b/c#d.png")` is
 * `/_upload/a%20b/c%23d.png`. Each `/`-separated segment is percent-encoded on
 * its own, so sub-folders stay folders. `basePath` is the prefix an app is
 * mounted under (`/app` gives `/app/_upload/...`).
 */
export function getUploadUrl(name: string, basePath = ""): string {
  const encoded = name.split("/").map(encodeURIComponent).join("/");
  return `${basePath.replace(/\/+$/, "")}${ROUTES.upload}/${encoded}`;
}

// ---------------------------------------------------------------- file names

// C0 and C1 control characters (NUL included), and the bidi embeddings,
// overrides and isolates (U+202A-U+202E, U+2066-U+2069) that let
// "invoice\u202Efdp.exe" display as "invoiceexe.pdf".
const INVISIBLE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

// Characters Windows refuses in a name; ":" would otherwise name an NTFS
// alternate data stream ("report.txt:hidden").
const WINDOWS_FORBIDDEN_CHARACTERS = /[<>:"|?*]/g;

// Windows opens the device instead of the file for these, with any extension
// and with spaces before it ("nul .txt").
const WINDOWS_RESERVED_NAME = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9]|lpt[0-9])\s*(\.|$)/i;

/**
 * A file name that `path.join(dir, name)` keeps directly inside `dir`, and
 * that means the same on Linux, macOS and Windows. The rules, in order:
 *
 * 1. Lone UTF-16 surrogates become U+FFFD (they have no UTF-8 form).
 * 2. Only the last segment after `/` or `\` is kept: the client's folders
 *    are not ours to recreate.
 * 3. A drive letter prefix (`C:`) is dropped.
 * 4. Control characters, NUL and bidi overrides are removed.
 * 5. `< > : " | ? *` become `_`.
 * 6. The name is normalised to NFC, so one name has one byte form
 *    (macOS hands out NFD names).
 * 7. Leading spaces and trailing spaces and dots are trimmed (Windows drops
 *    them silently); a name of only dots (`.`, `..`, `...`) ends up empty.
 * 8. The name is cut to 255 UTF-8 bytes, keeping its extension, without
 *    splitting a character.
 * 9. An empty name becomes `file`.
 * 10. A Windows device name (`CON`, `nul.txt`, `COM1`...) gets a `_` prefix.
 */
export function sanitizeFileName(raw: string): string {
  let name = raw.toWellFormed();
  name = name.slice(Math.max(name.lastIndexOf("/"), name.lastIndexOf("\\")) + 1);
  name = name.replace(/^[a-z]:/i, "");
  name = name.replace(INVISIBLE_CHARACTERS, "");
  name = name.replace(WINDOWS_FORBIDDEN_CHARACTERS, "_");
  name = trimName(name.normalize("NFC"));
  name = trimName(capNameBytes(name, MAX_NAME_BYTES));
  if (name === "") name = FALLBACK_NAME;
  if (WINDOWS_RESERVED_NAME.test(name)) name = `_${name}`;
  return name;
}

/** The most folders a relative path keeps; deeper ones are cut from the top. */
const MAX_PATH_SEGMENTS = 32;

/**
 * A relative path from a browser (a file in a picked or dropped folder:
 * `photos/2024/a.png`) made safe to recreate below a folder of ours: split
 * on `/` and `\`, each segment through sanitizeFileName, empty, `.` and `..`
 * segments dropped, at most 32 folders deep. Never absolute, never climbing
 * out: `../../etc/passwd` is `etc/passwd`.
 */
export function sanitizeRelativePath(raw: string): string {
  const segments = raw
    .toWellFormed()
    .split(/[/\\]/)
    .filter((segment, index) => !/^\s*\.*\s*$/.test(segment) && !(index === 0 && /^[a-z]:$/i.test(segment)))
    .map(sanitizeFileName);
  return segments.length === 0 ? FALLBACK_NAME : segments.slice(-MAX_PATH_SEGMENTS - 1).join("/");
}

function trimName(name: string): string {
  return name.replace(/^\s+/, "").replace(/[\s.]+$/, "");
}

/** Cuts a name to `maxBytes` of UTF-8, shortening the part before the extension. */
function capNameBytes(name: string, maxBytes: number): string {
  if (utf8Length(name) <= maxBytes) return name;
  const dot = name.lastIndexOf(".");
  const extension = dot > 0 ? name.slice(dot) : "";
  const keptExtension = utf8Length(extension) <= MAX_EXTENSION_BYTES ? extension : "";
  const stem = keptExtension ? name.slice(0, dot) : name;
  return truncateUtf8(stem, maxBytes - utf8Length(keptExtension)) + keptExtension;
}

/** The longest prefix of `text` within `maxBytes` of UTF-8, by whole code points. */
function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    bytes += utf8Length(character);
    if (bytes > maxBytes) break;
    end += character.length;
  }
  return text.slice(0, end);
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

// ---------------------------------------------------------------- containment

/**
 * True only when `candidate` resolves to something strictly below `dir` (not
 * `dir` itself). Refuses any path holding NUL, which the file system would cut
 * short. Lexical only: symlinks are the caller's to resolve (`fs.realpath`)
 * before asking.
 */
export function isPathInsideDirectory(dir: string, candidate: string): boolean {
  if (dir.includes("\0") || candidate.includes("\0")) return false;
  const relative = path.relative(path.resolve(dir), path.resolve(candidate));
  return (
    relative !== "" &&
    relative !== ".." &&
    !relative.startsWith(`..${path.sep}`) &&
    !path.isAbsolute(relative)
  );
}
