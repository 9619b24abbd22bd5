import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  getUploadDir,
  getUploadUrl,
  isPathInsideDirectory,
  sanitizeRelativePath,
  sanitizeFileName,
} from "../../../src/upload/storage/paths";

const utf8Length = (text: string) => Buffer.byteLength(text, "utf8");

describe("getUploadDir", () => {
  let tempRoot: string;
  let savedDir: string | undefined;
  let savedCwd: string;

  beforeEach(() => {
    tempRoot = mkdtempSync(path.join(os.tmpdir(), "hs-paths-"));
    savedDir = process.env.UPLOADED_FILES_DIR;
    savedCwd = process.cwd();
  });

  afterEach(() => {
    if (savedDir === undefined) delete process.env.UPLOADED_FILES_DIR;
    else process.env.UPLOADED_FILES_DIR = savedDir;
    process.chdir(savedCwd);
    rmSync(tempRoot, { recursive: true, force: true });
  });

  test("uses UPLOADED_FILES_DIR and creates it when missing", () => {
    const wanted = path.join(tempRoot, "nested", "uploads");
    process.env.UPLOADED_FILES_DIR = wanted;
    expect(getUploadDir()).toBe(wanted);
    expect(existsSync(wanted)).toBe(true);
  });

  test("reads UPLOADED_FILES_DIR again on every call", () => {
    process.env.UPLOADED_FILES_DIR = path.join(tempRoot, "first");
    getUploadDir();
    process.env.UPLOADED_FILES_DIR = path.join(tempRoot, "second");
    expect(getUploadDir()).toBe(path.join(tempRoot, "second"));
  });

  test("defaults to uploaded_files under the working directory", () => {
    delete process.env.UPLOADED_FILES_DIR;
    process.chdir(tempRoot);
    const dir = getUploadDir();
    expect(path.isAbsolute(dir)).toBe(true);
    expect(dir).toBe(path.join(process.cwd(), "uploaded_files"));
    expect(existsSync(dir)).toBe(true);
  });

  test("resolves a relative UPLOADED_FILES_DIR against the working directory", () => {
    process.chdir(tempRoot);
    process.env.UPLOADED_FILES_DIR = "relative/files";
    expect(getUploadDir()).toBe(path.join(process.cwd(), "relative", "files"));
  });
});

describe("getUploadUrl", () => {
  test("percent-encodes spaces and hashes in each segment", () => {
    expect(getUploadUrl("a b/c#d.png")).toBe("/_upload/a%20b/c%23d.png");
  });

  test("encodes question marks and percent signs so they stay part of the name", () => {
    expect(getUploadUrl("why?.txt")).toBe("/_upload/why%3F.txt");
    expect(getUploadUrl("100%.txt")).toBe("/_upload/100%25.txt");
  });

  test("encodes non-ASCII names as UTF-8", () => {
    expect(getUploadUrl("café.png")).toBe("/_upload/caf%C3%A9.png");
  });

  test("puts a base path in front, with or without a trailing slash", () => {
    expect(getUploadUrl("x.png", "/app")).toBe("/app/_upload/x.png");
    expect(getUploadUrl("x.png", "/app/")).toBe("/app/_upload/x.png");
  });
});

describe("sanitizeFileName", () => {
  test("keeps an ordinary name as it is", () => {
    expect(sanitizeFileName("holiday photo (1).jpg")).toBe("holiday photo (1).jpg");
  });

  test("keeps a leading dot of a hidden file", () => {
    expect(sanitizeFileName(".env")).toBe(".env");
  });

  test("keeps only the last segment of a forward-slash path", () => {
    expect(sanitizeFileName("../../etc/passwd")).toBe("passwd");
  });

  test("keeps only the last segment of a backslash path", () => {
    expect(sanitizeFileName("..\\..\\windows\\win.ini")).toBe("win.ini");
  });

  test("drops a drive letter", () => {
    expect(sanitizeFileName("C:\\Users\\me\\report.pdf")).toBe("report.pdf");
    expect(sanitizeFileName("D:report.pdf")).toBe("report.pdf");
  });

  test("replaces the dot-dot name with the fallback", () => {
    expect(sanitizeFileName("..")).toBe("file");
  });

  test("replaces names of only dots with the fallback", () => {
    expect(sanitizeFileName(".")).toBe("file");
    expect(sanitizeFileName("...")).toBe("file");
    expect(sanitizeFileName("foo/..")).toBe("file");
  });

  test("replaces an empty name and a name ending in a slash with the fallback", () => {
    expect(sanitizeFileName("")).toBe("file");
    expect(sanitizeFileName("photos/")).toBe("file");
    expect(sanitizeFileName("   ")).toBe("file");
  });

  test("removes NUL so a name cannot be cut short at the file system", () => {
    expect(sanitizeFileName("shell.php\0.png")).toBe("shell.php.png");
  });

  test("removes control characters, including newlines and DEL", () => {
    expect(sanitizeFileName("a\r\nb\tc\x1bd\x7fe.txt")).toBe("abcde.txt");
  });

  test("removes bidi overrides that disguise an extension", () => {
    expect(sanitizeFileName("invoice\u202Efdp.exe")).toBe("invoicefdp.exe");
    expect(sanitizeFileName("a\u2066b\u2069.txt")).toBe("ab.txt");
  });

  test("replaces characters Windows refuses, so no alternate data stream is named", () => {
    expect(sanitizeFileName('report.txt:hidden')).toBe("report.txt_hidden");
    expect(sanitizeFileName('a<b>c"d|e?f*.txt')).toBe("a_b_c_d_e_f_.txt");
  });

  test("trims spaces and trailing dots", () => {
    expect(sanitizeFileName("  notes.txt. . ")).toBe("notes.txt");
  });

  test("normalises a decomposed name to NFC", () => {
    const decomposed = "cafe\u0301.png";
    const result = sanitizeFileName(decomposed);
    expect(result).toBe("caf\u00e9.png");
    expect(result.normalize("NFC")).toBe(result);
  });

  test("cuts an over-long name to 255 UTF-8 bytes and keeps the extension", () => {
    const result = sanitizeFileName(`${"a".repeat(400)}.jpeg`);
    expect(utf8Length(result)).toBe(255);
    expect(result.endsWith(".jpeg")).toBe(true);
  });

  test("cuts an over-long multi-byte name without splitting a character", () => {
    const result = sanitizeFileName(`${"é".repeat(200)}${"😀".repeat(50)}.txt`);
    expect(utf8Length(result)).toBeLessThanOrEqual(255);
    expect(result.endsWith(".txt")).toBe(true);
    expect(result).not.toContain("\uFFFD");
    expect(Buffer.from(result, "utf8").toString("utf8")).toBe(result);
  });

  test("treats an absurdly long extension as part of the name", () => {
    const result = sanitizeFileName(`x.${"b".repeat(300)}`);
    expect(utf8Length(result)).toBe(255);
    expect(result.startsWith("x.b")).toBe(true);
  });

  test("turns lone surrogates into a replacement character", () => {
    expect(sanitizeFileName("a\uD800b.txt")).toBe("a\uFFFDb.txt");
  });

  test("prefixes Windows device names with an underscore", () => {
    expect(sanitizeFileName("CON")).toBe("_CON");
    expect(sanitizeFileName("nul.txt")).toBe("_nul.txt");
    expect(sanitizeFileName("com1.log")).toBe("_com1.log");
    expect(sanitizeFileName("LPT9")).toBe("_LPT9");
    expect(sanitizeFileName("aux .txt")).toBe("_aux .txt");
  });

  test("leaves names that merely start like a device name alone", () => {
    expect(sanitizeFileName("console.log")).toBe("console.log");
    expect(sanitizeFileName("auxiliary.txt")).toBe("auxiliary.txt");
  });

  test("keeps every hostile name directly inside the upload directory", () => {
    const dir = path.join(os.tmpdir(), "uploads");
    const hostileNames = [
      "..",
      ".",
      "...",
      "",
      "/",
      "\\",
      "../secret",
      "..\\secret",
      "../../../../etc/passwd",
      "/etc/passwd",
      "C:\\Windows\\System32\\cmd.exe",
      "C:..",
      "c:",
      "\\\\server\\share\\x",
      "foo/../../bar",
      "foo/..",
      "\0",
      "..\0",
      "a\0/../b",
      ". .",
      " .. ",
      "..\u202E",
      "\u2066..\u2069",
      "..\r\n",
      "%2e%2e",
      "%2e%2e%2fsecret",
      "..%2f",
      "\uFF0E\uFF0E",
      "\uD800",
      "x".repeat(5000),
      `${".".repeat(300)}x`,
      "CON",
      "nul",
      "a/b/c/..",
    ];
    for (const name of hostileNames) {
      const safe = sanitizeFileName(name);
      expect(safe.length).toBeGreaterThan(0);
      expect(path.dirname(path.join(dir, safe))).toBe(dir);
      expect(isPathInsideDirectory(dir, path.join(dir, safe))).toBe(true);
    }
  });
});

describe("sanitizeRelativePath", () => {
  test("keeps a folder's tree", () => {
    expect(sanitizeRelativePath("photos/2024/a.png")).toBe("photos/2024/a.png");
  });

  test("never climbs out: dot-dot segments are dropped", () => {
    expect(sanitizeRelativePath("../../etc/passwd")).toBe("etc/passwd");
    expect(sanitizeRelativePath("a/../../b.txt")).toBe("a/b.txt");
    expect(sanitizeRelativePath("..")).toBe("file");
  });

  test("is never absolute, with / or with a drive letter", () => {
    expect(sanitizeRelativePath("/etc/passwd")).toBe("etc/passwd");
    expect(sanitizeRelativePath("C:\\Windows\\win.ini")).toBe("Windows/win.ini");
  });

  test("reads backslashes as folders and drops empty and dot segments", () => {
    expect(sanitizeRelativePath("a\\b\\.\\c.txt")).toBe("a/b/c.txt");
    expect(sanitizeRelativePath("a//b/ /c")).toBe("a/b/c");
  });

  test("sanitises each segment as a file name", () => {
    expect(sanitizeRelativePath("CON/a\u0000b?.txt")).toBe("_CON/ab_.txt");
  });

  test("keeps at most 32 folders, cutting from the top", () => {
    const deep = Array.from({ length: 40 }, (_, index) => `d${index}`).join("/") + "/f.txt";
    const kept = sanitizeRelativePath(deep).split("/");
    expect(kept.length).toBe(33);
    expect(kept.at(-1)).toBe("f.txt");
    expect(kept[0]).toBe("d8");
  });
});

describe("isPathInsideDirectory", () => {
  const dir = path.join(os.tmpdir(), "uploads");

  test("accepts a file in the directory and in a sub-folder", () => {
    expect(isPathInsideDirectory(dir, path.join(dir, "a.txt"))).toBe(true);
    expect(isPathInsideDirectory(dir, path.join(dir, "sub", "a.txt"))).toBe(true);
  });

  test("refuses the directory itself", () => {
    expect(isPathInsideDirectory(dir, dir)).toBe(false);
    expect(isPathInsideDirectory(dir, `${dir}/`)).toBe(false);
    expect(isPathInsideDirectory(dir, path.join(dir, "sub", ".."))).toBe(false);
  });

  test("refuses a path that climbs out with dot-dot", () => {
    expect(isPathInsideDirectory(dir, `${dir}/../secret`)).toBe(false);
    expect(isPathInsideDirectory(dir, `${dir}/sub/../../secret`)).toBe(false);
  });

  test("refuses a sibling directory that shares the name as a prefix", () => {
    expect(isPathInsideDirectory(dir, `${dir}-evil/a.txt`)).toBe(false);
  });

  test("refuses an absolute path elsewhere", () => {
    expect(isPathInsideDirectory(dir, "/etc/passwd")).toBe(false);
  });

  test("refuses a path holding NUL", () => {
    expect(isPathInsideDirectory(dir, `${dir}/a.txt\0.png`)).toBe(false);
  });

  test("accepts a name that only starts with two dots", () => {
    expect(isPathInsideDirectory(dir, path.join(dir, "..hidden"))).toBe(true);
  });

  test("resolves relative paths against the working directory before comparing", () => {
    expect(isPathInsideDirectory("uploads", "uploads/a.txt")).toBe(true);
    expect(isPathInsideDirectory("uploads", "other/a.txt")).toBe(false);
  });
});
