import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  FieldTooLargeError,
  FileTooLargeError,
  HeaderTooLargeError,
  MalformedBodyError,
  MissingBoundaryError,
  MultipartError,
  TooManyFilesError,
  TooManyPartsError,
  TotalFileSizeError,
  getBoundary,
  spoolMultipart,
  type SpoolOptions,
} from "../../../src/upload/multipart/spool";

const B = "----WebKitFormBoundaryhq3MZ8rLxwB5cXqT";
const CT = `multipart/form-data; boundary=${B}`;
const enc = new TextEncoder();

type Part = { name: string; value: string } | { name: string; fileName: string; type?: string; data: string | Uint8Array };

function partHeader(part: Part): string {
  if ("value" in part) return `--${B}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n`;
  return (
    `--${B}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.fileName}"\r\n` +
    `Content-Type: ${part.type ?? "application/octet-stream"}\r\n\r\n`
  );
}

function form(parts: Part[], { preamble = "", epilogue = "\r\n" } = {}): Uint8Array {
  const pieces: Uint8Array[] = [enc.encode(preamble)];
  for (const part of parts) {
    pieces.push(enc.encode(partHeader(part)));
    const data = "value" in part ? part.value : part.data;
    pieces.push(typeof data === "string" ? enc.encode(data) : data, enc.encode("\r\n"));
  }
  pieces.push(enc.encode(`--${B}--${epilogue}`));
  return Buffer.concat(pieces);
}

/** A body delivered in chunks of `size`, read only on demand (no read-ahead). */
function streamOf(bytes: Uint8Array | string, size = 64 * 1024): ReadableStream<Uint8Array> & { pulls: number } {
  const all = typeof bytes === "string" ? enc.encode(bytes) : bytes;
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        counted.pulls++;
        if (offset >= all.length) return controller.close();
        controller.enqueue(all.slice(offset, offset + size));
        offset += size;
      },
    },
    { highWaterMark: 0 },
  );
  const counted = Object.assign(stream, { pulls: 0 });
  return counted;
}

let dir: string;
let tempDir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hs-multipart-"));
  tempDir = join(dir, "spool");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const spool = (body: ReadableStream<Uint8Array>, options: Partial<SpoolOptions> = {}, contentType: string | null = CT) =>
  spoolMultipart(body, contentType, { tempDir, ...options });

const leftInTempDir = () => readdir(tempDir).catch(() => []);

async function rejection(promise: Promise<unknown>): Promise<MultipartError> {
  try {
    await promise;
  } catch (error) {
    return error as MultipartError;
  }
  throw new Error("expected the promise to reject");
}

describe("spoolMultipart", () => {
  test("stores several files and fields, and leaves the files in tempDir for the caller", async () => {
    const photo = crypto.getRandomValues(new Uint8Array(10_000));
    const body = form([
      { name: "title", value: "Holiday" },
      { name: "photos", fileName: "a.jpg", type: "image/jpeg", data: photo },
      { name: "tag", value: "sea" },
      { name: "tag", value: "sun" },
      { name: "photos", fileName: "b.txt", type: "text/plain", data: "hello" },
    ]);
    const { fields, files } = await spool(streamOf(body, 1000));

    expect(fields).toEqual(new Map([["title", ["Holiday"]], ["tag", ["sea", "sun"]]]));
    expect(files.map(({ fieldName, fileName, contentType, index, size }) => ({ fieldName, fileName, contentType, index, size }))).toEqual([
      { fieldName: "photos", fileName: "a.jpg", contentType: "image/jpeg", index: 0, size: 10_000 },
      { fieldName: "photos", fileName: "b.txt", contentType: "text/plain", index: 1, size: 5 },
    ]);
    expect(new Uint8Array(await readFile(files[0]!.path))).toEqual(photo);
    expect(files[0]!.head).toEqual(photo.subarray(0, 4100));
    expect(await readFile(files[1]!.path, "utf8")).toBe("hello");
    expect((await leftInTempDir()).sort()).toEqual(files.map((f) => f.path.slice(tempDir.length + 1)).sort());
  });

  test("finds the boundary when it is split across chunks at every position", async () => {
    const body = form([
      { name: "note", value: "x\r\ny" },
      { name: "file", fileName: "f.bin", data: "line one\r\nline two\r\n" },
    ]);
    const { fields, files } = await spool(streamOf(body, 1));
    expect(fields.get("note")).toEqual(["x\r\ny"]);
    expect(await readFile(files[0]!.path, "utf8")).toBe("line one\r\nline two\r\n");
  });

  test("keeps CRLF and almost-boundaries inside file data", async () => {
    const tricky = `\r\n--${B.slice(0, -1)}\r\r\n--${B.slice(0, 10)}\r\n-${B}\r\n\r\n--\r`;
    for (const chunkSize of [1, 7, 64 * 1024]) {
      const { files } = await spool(streamOf(form([{ name: "f", fileName: "t.txt", data: tricky }]), chunkSize));
      expect(await readFile(files[0]!.path, "utf8")).toBe(tricky);
    }
  });

  test("keeps a --boundary prefix in data that has no CRLF before it", async () => {
    const data = `--${B}\r\nmiddle --${B}-- end`;
    const { files } = await spool(streamOf(form([{ name: "f", fileName: "t.txt", data }]), 5));
    expect(await readFile(files[0]!.path, "utf8")).toBe(data);
  });

  test("stores an empty file as an empty temp file", async () => {
    const { files } = await spool(streamOf(form([{ name: "f", fileName: "empty.txt", data: "" }])));
    expect(files[0]!.size).toBe(0);
    expect(files[0]!.head.length).toBe(0);
    expect((await readFile(files[0]!.path)).length).toBe(0);
  });

  test("skips the empty part a browser sends for a file input left blank", async () => {
    const { files } = await spool(streamOf(form([{ name: "f", fileName: "", data: "" }])));
    expect(files).toEqual([]);
    expect(await leftInTempDir()).toEqual([]);
  });

  test("prefers filename* (RFC 5987) to the plain filename", async () => {
    const body =
      `--${B}\r\nContent-Disposition: form-data; name="f"; filename="fallback.txt"; filename*=UTF-8''%E2%82%AC%20rates.txt\r\n\r\n` +
      `data\r\n--${B}--\r\n`;
    const { files } = await spool(streamOf(body));
    expect(files[0]!.fileName).toBe("€ rates.txt");
  });

  test("keeps a unicode file name and escaped quotes as sent", async () => {
    const body =
      `--${B}\r\nContent-Disposition: form-data; name="f"; filename="résumé 履歴書 %22q%22.pdf"\r\n\r\nA\r\n` +
      `--${B}\r\nContent-Disposition: form-data; name="g"; filename="say \\"hi\\".txt"\r\n\r\nB\r\n--${B}--`;
    const { files } = await spool(streamOf(body, 3));
    expect(files.map((f) => f.fileName)).toEqual(["résumé 履歴書 %22q%22.pdf", 'say "hi".txt']);
  });

  test("ignores the preamble and the epilogue", async () => {
    const body = form([{ name: "a", value: "1" }], { preamble: `junk --${B.slice(2)} junk\r\n`, epilogue: "\r\ntrailing junk" });
    const { fields } = await spool(streamOf(body, 4));
    expect(fields.get("a")).toEqual(["1"]);
  });

  test("creates tempDir if it is missing", async () => {
    tempDir = join(dir, "deep", "er");
    const { files } = await spool(streamOf(form([{ name: "f", fileName: "a", data: "x" }])));
    expect(files[0]!.path.startsWith(tempDir)).toBe(true);
  });

  test("reports progress that only grows and ends at the total file size", async () => {
    const seen: number[] = [];
    const body = form([
      { name: "a", fileName: "a", data: new Uint8Array(300_000) },
      { name: "b", fileName: "b", data: new Uint8Array(200_000) },
    ]);
    await spool(streamOf(body, 16 * 1024), { onProgress: (n) => seen.push(n) });
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.every((n, i) => i === 0 || n > seen[i - 1]!)).toBe(true);
    expect(seen.at(-1)).toBe(500_000);
  });

  test("reads the next chunk only after the previous one is on disk (64 MiB)", async () => {
    const chunk = 64 * 1024;
    const head = enc.encode(partHeader({ name: "f", fileName: "big.bin", data: "" }));
    const total = 64 * 1024 * 1024;
    let sent = 0;
    let worstLag = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          // Compare what the parser has taken from us with what is in the file now.
          const files = readdirSync(tempDir, { withFileTypes: true }).filter((f) => f.isFile());
          const onDisk = files.length ? statSync(join(tempDir, files[0]!.name)).size : 0;
          worstLag = Math.max(worstLag, Math.max(0, sent - head.length) - onDisk);
          if (sent === 0) controller.enqueue(head);
          else if (sent < head.length + total) controller.enqueue(new Uint8Array(chunk).fill(sent & 255));
          else return controller.enqueue(enc.encode(`\r\n--${B}--`)), controller.close();
          sent += sent === 0 ? head.length : chunk;
        },
      },
      { highWaterMark: 0 },
    );
    const { files } = await spool(body);
    expect(files[0]!.size).toBe(total);
    // A parser that read ahead of its writes would lag by many chunks; ours by
    // at most the few bytes it holds back in case they start a boundary.
    expect(worstLag).toBeLessThan(B.length + 4);
  });
});

describe("getBoundary", () => {
  test("reads a quoted and an unquoted boundary", () => {
    expect(getBoundary(`multipart/form-data; boundary=${B}`)).toBe(B);
    expect(getBoundary(`Multipart/Form-Data; charset=utf-8; boundary="a b:c?"`)).toBe("a b:c?");
  });

  test("refuses a missing header, another type, no boundary and a boundary over 70 characters", () => {
    for (const header of [null, "application/json", "multipart/form-data", `multipart/form-data; boundary=${"x".repeat(71)}`]) {
      expect(() => getBoundary(header)).toThrow(MissingBoundaryError);
    }
  });
});

describe("spoolMultipart refuses bad input and leaves nothing behind", () => {
  test("a request without a boundary is a 400 before any byte is read", async () => {
    const body = streamOf(form([{ name: "a", value: "1" }]));
    const error = await rejection(spool(body, {}, "multipart/form-data"));
    expect(error).toBeInstanceOf(MissingBoundaryError);
    expect(error.status).toBe(400);
    expect(body.pulls).toBe(0);
  });

  test("a body whose boundary differs from the header is a 400", async () => {
    const error = await rejection(spool(streamOf(form([{ name: "a", value: "1" }])), {}, "multipart/form-data; boundary=other"));
    expect(error).toBeInstanceOf(MalformedBodyError);
    expect(error.status).toBe(400);
    expect(error.message).toContain("does not contain the boundary");
  });

  test("a truncated body is a 400 and its temp file is deleted", async () => {
    const body = form([{ name: "f", fileName: "a.bin", data: new Uint8Array(100_000) }]);
    const error = await rejection(spool(streamOf(body.subarray(0, 50_000), 8192)));
    expect(error).toBeInstanceOf(MalformedBodyError);
    expect(error.status).toBe(400);
    expect(await leftInTempDir()).toEqual([]);
  });

  test("part headers over maxHeaderSize are refused", async () => {
    const body = `--${B}\r\nContent-Disposition: form-data; name="a"\r\nX-Pad: ${"p".repeat(2000)}\r\n\r\n1\r\n--${B}--`;
    const error = await rejection(spool(streamOf(body, 100), { limits: { maxHeaderSize: 1024 } }));
    expect(error).toBeInstanceOf(HeaderTooLargeError);
    expect(error.status).toBe(431);
  });

  test("2000 parts are refused when maxParts is 1000", async () => {
    const parts = Array.from({ length: 2000 }, (_, i) => ({ name: `f${i}`, value: "v" }));
    const error = await rejection(spool(streamOf(form(parts))));
    expect(error).toBeInstanceOf(TooManyPartsError);
    expect(error.status).toBe(413);
  });

  test("a part without a name is a 400", async () => {
    const body = `--${B}\r\nContent-Disposition: form-data; filename="a.txt"\r\n\r\nx\r\n--${B}--`;
    const error = await rejection(spool(streamOf(body)));
    expect(error).toBeInstanceOf(MalformedBodyError);
    expect(error.message).toContain("no Content-Disposition name");
  });

  test("a file over maxFileSize fails as it passes the limit and leaves nothing in tempDir", async () => {
    const body = streamOf(form([{ name: "f", fileName: "huge.iso", data: new Uint8Array(1024 * 1024) }]), 16 * 1024);
    const error = await rejection(spool(body, { limits: { maxFileSize: 100_000 } }));
    expect(error).toBeInstanceOf(FileTooLargeError);
    expect(error.status).toBe(413);
    expect(error.message).toContain('"huge.iso"');
    expect(error.message).toContain("100000 bytes");
    expect(body.pulls).toBeLessThan(10); // of 65: it stopped reading at the limit
    expect(await leftInTempDir()).toEqual([]);
  });

  test("files that pass maxTotalFileSize together are refused, the first one deleted too", async () => {
    const body = form([
      { name: "a", fileName: "a", data: new Uint8Array(60_000) },
      { name: "b", fileName: "b", data: new Uint8Array(60_000) },
    ]);
    const error = await rejection(spool(streamOf(body), { limits: { maxTotalFileSize: 100_000 } }));
    expect(error).toBeInstanceOf(TotalFileSizeError);
    expect(error.status).toBe(413);
    expect(await leftInTempDir()).toEqual([]);
  });

  test("one file more than maxFiles is refused", async () => {
    const body = form([
      { name: "a", fileName: "a", data: "1" },
      { name: "b", fileName: "b", data: "2" },
    ]);
    const error = await rejection(spool(streamOf(body), { limits: { maxFiles: 1 } }));
    expect(error).toBeInstanceOf(TooManyFilesError);
    expect(error.status).toBe(422);
    expect(await leftInTempDir()).toEqual([]);
  });

  test("a field over maxFieldSize is refused", async () => {
    const error = await rejection(spool(streamOf(form([{ name: "bio", value: "x".repeat(2000) }])), { limits: { maxFieldSize: 1000 } }));
    expect(error).toBeInstanceOf(FieldTooLargeError);
    expect(error.message).toContain('"bio"');
  });

  test("aborting mid-file rejects with the signal's reason and deletes the temp files", async () => {
    const controller = new AbortController();
    const body = form([
      { name: "a", fileName: "a", data: "done" },
      { name: "b", fileName: "b", data: new Uint8Array(500_000) },
    ]);
    const promise = spool(streamOf(body, 8192), {
      signal: controller.signal,
      onProgress: (n) => n > 100_000 && controller.abort(new Error("user cancelled")),
    });
    expect((await rejection(promise)).message).toBe("user cancelled");
    expect(await leftInTempDir()).toEqual([]);
  });

  test("aborting while the sender stalls rejects at once", async () => {
    const controller = new AbortController();
    const head = enc.encode(partHeader({ name: "f", fileName: "a", data: "" }) + "some bytes");
    let sent = false;
    const stalled = new ReadableStream<Uint8Array>({
      pull(c) {
        if (!sent) c.enqueue(head);
        sent = true;
        return new Promise(() => {}); // the client stops sending
      },
    });
    const promise = spool(stalled, { signal: controller.signal });
    await Bun.sleep(20);
    controller.abort(new Error("timed out"));
    expect((await rejection(promise)).message).toBe("timed out");
    expect(await leftInTempDir()).toEqual([]);
  });

  test("a body stream that errors mid-file is a 400 and deletes the temp file", async () => {
    const head = enc.encode(partHeader({ name: "f", fileName: "a", data: "" }));
    let pulls = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(c) {
        if (++pulls < 5) c.enqueue(pulls === 1 ? head : new Uint8Array(1000));
        else c.error(new Error("socket closed"));
      },
    });
    const error = await rejection(spool(broken));
    expect(error).toBeInstanceOf(MalformedBodyError);
    expect((error.cause as Error).message).toBe("socket closed");
    expect(await leftInTempDir()).toEqual([]);
  });

  test("an error thrown by onFileStart propagates unchanged and nothing is left", async () => {
    const refused = new Error("type refused");
    const seen: string[] = [];
    const body = form([
      { name: "a", fileName: "ok.png", type: "image/png", data: "png" },
      { name: "a", fileName: "evil.exe", type: "application/x-msdownload", data: "MZ" },
    ]);
    const error = await rejection(
      spool(streamOf(body), {
        onFileStart(info) {
          seen.push(`${info.index}:${info.fileName}:${info.contentType}`);
          if (info.fileName.endsWith(".exe")) throw refused;
        },
      }),
    );
    expect(error).toBe(refused as MultipartError);
    expect(seen).toEqual(["0:ok.png:image/png", "1:evil.exe:application/x-msdownload"]);
    expect(await leftInTempDir()).toEqual([]);
  });
});
