import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UploadFile } from "../../../src/upload/intake/upload-file";
import { fileSource } from "../../../src/upload/storage/source";

const root = mkdtempSync(join(tmpdir(), "hs-upload-file-"));
// Another file system, when the machine has one (tmpfs): moveTo must copy there.
const otherDiskRoot = existsSync("/dev/shm") ? mkdtempSync("/dev/shm/hs-upload-file-") : mkdtempSync(join(tmpdir(), "hs-upload-file-other-"));

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(otherDiskRoot, { recursive: true, force: true });
});

let tempDir: string;
let counter = 0;

beforeEach(() => {
  tempDir = join(root, `case-${++counter}`, "tmp");
  mkdirSync(tempDir, { recursive: true });
});

/** A spooled file as the receiver hands it over: bytes in a temp file with a random name. */
function spooled(content: string | Uint8Array, name = "report.txt", contentType = "text/plain"): UploadFile {
  const path = join(tempDir, `upload-${crypto.randomUUID()}`);
  writeFileSync(path, content);
  return new UploadFile(name, Buffer.byteLength(content), contentType, fileSource(path));
}

describe("reading", () => {
  test("text(), bytes() and stream() all give the file's bytes", async () => {
    const file = spooled("héllo wörld");
    expect(file.name).toBe("report.txt");
    expect(file.size).toBe(13);
    expect(file.contentType).toBe("text/plain");
    expect(await file.text()).toBe("héllo wörld");
    expect([...(await file.bytes())]).toEqual([...Buffer.from("héllo wörld")]);
    expect(await new Response(file.stream()).text()).toBe("héllo wörld");
  });

  test("stream() reads a large file in several chunks", async () => {
    const file = spooled(new Uint8Array(3 * 1024 * 1024).fill(9), "big.bin", "application/octet-stream");
    let chunks = 0;
    let bytes = 0;
    const reader = file.stream().getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      chunks += 1;
      bytes += read.value.length;
    }
    expect(bytes).toBe(3 * 1024 * 1024);
    expect(chunks).toBeGreaterThan(1);
  });
});

describe("moveTo", () => {
  test("moves the file into another folder, creating the folders, and reads from there after", async () => {
    const file = spooled("keep me");
    const source = file.path!;
    const destination = join(root, `moved-${counter}`, "a", "b", "kept.txt");
    expect(await file.moveTo(destination)).toBe(destination);
    expect(file.path!).toBe(destination);
    expect(readFileSync(destination, "utf8")).toBe("keep me");
    expect(existsSync(source)).toBe(false);
    expect(await file.text()).toBe("keep me");
  });

  test("replaces a file already at the destination", async () => {
    const destination = join(root, `moved-${counter}`, "kept.txt");
    mkdirSync(join(root, `moved-${counter}`), { recursive: true });
    writeFileSync(destination, "the old, longer content that must go");
    await spooled("new").moveTo(destination);
    expect(readFileSync(destination, "utf8")).toBe("new");
  });

  test("returns the destination as an absolute path", async () => {
    const destination = join(root, `moved-${counter}`, ".", "x", "..", "kept.txt");
    expect(await spooled("x").moveTo(destination)).toBe(join(root, `moved-${counter}`, "kept.txt"));
  });

  test("moves to another disk by copying, leaving no partial file and no source", async () => {
    const file = spooled(new Uint8Array(256 * 1024).fill(7), "big.bin");
    const source = file.path!;
    const folder = join(otherDiskRoot, `case-${counter}`);
    const destination = join(folder, "big.bin");
    await file.moveTo(destination);
    expect(statSync(destination).size).toBe(256 * 1024);
    expect(readdirSync(folder)).toEqual(["big.bin"]);
    expect(existsSync(source)).toBe(false);
    expect(file.path!).toBe(destination);
  });

  test("replaces a file already at the destination on another disk", async () => {
    const folder = join(otherDiskRoot, `case-${counter}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "kept.txt"), "old content");
    await spooled("new").moveTo(join(folder, "kept.txt"));
    expect(readFileSync(join(folder, "kept.txt"), "utf8")).toBe("new");
    expect(readdirSync(folder)).toEqual(["kept.txt"]);
  });

  test("a file can be moved twice; it ends where the last move put it", async () => {
    const file = spooled("twice");
    const first = join(root, `moved-${counter}`, "first.txt");
    const second = join(root, `moved-${counter}`, "second.txt");
    await file.moveTo(first);
    await file.moveTo(second);
    expect(existsSync(first)).toBe(false);
    expect(readFileSync(second, "utf8")).toBe("twice");
  });

  test("a move into a folder that cannot be created fails with the file system's error and keeps the file", async () => {
    const file = spooled("stay");
    const blocker = join(root, `moved-${counter}-file`);
    writeFileSync(blocker, "not a folder");
    await expect(file.moveTo(join(blocker, "kept.txt"))).rejects.toThrow(/ENOTDIR|EEXIST/);
    expect(file.path!.startsWith(tempDir)).toBe(true);
    expect(await file.text()).toBe("stay");
  });
});

describe("discard", () => {
  test("deletes a file the handler did not move", async () => {
    const file = spooled("temporary");
    await file.discard();
    expect(existsSync(file.path!)).toBe(false);
    expect(readdirSync(tempDir)).toEqual([]);
  });

  test("keeps a file the handler moved", async () => {
    const file = spooled("kept");
    const destination = join(root, `moved-${counter}`, "kept.txt");
    await file.moveTo(destination);
    await file.discard();
    expect(readFileSync(destination, "utf8")).toBe("kept");
  });

  test("does not throw when the file is already gone, or when called twice", async () => {
    const file = spooled("gone");
    rmSync(file.path!);
    await file.discard();
    await file.discard();
    expect(readdirSync(tempDir)).toEqual([]);
  });
});

describe("save", () => {
  let uploadDir: string;
  let previous: string | undefined;
  beforeEach(() => {
    previous = process.env.UPLOADED_FILES_DIR;
    uploadDir = join(root, `uploads-${counter}`);
    process.env.UPLOADED_FILES_DIR = uploadDir;
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.UPLOADED_FILES_DIR;
    else process.env.UPLOADED_FILES_DIR = previous;
  });

  test("keeps the file in the upload directory under its name and returns the key for getUploadUrl", async () => {
    const file = spooled("saved", "notes.txt");
    const source = file.path!;
    expect(await file.save()).toBe("notes.txt");
    expect(readFileSync(join(uploadDir, "notes.txt"), "utf8")).toBe("saved");
    expect(existsSync(source)).toBe(false);
    await file.discard();
    expect(readFileSync(join(uploadDir, "notes.txt"), "utf8")).toBe("saved");
  });

  test("recreates the folder a file came from, from its relative path", async () => {
    const path = join(tempDir, `upload-${crypto.randomUUID()}`);
    writeFileSync(path, "deep");
    const file = new UploadFile("a.png", 4, "image/png", fileSource(path), "photos/2024/a.png");
    expect(await file.save()).toBe("photos/2024/a.png");
    expect(readFileSync(join(uploadDir, "photos", "2024", "a.png"), "utf8")).toBe("deep");
  });

  test("a hostile key stays inside the upload directory", async () => {
    const file = spooled("contained");
    expect(await file.save("../../outside.txt")).toBe("outside.txt");
    expect(readFileSync(join(uploadDir, "outside.txt"), "utf8")).toBe("contained");
    expect(existsSync(join(root, "outside.txt"))).toBe(false);
  });

  test("replaces a file saved before under the same key", async () => {
    await spooled("first", "same.txt").save();
    await spooled("second", "same.txt").save();
    expect(readFileSync(join(uploadDir, "same.txt"), "utf8")).toBe("second");
    expect(readdirSync(uploadDir)).toEqual(["same.txt"]);
  });

  test("copies bytes that are not on this disk (a bucket's Blob) and frees them", async () => {
    let discarded = 0;
    const file = new UploadFile("remote.txt", 6, "text/plain", { blob: new Blob(["remote"]), discard: async () => void discarded++ });
    expect(await file.save()).toBe("remote.txt");
    expect(readFileSync(join(uploadDir, "remote.txt"), "utf8")).toBe("remote");
    expect(discarded).toBe(1);
    expect(readdirSync(uploadDir)).toEqual(["remote.txt"]);
  });
});
