// The tus 1.0.0 core and creation as a client sees them, through handle().

import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ERRORS, isUploadId, type TusInfoStore, type TusUploadInfo } from "../../../src/upload/tus";
import {
  BASE_PATH,
  bytes,
  createUpload,
  headOffset,
  idOf,
  ORIGIN,
  patchRequest,
  tusFixture,
  tusRequest,
} from "./tus-client";

const { tus, directory, dispose } = tusFixture({}, { maxSize: 1000 });
afterAll(dispose);

describe("OPTIONS", () => {
  test("advertises the version, extensions, checksum algorithms and maximum size", async () => {
    const response = await tus.handle(new Request(`${ORIGIN}${BASE_PATH}`, { method: "OPTIONS" }));
    expect(response.status).toBe(204);
    expect(response.headers.get("Tus-Version")).toBe("1.0.0");
    expect(response.headers.get("Tus-Extension")).toBe("creation,creation-with-upload,termination,checksum,expiration");
    expect(response.headers.get("Tus-Checksum-Algorithm")).toBe("sha1,sha256");
    expect(response.headers.get("Tus-Max-Size")).toBe("1000");
    expect(response.headers.has("Tus-Resumable")).toBe(false);
  });
});

describe("version negotiation", () => {
  test("answers 412 with Tus-Version to a request without Tus-Resumable", async () => {
    const response = await tus.handle(new Request(`${ORIGIN}${BASE_PATH}`, { method: "POST", headers: { "Upload-Length": "5" } }));
    expect(response.status).toBe(412);
    expect(response.headers.get("Tus-Version")).toBe("1.0.0");
    expect(response.headers.get("Tus-Resumable")).toBe("1.0.0");
  });

  test("answers 412 to Tus-Resumable 0.2.2 and creates nothing", async () => {
    const before = readdirSync(directory).length;
    const response = await tus.handle(tusRequest("POST", BASE_PATH, { "Tus-Resumable": "0.2.2", "Upload-Length": "5" }));
    expect(response.status).toBe(412);
    expect(readdirSync(directory).length).toBe(before);
  });
});

describe("creation", () => {
  test("answers 201 with a Location under the base path and an Upload-Expires date", async () => {
    const response = await tus.handle(tusRequest("POST", BASE_PATH, { "Upload-Length": "10" }));
    expect(response.status).toBe(201);
    expect(response.headers.get("Location")).toMatch(/^\/_tus\/[A-Za-z0-9_-]{16,64}$/);
    expect(response.headers.get("Tus-Resumable")).toBe("1.0.0");
    const expires = Date.parse(response.headers.get("Upload-Expires")!);
    expect(expires).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect(response.headers.get("Upload-Expires")).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  });

  test("stores the first bytes sent with the creation request", async () => {
    const response = await tus.handle(
      tusRequest("POST", BASE_PATH, { "Upload-Length": "10", "Content-Type": "application/offset+octet-stream" }, bytes("hello")),
    );
    expect(response.status).toBe(201);
    expect(response.headers.get("Upload-Offset")).toBe("5");
    const location = response.headers.get("Location")!;
    expect(await headOffset(tus, location)).toBe(5);
    expect(readFileSync(join(directory, idOf(location)), "utf8")).toBe("hello");
  });

  test("refuses an upload larger than Tus-Max-Size with 413", async () => {
    const response = await tus.handle(tusRequest("POST", BASE_PATH, { "Upload-Length": "1001" }));
    expect(response.status).toBe(413);
  });

  test("refuses Upload-Length -1 with 400", async () => {
    expect((await tus.handle(tusRequest("POST", BASE_PATH, { "Upload-Length": "-1" }))).status).toBe(400);
  });

  test("refuses Upload-Length abc with 400", async () => {
    expect((await tus.handle(tusRequest("POST", BASE_PATH, { "Upload-Length": "abc" }))).status).toBe(400);
  });

  test("refuses Upload-Length in exponent form with 400", async () => {
    expect((await tus.handle(tusRequest("POST", BASE_PATH, { "Upload-Length": "1e3" }))).status).toBe(400);
  });

  test("refuses Upload-Length beyond the safe integer range with 400", async () => {
    expect((await tus.handle(tusRequest("POST", BASE_PATH, { "Upload-Length": "9007199254740993" }))).status).toBe(400);
  });

  test("refuses a request without Upload-Length with 400 and says what is missing", async () => {
    const response = await tus.handle(tusRequest("POST", BASE_PATH));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Upload-Length");
  });

  test("refuses Upload-Defer-Length with 400, as deferred lengths are not supported", async () => {
    const response = await tus.handle(tusRequest("POST", BASE_PATH, { "Upload-Defer-Length": "1" }));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Upload-Defer-Length");
  });

  test("refuses metadata with a value that is not base64 with 400", async () => {
    const response = await tus.handle(tusRequest("POST", BASE_PATH, { "Upload-Length": "5", "Upload-Metadata": "filename %%%" }));
    expect(response.status).toBe(400);
  });

  test("refuses metadata with a key given twice with 400", async () => {
    const response = await tus.handle(
      tusRequest("POST", BASE_PATH, { "Upload-Length": "5", "Upload-Metadata": "filename YQ==,filename Yg==" }),
    );
    expect(response.status).toBe(400);
  });

  test("refuses metadata with a space inside the key with 400", async () => {
    const response = await tus.handle(tusRequest("POST", BASE_PATH, { "Upload-Length": "5", "Upload-Metadata": "file name YQ==" }));
    expect(response.status).toBe(400);
  });
});

describe("HEAD", () => {
  test("reports offset, length and metadata, and forbids caching", async () => {
    const location = await createUpload(tus, 10, { "Upload-Metadata": "filename YS50eHQ=,private" });
    await tus.handle(patchRequest(location, 0, bytes("abc")));
    const response = await tus.handle(tusRequest("HEAD", location));
    expect(response.status).toBe(200);
    expect(response.headers.get("Upload-Offset")).toBe("3");
    expect(response.headers.get("Upload-Length")).toBe("10");
    expect(response.headers.get("Upload-Metadata")).toBe("filename YS50eHQ=,private");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Upload-Expires")).toEndWith("GMT");
  });

  test("answers 404 for an id that was never created", async () => {
    const response = await tus.handle(tusRequest("HEAD", `${BASE_PATH}/AAAAAAAAAAAAAAAAAAAAAAAA`));
    expect(response.status).toBe(404);
    expect(response.headers.has("Upload-Offset")).toBe(false);
  });

  test("a dot-dot path never reaches the endpoint: the URL parser resolves it outside, and that is 404", async () => {
    for (const path of [`${BASE_PATH}/../x`, `${BASE_PATH}/%2e%2e/x`]) {
      expect(new URL(path, ORIGIN).pathname).toBe("/x");
      expect((await tus.handle(tusRequest("HEAD", path))).status).toBe(404);
    }
  });
});

describe("the upload id check", () => {
  // An info store that records what it was asked: the id check must refuse before any store is.
  const asked: string[] = [];
  const infos = new Map<string, TusUploadInfo>();
  const recording: TusInfoStore = {
    async get(id) {
      asked.push(id);
      return infos.get(id);
    },
    async set(info) {
      infos.set(info.id, info);
    },
    async delete(id) {
      infos.delete(id);
    },
    async list() {
      return [...infos.values()];
    },
  };
  const watched = tusFixture({}, { maxSize: 1000, stores: { info: recording } });
  afterAll(watched.dispose);

  for (const [what, id] of [
    ["an encoded slash", "aaaaaaaaaaaaaaaa%2Fbbbbbbbb"],
    ["an encoded backslash", "aaaaaaaaaaaaaaaa%5Cbbbbbbbb"],
    ["a backslash the URL parser turned into a slash", "aaaaaaaaaaaaaaaa\\bbbbbbbb"],
    ["an encoded NUL", "aaaaaaaaaaaaaaaa%00"],
    ["an encoded dot-dot inside a name", "aaaaaaaaaaaaaaaa%2e%2ebbbb"],
    ["300 characters", "a".repeat(300)],
    ["too short", "abc"],
  ] as const) {
    test(`refuses an id with ${what} with 404 before any store sees it`, async () => {
      asked.length = 0;
      const response = await watched.tus.handle(tusRequest("HEAD", `${BASE_PATH}/${id}`));
      expect(response.status).toBe(404);
      expect(await response.text()).toBe(ERRORS.notFound.body);
      expect(asked).toEqual([]);
    });
  }

  test("takes a well-formed id to the store", async () => {
    asked.length = 0;
    expect((await watched.tus.handle(tusRequest("HEAD", `${BASE_PATH}/AAAAAAAAAAAAAAAAAAAAAAAA`))).status).toBe(404);
    expect(asked).toEqual(["AAAAAAAAAAAAAAAAAAAAAAAA"]);
  });

  test("isUploadId takes only what the server hands out", () => {
    expect(isUploadId("Ab0_-Ab0_-Ab0_-Ab0_-Ab0_")).toBe(true);
    for (const id of ["..", "a/b".repeat(8), "a\\b".repeat(8), "x".repeat(65), "x".repeat(15), "é".repeat(20), ""]) expect(isUploadId(id)).toBe(false);
  });
});

describe("PATCH", () => {
  test("appends the bytes and answers 204 with the new offset", async () => {
    const location = await createUpload(tus, 6);
    const first = await tus.handle(patchRequest(location, 0, bytes("abc")));
    expect(first.status).toBe(204);
    expect(first.headers.get("Upload-Offset")).toBe("3");
    expect(first.headers.get("Upload-Expires")).toEndWith("GMT");
    const second = await tus.handle(patchRequest(location, 3, bytes("def")));
    expect(second.headers.get("Upload-Offset")).toBe("6");
    expect(readFileSync(join(directory, idOf(location)), "utf8")).toBe("abcdef");
  });

  test("refuses a body with another content type with 415", async () => {
    const location = await createUpload(tus, 6);
    const response = await tus.handle(patchRequest(location, 0, bytes("abc"), { "Content-Type": "application/octet-stream" }));
    expect(response.status).toBe(415);
    expect(await headOffset(tus, location)).toBe(0);
  });

  /** PATCHes "abc" with `headers` in place of a good Upload-Offset; expects the invalidOffset refusal and an empty data file. */
  async function expectOffsetRefused(headers: Record<string, string>): Promise<string> {
    const location = await createUpload(tus, 6);
    const good = patchRequest(location, 0, bytes("abc"));
    const sent = new Headers(good.headers);
    sent.delete("Upload-Offset");
    for (const [name, value] of Object.entries(headers)) sent.set(name, value);
    const response = await tus.handle(new Request(good.url, { method: "PATCH", headers: sent, body: bytes("abc") }));
    expect(response.status).toBe(400);
    expect(await response.text()).toBe(ERRORS.invalidOffset.body);
    expect(statSync(join(directory, idOf(location))).size).toBe(0);
    return location;
  }

  test("refuses a request without Upload-Offset with 400 and its reason, and the upload does not move", async () => {
    const location = await expectOffsetRefused({});
    expect(await headOffset(tus, location)).toBe(0);
  });

  test("refuses a negative Upload-Offset with 400 and its reason, and the upload does not move", async () => {
    const location = await expectOffsetRefused({ "Upload-Offset": "-1" });
    expect(await headOffset(tus, location)).toBe(0);
  });

  test("refuses a non-numeric Upload-Offset with 400 and its reason, and the upload does not move", async () => {
    const location = await expectOffsetRefused({ "Upload-Offset": "abc" });
    expect(await headOffset(tus, location)).toBe(0);
  });

  test("refuses a fractional Upload-Offset with 400 and its reason, and the upload does not move", async () => {
    const location = await expectOffsetRefused({ "Upload-Offset": "1.5" });
    expect(await headOffset(tus, location)).toBe(0);
  });

  test("refuses an empty Upload-Offset with 400 and its reason, and the upload does not move", async () => {
    const location = await expectOffsetRefused({ "Upload-Offset": "" });
    expect(await headOffset(tus, location)).toBe(0);
  });

  test("refuses an offset other than the stored one with 409 and stores nothing", async () => {
    const location = await createUpload(tus, 6);
    const response = await tus.handle(patchRequest(location, 2, bytes("abc")));
    expect(response.status).toBe(409);
    expect(await headOffset(tus, location)).toBe(0);
  });

  test("refuses a body past the length with 413, keeping the offset and the data file within the length", async () => {
    const location = await createUpload(tus, 4);
    await tus.handle(patchRequest(location, 0, bytes("ab")));
    const response = await tus.handle(patchRequest(location, 2, bytes("cdefgh")));
    expect(response.status).toBe(413);
    expect(await headOffset(tus, location)).toBe(2);
    expect(statSync(join(directory, idOf(location))).size).toBeLessThanOrEqual(4);
  });

  test("refuses a streamed body (no Content-Length) that runs past the length with 413", async () => {
    const location = await createUpload(tus, 4);
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(bytes("ab"));
        controller.enqueue(bytes("cdefgh"));
        controller.close();
      },
    });
    const response = await tus.handle(patchRequest(location, 0, body));
    expect(response.status).toBe(413);
    expect(statSync(join(directory, idOf(location))).size).toBeLessThanOrEqual(4);
    expect(await headOffset(tus, location)).toBeLessThanOrEqual(4);
  });

  test("answers 404 for an unknown upload", async () => {
    expect((await tus.handle(patchRequest(`${BASE_PATH}/AAAAAAAAAAAAAAAAAAAAAAAA`, 0, bytes("a")))).status).toBe(404);
  });
});

describe("routing", () => {
  test("answers 405 to a GET on an upload", async () => {
    const location = await createUpload(tus, 1);
    expect((await tus.handle(tusRequest("GET", location))).status).toBe(405);
  });

  test("honours X-HTTP-Method-Override", async () => {
    const location = await createUpload(tus, 1);
    const response = await tus.handle(tusRequest("POST", location, { "X-HTTP-Method-Override": "DELETE" }));
    expect(response.status).toBe(204);
    expect(existsSync(join(directory, idOf(location)))).toBe(false);
  });
});
