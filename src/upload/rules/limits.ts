// Which files an upload zone takes: one pipeline of small named checks that
// the browser script runs when files are picked or dropped, and the server
// runs again on every request. Pure (no node:, no Bun, no DOM): the browser
// script imports this file.

import { HttpError } from "../../errors";
import { REJECTION_CODES, type FileRejection, type RejectionCode, type UploadConfig } from "../../protocol";
import { sniffedAliases } from "./sniff";

/** What the checks read of a file: a browser File, or a part on the server. */
export interface FileFacts {
  name: string;
  size: number;
  type: string;
  /** Server side: what the first bytes proved (see sniff.ts), when anything. */
  sniffedType?: string;
}

export type FileError = FileRejection["errors"][number];

/** What the per-file checks read. An UploadConfig is one. */
export interface Limits {
  accept?: Record<string, string[]>;
  maxSize?: number;
  minSize?: number;
  /** Distrust the declared type, as the server must (see isAcceptedStrict). @default false */
  strict?: boolean;
}

export interface CheckOptions {
  /** A size cap the server applies whatever the zone's config says. */
  globalMaxFileSize?: number;
  /** Use isAcceptedStrict for the type check. The server sets it. @default false */
  strict?: boolean;
}

export type Rejection<F> = { file: F; errors: FileError[] };

// ---------------------------------------------------------------- accept

interface AcceptEntry {
  /** Lower case; undefined when the key is not a MIME type. */
  mime: string | undefined;
  /** Lower case, with a leading dot. */
  extensions: string[];
}

function acceptEntries(accept: Record<string, string[]> | undefined): AcceptEntry[] {
  return Object.entries(accept ?? {}).map(([key, extensions]) => ({
    mime: key.includes("/") ? key.trim().toLowerCase() : undefined,
    extensions: extensions.map(normaliseExtension).filter((ext) => ext !== undefined),
  }));
}

/** "PNG", ".Png" and " png " all mean ".png". */
function normaliseExtension(ext: string): string | undefined {
  const lower = ext.trim().toLowerCase();
  if (lower === "" || lower === ".") return undefined;
  return lower.startsWith(".") ? lower : `.${lower}`;
}

/** A type as sent, lower case and without parameters ("; charset=..."). */
function normaliseType(type: string): string {
  return type.split(";")[0]!.trim().toLowerCase();
}

function matchesKey(type: string, key: string): boolean {
  return key.endsWith("/*") ? type.split("/")[0] === key.slice(0, -2) : type === key;
}

// Two names for one format count as a match either way round: a sniffed zip
// may be the .docx a key names, and Windows declares .zip files as
// application/x-zip-compressed.
function typeFitsKey(type: string, key: string): boolean {
  return (
    matchesKey(type, key) ||
    sniffedAliases(type).some((alias) => matchesKey(alias, key)) ||
    sniffedAliases(key).includes(type)
  );
}

function hasExtension(name: string, ext: string): boolean {
  // endsWith rather than "after the last dot", so ".tar.gz" can be listed.
  return name.toLowerCase().endsWith(ext);
}

/** The value of `<input type=file accept=...>`: MIME keys and extensions, as react-dropzone builds it. */
export function acceptToInputAttribute(accept?: Record<string, string[]>): string | undefined {
  const values = acceptEntries(accept).flatMap((entry) => [...(entry.mime ? [entry.mime] : []), ...entry.extensions]);
  return values.length === 0 ? undefined : [...new Set(values)].join(",");
}

/** The accepted types for a person: ".pdf, .png, .jpg", or the MIME key where no extension is listed. */
export function describeAccept(accept?: Record<string, string[]>): string {
  const names = acceptEntries(accept).flatMap((entry) =>
    entry.extensions.length > 0 ? entry.extensions : entry.mime ? [entry.mime] : [],
  );
  return [...new Set(names)].join(", ");
}

/**
 * The browser's rule, react-dropzone's: a file passes when its type matches
 * a key (exactly, or `image/*` for any image) or its name ends with a listed
 * extension, case aside. Browsers give an empty type for extensions they do
 * not know; then the extension alone decides. No accept takes everything.
 */
export function isAccepted(file: { name: string; type: string }, accept?: Record<string, string[]>): boolean {
  const entries = acceptEntries(accept);
  if (entries.length === 0) return true;
  const type = normaliseType(file.type);
  return entries.some(
    (entry) =>
      (entry.mime !== undefined && matchesKey(type, entry.mime)) ||
      entry.extensions.some((ext) => hasExtension(file.name, ext)),
  );
}

/**
 * The server's rule. The declared type and the name come from the client and
 * prove nothing alone, so a file passes only when both hold:
 *
 * 1. One accept entry vouches for it: the entry lists the file's extension
 *    (or lists none), and the declared type matches the entry's key. When the
 *    declared type says nothing (empty, or application/octet-stream) the type
 *    half is skipped, but then the entry must list the extension: a key with
 *    no extensions has nothing left to check.
 * 2. When the first bytes proved a type (`sniffedType`), that type matches
 *    some accepted key. Any key, not the vouching one: a JPEG named .png is
 *    still a photo, while an executable renamed .png is refused.
 *
 * Known cost: a client that declares an odd type for a listed extension (some
 * Windows setups send .csv as application/vnd.ms-excel) is refused.
 */
export function isAcceptedStrict(
  file: { name: string; type: string; sniffedType?: string },
  accept?: Record<string, string[]>,
): boolean {
  const entries = acceptEntries(accept);
  if (entries.length === 0) return true;
  const declared = normaliseType(file.type);
  const declaresNothing = declared === "" || declared === "application/octet-stream";
  const vouched = entries.some((entry) => {
    const listed = entry.extensions.some((ext) => hasExtension(file.name, ext));
    if (declaresNothing) return listed;
    const nameFits = listed || entry.extensions.length === 0;
    return nameFits && entry.mime !== undefined && typeFitsKey(declared, entry.mime);
  });
  if (!vouched || file.sniffedType === undefined) return vouched;
  const sniffed = normaliseType(file.sniffedType);
  return entries.some((entry) => entry.mime !== undefined && typeFitsKey(sniffed, entry.mime));
}

// ---------------------------------------------------------------- checks

/** A zone's limits with the server's options applied: the smaller size cap wins. */
export function limitsFor(config: UploadConfig, options: CheckOptions = {}): Limits {
  const caps = [config.maxSize, options.globalMaxFileSize].filter((cap) => cap !== undefined);
  return {
    accept: config.accept,
    maxSize: caps.length > 0 ? Math.min(...caps) : undefined,
    minSize: config.minSize,
    strict: options.strict ?? false,
  };
}

export function checkType(file: FileFacts, limits: Limits): FileError | null {
  const accepted = limits.strict ? isAcceptedStrict(file, limits.accept) : isAccepted(file, limits.accept);
  if (accepted) return null;
  return { code: REJECTION_CODES.invalidType, message: `File type must be ${describeAccept(limits.accept)}` };
}

export function checkMaxSize(file: FileFacts, limits: Limits): FileError | null {
  if (limits.maxSize === undefined || file.size <= limits.maxSize) return null;
  return { code: REJECTION_CODES.tooLarge, message: `File is larger than ${formatBytes(limits.maxSize)}` };
}

export function checkMinSize(file: FileFacts, limits: Limits): FileError | null {
  if (limits.minSize === undefined || file.size >= limits.minSize) return null;
  return { code: REJECTION_CODES.tooSmall, message: `File is smaller than ${formatBytes(limits.minSize)}` };
}

const FILE_CHECKS = [checkType, checkMaxSize, checkMinSize];

/** Every reason one file is refused; empty when it passes. */
export function checkFile(file: FileFacts, limits: Limits): FileError[] {
  return FILE_CHECKS.map((check) => check(file, limits)).filter((error) => error !== null);
}

/**
 * How many files a selection may hold: one when `multiple` is false, else
 * `maxFiles` when it is 1 or more, else no limit (react-dropzone's reading:
 * `multiple` defaults to true, `maxFiles` 0 means unlimited).
 */
export function maxFileCount(config: UploadConfig): number | undefined {
  if (config.multiple === false) return 1;
  return config.maxFiles !== undefined && config.maxFiles >= 1 ? config.maxFiles : undefined;
}

/** For a server counting parts as they stream: refuses the file that makes the selection hold `count`. */
export function checkCount(count: number, config: UploadConfig): FileError | null {
  const max = maxFileCount(config);
  return max === undefined || count <= max ? null : tooManyFiles(max);
}

function tooManyFiles(max: number): FileError {
  const message = max === 1 ? "Only one file is allowed" : `Too many files: at most ${max}`;
  return { code: REJECTION_CODES.tooMany, message };
}

/**
 * Splits files into accepted and rejected: each file through the checks
 * above, then the count rule over the files that passed them.
 *
 * The count rule is react-dropzone's, the one documented: when the
 * selection (`alreadySelected` files held before these, and these) would
 * hold more files than the zone allows, every one of the new files that
 * passed its own checks is refused with `too-many-files`; files refused for
 * another reason keep that reason and are not counted. The server applies
 * the same rule: a request with too many files is refused whole (422).
 *
 * Generic over the file type: the browser passes File objects and gets them
 * back. The server passes `options` (a global size cap, the strict type rule).
 */
export function checkFiles<F extends FileFacts>(
  files: readonly F[],
  config: UploadConfig,
  alreadySelected = 0,
  options: CheckOptions = {},
): { accepted: F[]; rejected: Rejection<F>[] } {
  const limits = limitsFor(config, options);
  const accepted: F[] = [];
  const rejected: Rejection<F>[] = [];
  for (const file of files) {
    const errors = checkFile(file, limits);
    if (errors.length === 0) accepted.push(file);
    else rejected.push({ file, errors });
  }
  const tooMany = checkCount(alreadySelected + accepted.length, config);
  if (tooMany) rejected.push(...accepted.splice(0).map((file) => ({ file, errors: [tooMany] })));
  return { accepted, rejected };
}

// ---------------------------------------------------------------- sizes

const UNITS = ["B", "KB", "MB", "GB"];

/**
 * A size for a person: "512 B", "1.5 KB", "5 MB", "150 MB". Units are powers
 * of 1024, as limits are usually written (`5 * 1024 * 1024` reads "5 MB");
 * one decimal below 100, where it says something, none from 100 up.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) {
    throw new RangeError(`formatBytes needs a byte count of 0 or more, got ${bytes}`);
  }
  let value = bytes;
  let unit = 0;
  while (unit < UNITS.length - 1 && roundForDisplay(value) >= 1024) {
    value /= 1024;
    unit += 1;
  }
  return `${roundForDisplay(value)} ${UNITS[unit]}`;
}

function roundForDisplay(value: number): number {
  return value < 100 ? Math.round(value * 10) / 10 : Math.round(value);
}

// ---------------------------------------------------------------- errors

// 413 Content Too Large, 415 Unsupported Media Type, 422 for the rest.
const STATUS_FOR_CODE: Record<RejectionCode, number> = {
  [REJECTION_CODES.tooLarge]: 413,
  [REJECTION_CODES.tooMany]: 422,
  [REJECTION_CODES.invalidType]: 415,
  [REJECTION_CODES.tooSmall]: 422,
};

export const statusForCode = (code: RejectionCode): number => STATUS_FOR_CODE[code];

/** A file the server refuses; the HTTP edge answers with `status` and the message. */
export class UploadLimitError extends HttpError {
  readonly code: RejectionCode;
  readonly fileName: string;

  constructor(fileName: string, error: FileError) {
    super(statusForCode(error.code), fileName === "" ? error.message : `${fileName}: ${error.message}`);
    this.name = "UploadLimitError";
    this.code = error.code;
    this.fileName = fileName;
  }
}
