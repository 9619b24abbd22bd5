import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Elysia } from "elysia";
import { hyperstate } from "../../../src/app";
import { getUploadUrl } from "../../../src/upload/storage/paths";
import { serveUploadedFile } from "../../../src/upload/serve/serve";

const SECRET = "TOP-SECRET-5f1c9e";
const PNG_BYTES = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
const ALPHABET = "abcdefghijklmnopqrstuvwxyz";

let root: string;
let uploadDir: string;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "hs-serve-"));
  uploadDir = path.join(root, "uploads");
  mkdirSync(path.join(uploadDir, "sub"), { recursive: true });
  writeFileSync(path.join(root, "secret"), SECRET);
  writeFileSync(path.join(root, "uploads-evil"), SECRET);
  writeFileSync(path.join(uploadDir, "notes.txt"), "hello notes");
  writeFileSync(path.join(uploadDir, "letters.txt"), ALPHABET);
  writeFileSync(path.join(uploadDir, "empty.txt"), "");
  writeFileSync(path.join(uploadDir, "photo.png"), PNG_BYTES);
  writeFileSync(path.join(uploadDir, "drawing.svg"), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  writeFileSync(path.join(uploadDir, "page.html"), "<script>alert(1)</script>");
  writeFileSync(path.join(uploadDir, "manual.pdf"), "%PDF-1.4\n");
  writeFileSync(path.join(uploadDir, "clip.mp4"), "not really a video");
  writeFileSync(path.join(uploadDir, "blob"), "no extension");
  writeFileSync(path.join(uploadDir, "sub", "deep.txt"), "deep");
  writeFileSync(path.join(uploadDir, "résumé 2024 (final) 😀.txt"), "unicode");
  writeFileSync(path.join(uploadDir, 'quote"and\'s.txt'), "quoted");
  writeFileSync(path.join(uploadDir, "100%2e.txt"), "literal percent");
  symlinkSync(path.join(root, "secret"), path.join(uploadDir, "escape.txt"));
  symlinkSync(root, path.join(uploadDir, "escape-dir"));
  symlinkSync(path.join(uploadDir, "notes.txt"), path.join(uploadDir, "alias.txt"));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function get(rawPath: string, headers: Record<string, string> = {}, method = "GET"): Promise<Response> {
  const request = new Request(`http://127.0.0.1/_upload/${rawPath}`, { method, headers });
  return serveUploadedFile(uploadDir, rawPath, request);
}

async function expectRefused(rawPath: string, status = 404) {
  const response = await get(rawPath);
  expect(response.status).toBe(status);
  expect(await response.text()).not.toContain(SECRET);
}

describe("serving files", () => {
  test("serves a plain text file with its type", async () => {
    const response = await get("notes.txt");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/plain;charset=utf-8");
    expect(response.headers.get("Content-Length")).toBe("11");
    expect(await response.text()).toBe("hello notes");
  });

  test("serves a file in a sub-folder", async () => {
    const response = await get("sub/deep.txt");
    expect(await response.text()).toBe("deep");
  });

  test("shows a PNG inline", async () => {
    const response = await get("photo.png");
    expect(response.headers.get("Content-Type")).toBe("image/png");
    expect(response.headers.get("Content-Disposition")).toStartWith("inline;");
    expect(Buffer.from(await response.arrayBuffer())).toEqual(PNG_BYTES);
  });

  test("shows a PDF and a video inline", async () => {
    expect((await get("manual.pdf")).headers.get("Content-Disposition")).toStartWith("inline;");
    expect((await get("clip.mp4")).headers.get("Content-Disposition")).toStartWith("inline;");
  });

  test("sends an SVG as a download, since SVG can hold script", async () => {
    const response = await get("drawing.svg");
    expect(response.headers.get("Content-Type")).toBe("image/svg+xml");
    expect(response.headers.get("Content-Disposition")).toBe(
      `attachment; filename="drawing.svg"; filename*=UTF-8''drawing.svg`,
    );
  });

  test("sends an HTML file as a download", async () => {
    const response = await get("page.html");
    expect(response.headers.get("Content-Disposition")).toStartWith("attachment;");
  });

  test("sends a file of unknown type as an octet-stream download", async () => {
    const response = await get("blob");
    expect(response.headers.get("Content-Type")).toBe("application/octet-stream");
    expect(response.headers.get("Content-Disposition")).toStartWith("attachment;");
  });

  test("puts nosniff and the sandboxing CSP on files and on errors alike", async () => {
    const responses = await Promise.all([get("notes.txt"), get("photo.png"), get("missing.txt"), get("%zz")]);
    for (const response of responses) {
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      const csp = response.headers.get("Content-Security-Policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("sandbox");
    }
  });

  test("round-trips a unicode name through getUploadUrl", async () => {
    const name = "résumé 2024 (final) 😀.txt";
    const rawPath = getUploadUrl(name).slice("/_upload/".length);
    const response = await get(rawPath);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("unicode");
    expect(response.headers.get("Content-Disposition")).toBe(
      `attachment; filename="r_sum_ 2024 (final) _.txt"; ` +
        `filename*=UTF-8''r%C3%A9sum%C3%A9%202024%20%28final%29%20%F0%9F%98%80.txt`,
    );
  });

  test("keeps quotes out of the quoted filename in Content-Disposition", async () => {
    const response = await get(getUploadUrl('quote"and\'s.txt').slice("/_upload/".length));
    expect(response.headers.get("Content-Disposition")).toBe(
      `attachment; filename="quote_and's.txt"; filename*=UTF-8''quote%22and%27s.txt`,
    );
  });

  test("serves a name holding a literal percent-escape without decoding it twice", async () => {
    const response = await get(getUploadUrl("100%2e.txt").slice("/_upload/".length));
    expect(await response.text()).toBe("literal percent");
  });

  test("follows a symlink that stays inside the upload directory", async () => {
    expect(await (await get("alias.txt")).text()).toBe("hello notes");
  });

  test("answers HEAD through the app with the file's length and no body, as GET does", async () => {
    const previous = process.env.UPLOADED_FILES_DIR;
    process.env.UPLOADED_FILES_DIR = uploadDir;
    const app = new Elysia().use(hyperstate({ states: [], pages: {} })).listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const url = `http://127.0.0.1:${app.server!.port}/_upload/notes.txt`;
      const response = await fetch(url, { method: "HEAD" });
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Length")).toBe("11");
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(await response.text()).toBe("");
      expect((await fetch(url)).headers.get("Content-Length")).toBe("11");
    } finally {
      await app.stop();
      if (previous === undefined) delete process.env.UPLOADED_FILES_DIR;
      else process.env.UPLOADED_FILES_DIR = previous;
    }
  });

  test("refuses other methods with 405 and says which are allowed", async () => {
    const response = await get("notes.txt", {}, "POST");
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET, HEAD");
  });
});

describe("staying inside the upload directory", () => {
  test("refuses a plain dot-dot path", () => expectRefused("../secret"));
  test("refuses an encoded dot-dot", () => expectRefused("%2e%2e/secret"));
  test("refuses a mixed-case encoded dot-dot", () => expectRefused("%2E%2e/secret"));
  test("refuses a double-encoded dot-dot", () => expectRefused("%252e%252e/secret"));
  test("refuses a dot-dot with an encoded slash", () => expectRefused("..%2fsecret"));
  test("refuses a dot-dot with an encoded backslash", () => expectRefused("..%5csecret"));
  test("refuses backslash separators", () => expectRefused("a\\..\\..\\secret"));
  test("refuses a dot-dot in the middle of a path", () => expectRefused("sub/../../secret"));
  test("refuses an encoded NUL", () => expectRefused("notes.txt%00.png"));
  test("refuses an encoded absolute path", () => expectRefused("%2fetc%2fpasswd"));
  test("refuses an absolute path to the secret", () => expectRefused(encodeURIComponent(path.join(root, "secret"))));
  test("refuses a sibling folder that shares the directory's name", () => expectRefused("..%2fuploads-evil"));
  test("refuses a symlink to a file outside", () => expectRefused("escape.txt"));
  test("refuses a path through a symlinked folder outside", () => expectRefused("escape-dir/secret"));
  test("refuses a directory", () => expectRefused("sub"));
  test("refuses the upload directory itself", () => expectRefused(""));
  test("refuses a single-dot segment", () => expectRefused("./notes.txt"));
  test("refuses a path through a file as if it were a folder", () => expectRefused("notes.txt/x"));
  test("answers 404 for a missing file", () => expectRefused("missing.txt"));
  test("answers 400 for malformed percent-encoding", () => expectRefused("%zz", 400));

  test("answers 404 when the upload directory does not exist", async () => {
    const request = new Request("http://127.0.0.1/_upload/notes.txt");
    const response = await serveUploadedFile(path.join(root, "nowhere"), "notes.txt", request);
    expect(response.status).toBe(404);
  });
});

describe("ranges", () => {
  test("sends a byte range with 206 and Content-Range", async () => {
    const response = await get("letters.txt", { Range: "bytes=2-5" });
    expect(response.status).toBe(206);
    expect(response.headers.get("Content-Range")).toBe("bytes 2-5/26");
    expect(response.headers.get("Content-Length")).toBe("4");
    expect(await response.text()).toBe("cdef");
  });

  test("sends an open-ended range to the end of the file", async () => {
    const response = await get("letters.txt", { Range: "bytes=20-" });
    expect(response.headers.get("Content-Range")).toBe("bytes 20-25/26");
    expect(await response.text()).toBe("uvwxyz");
  });

  test("sends a suffix range of the last bytes", async () => {
    const response = await get("letters.txt", { Range: "bytes=-3" });
    expect(response.status).toBe(206);
    expect(response.headers.get("Content-Range")).toBe("bytes 23-25/26");
    expect(await response.text()).toBe("xyz");
  });

  test("clamps a range that runs past the end", async () => {
    const response = await get("letters.txt", { Range: "bytes=24-1000" });
    expect(response.headers.get("Content-Range")).toBe("bytes 24-25/26");
    expect(await response.text()).toBe("yz");
  });

  test("answers 416 with the size for a range past the end", async () => {
    const response = await get("letters.txt", { Range: "bytes=26-30" });
    expect(response.status).toBe(416);
    expect(response.headers.get("Content-Range")).toBe("bytes */26");
  });

  test("answers 416 for any range of an empty file", async () => {
    const response = await get("empty.txt", { Range: "bytes=-5" });
    expect(response.status).toBe(416);
    expect(response.headers.get("Content-Range")).toBe("bytes */0");
  });

  test("sends the whole file for several ranges or a malformed one", async () => {
    for (const range of ["bytes=0-1,4-5", "bytes=5-2", "items=0-3", "bytes=abc"]) {
      const response = await get("letters.txt", { Range: range });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(ALPHABET);
    }
  });

  test("sends the whole file when If-Range no longer matches", async () => {
    const response = await get("letters.txt", { Range: "bytes=0-1", "If-Range": '"stale"' });
    expect(response.status).toBe(200);
  });

  test("honours a range when If-Range holds the current ETag", async () => {
    const etag = (await get("letters.txt")).headers.get("ETag")!;
    const response = await get("letters.txt", { Range: "bytes=0-1", "If-Range": etag });
    expect(response.status).toBe(206);
  });
});

describe("revalidation", () => {
  test("answers 304 with no body when If-None-Match holds the ETag", async () => {
    const first = await get("notes.txt");
    const etag = first.headers.get("ETag")!;
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    const second = await get("notes.txt", { "If-None-Match": `"other", W/${etag}` });
    expect(second.status).toBe(304);
    expect(second.headers.get("ETag")).toBe(etag);
    expect(await second.text()).toBe("");
  });

  test("answers 200 again once the file changes", async () => {
    const target = path.join(uploadDir, "changing.txt");
    writeFileSync(target, "one");
    utimesSync(target, new Date("2024-01-01T00:00:00Z"), new Date("2024-01-01T00:00:00Z"));
    const etag = (await get("changing.txt")).headers.get("ETag")!;
    writeFileSync(target, "two!");
    const response = await get("changing.txt", { "If-None-Match": etag });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("two!");
  });

  test("answers 304 to If-Modified-Since at or after the file's time", async () => {
    const lastModified = (await get("notes.txt")).headers.get("Last-Modified")!;
    expect((await get("notes.txt", { "If-Modified-Since": lastModified })).status).toBe(304);
    const before = new Date(Date.parse(lastModified) - 60_000).toUTCString();
    expect((await get("notes.txt", { "If-Modified-Since": before })).status).toBe(200);
  });
});
