// The checksum extension: a PATCH that carries Upload-Checksum counts whole or not at all.

import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { TusUploadInfo } from "../../../src/upload/tus";
import { parseChecksumHeader } from "../../../src/upload/tus/checksum";
import { brokenStream, bytes, createUpload, headOffset, idOf, patchRequest, sha, tusFixture } from "./tus-client";

const { tus, directory, dispose } = tusFixture();
afterAll(dispose);

const dataOf = (location: string) => readFileSync(join(directory, idOf(location)), "utf8");

describe("checksum on the disk store", () => {
  test("accepts a PATCH whose sha1 matches", async () => {
    const location = await createUpload(tus, 5);
    const response = await tus.handle(patchRequest(location, 0, bytes("hello"), { "Upload-Checksum": `sha1 ${sha("sha1", bytes("hello"))}` }));
    expect(response.status).toBe(204);
    expect(response.headers.get("Upload-Offset")).toBe("5");
  });

  test("accepts a PATCH whose sha256 matches", async () => {
    const location = await createUpload(tus, 5);
    const header = `sha256 ${sha("sha256", bytes("hello"))}`;
    const response = await tus.handle(patchRequest(location, 0, bytes("hello"), { "Upload-Checksum": header }));
    expect(response.status).toBe(204);
    expect(dataOf(location)).toBe("hello");
  });

  test("answers 460 to a sha1 digest of 21 bytes, leaving the offset and the data file as they were", async () => {
    const location = await createUpload(tus, 10);
    await tus.handle(patchRequest(location, 0, bytes("abc")));
    const header = `sha1 ${Buffer.alloc(21, 7).toString("base64")}`;
    const response = await tus.handle(patchRequest(location, 3, bytes("defgh"), { "Upload-Checksum": header }));
    expect(response.status).toBe(460);
    expect(await headOffset(tus, location)).toBe(3);
    expect(dataOf(location)).toBe("abc");
  });

  test("answers 460 to a wrong checksum, leaving the offset and the data file as they were", async () => {
    const location = await createUpload(tus, 10);
    await tus.handle(patchRequest(location, 0, bytes("abc")));
    const header = `sha1 ${sha("sha1", bytes("other"))}`;
    const response = await tus.handle(patchRequest(location, 3, bytes("defgh"), { "Upload-Checksum": header }));
    expect(response.status).toBe(460);
    expect(await headOffset(tus, location)).toBe(3);
    expect(dataOf(location)).toBe("abc");
  });

  test("discards a checksummed PATCH whose client disconnected", async () => {
    const location = await createUpload(tus, 10);
    const header = `sha1 ${sha("sha1", bytes("abcdef"))}`;
    await tus.handle(patchRequest(location, 0, brokenStream([bytes("abc")]), { "Upload-Checksum": header }));
    expect(await headOffset(tus, location)).toBe(0);
    expect(statSync(join(directory, idOf(location))).size).toBe(0);
  });

  test("refuses the unsupported algorithm crc32 with 400", async () => {
    const location = await createUpload(tus, 5);
    const response = await tus.handle(patchRequest(location, 0, bytes("hello"), { "Upload-Checksum": "crc32 NhCmhg==" }));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("sha1");
  });

  test("refuses a checksum header without a digest with 400", async () => {
    const location = await createUpload(tus, 5);
    const response = await tus.handle(patchRequest(location, 0, bytes("hello"), { "Upload-Checksum": "sha1" }));
    expect(response.status).toBe(400);
    expect(await headOffset(tus, location)).toBe(0);
  });
});

describe("checksum with a hook's sink", () => {
  test("hands the sink nothing from a PATCH whose checksum does not match", async () => {
    const received: string[] = [];
    const fixture = tusFixture({
      sinkFor: () => ({ write: async (_info: TusUploadInfo, _offset: number, chunk: Uint8Array) => void received.push(Buffer.from(chunk).toString()) }),
    });
    try {
      const location = await createUpload(fixture.tus, 5);
      const header = `sha1 ${sha("sha1", bytes("HELLO"))}`;
      const response = await fixture.tus.handle(patchRequest(location, 0, bytes("hello"), { "Upload-Checksum": header }));
      expect(response.status).toBe(460);
      expect(received).toEqual([]);
      expect(await headOffset(fixture.tus, location)).toBe(0);
    } finally {
      fixture.dispose();
    }
  });

  test("hands the sink a verified PATCH in one piece", async () => {
    const received: [number, string][] = [];
    const fixture = tusFixture({
      sinkFor: () => ({ write: async (_info: TusUploadInfo, offset: number, chunk: Uint8Array) => void received.push([offset, Buffer.from(chunk).toString()]) }),
    });
    try {
      const location = await createUpload(fixture.tus, 10);
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(bytes("hel"));
          controller.enqueue(bytes("lo"));
          controller.close();
        },
      });
      const response = await fixture.tus.handle(patchRequest(location, 0, body, { "Upload-Checksum": `sha256 ${sha("sha256", bytes("hello"))}` }));
      expect(response.status).toBe(204);
      expect(received).toEqual([[0, "hello"]]);
    } finally {
      fixture.dispose();
    }
  });

  test("refuses a checksummed PATCH larger than maxChunkBuffer with 413, even when streamed without a length", async () => {
    const fixture = tusFixture({ sinkFor: () => ({ write: async () => {} }) }, { maxChunkBuffer: 4 });
    try {
      const location = await createUpload(fixture.tus, 10);
      const header = `sha1 ${sha("sha1", bytes("hello"))}`;
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(bytes("hel"));
          controller.enqueue(bytes("lo"));
          controller.close();
        },
      });
      const response = await fixture.tus.handle(patchRequest(location, 0, body, { "Upload-Checksum": header }));
      expect(response.status).toBe(413);
      expect(await headOffset(fixture.tus, location)).toBe(0);
    } finally {
      fixture.dispose();
    }
  });
});

describe("parseChecksumHeader", () => {
  test("reads a well-formed digest of the wrong length for its algorithm: it can only mismatch", () => {
    expect(parseChecksumHeader(`sha256 ${Buffer.alloc(20).toString("base64")}`)?.digest.length).toBe(20);
  });

  test("refuses a digest that is not base64", () => {
    expect(() => parseChecksumHeader("sha1 !!!!!!!!!!!!!!!!!!!!!!!!!!!!")).toThrow(expect.objectContaining({ status: 400 }));
  });
});
