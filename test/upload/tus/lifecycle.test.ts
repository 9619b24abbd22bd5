// An upload's life over time: concurrent and broken PATCHes, restarts,
// crashes, expiry and termination.

import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HttpError } from "../../../src/errors";
import { createTusHandler, type TusUploadInfo } from "../../../src/upload/tus";
import {
  BASE_PATH,
  brokenStream,
  bytes,
  countedStream,
  createUpload,
  headOffset,
  idOf,
  patchRequest,
  sha,
  tusFixture,
  tusRequest,
  type TusFixture,
} from "./tus-client";

let fixture: TusFixture;
afterEach(() => fixture.dispose());

const dataPath = (location: string) => join(fixture.directory, idOf(location));

describe("concurrent PATCHes", () => {
  test("refuses a second PATCH while the first is still writing", async () => {
    fixture = tusFixture();
    const location = await createUpload(fixture.tus, 6);
    let sendRest!: () => void;
    const slowBody = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(bytes("abc"));
        await new Promise<void>((resolve) => (sendRest = resolve));
        controller.enqueue(bytes("def"));
        controller.close();
      },
    });
    const first = fixture.tus.handle(patchRequest(location, 0, slowBody));
    await Bun.sleep(20);
    const second = await fixture.tus.handle(patchRequest(location, 0, bytes("xyz")));
    expect(second.status).toBe(423);
    sendRest();
    expect((await first).status).toBe(204);
    expect(readFileSync(dataPath(location), "utf8")).toBe("abcdef");
  });
});

describe("a client that disconnects mid-PATCH", () => {
  test("keeps the bytes received so far, and HEAD shows them", async () => {
    fixture = tusFixture();
    const location = await createUpload(fixture.tus, 10);
    const response = await fixture.tus.handle(patchRequest(location, 0, brokenStream([bytes("abc"), bytes("de")])));
    expect(response.status).toBe(400);
    expect(await headOffset(fixture.tus, location)).toBe(5);
    const resumed = await fixture.tus.handle(patchRequest(location, 5, bytes("fghij")));
    expect(resumed.headers.get("Upload-Offset")).toBe("10");
    expect(readFileSync(dataPath(location), "utf8")).toBe("abcdefghij");
  });
});

describe("restart", () => {
  test("a new handler over the same directory resumes where the last one stopped", async () => {
    fixture = tusFixture();
    const location = await createUpload(fixture.tus, 6);
    await fixture.tus.handle(patchRequest(location, 0, bytes("abc")));
    fixture.tus.close();

    const restarted = createTusHandler({ directory: fixture.directory, basePath: BASE_PATH, sweepIntervalMs: 0, hooks: { onCreate: async () => ({}) } });
    try {
      expect(await headOffset(restarted, location)).toBe(3);
      const response = await restarted.handle(patchRequest(location, 3, bytes("def")));
      expect(response.headers.get("Upload-Offset")).toBe("6");
      expect(readFileSync(dataPath(location), "utf8")).toBe("abcdef");
    } finally {
      restarted.close();
    }
  });

  test("a PATCH that runs for over a second saves its offset while it runs, so a crash loses at most that second", async () => {
    fixture = tusFixture();
    const location = await createUpload(fixture.tus, 6);
    let finish!: () => void;
    let pulls = 0;
    // Pulled, so the second counts from when the handler started reading, however busy the machine.
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          pulls++;
          if (pulls === 1) return controller.enqueue(bytes("abc"));
          if (pulls === 2) {
            await Bun.sleep(1100);
            return controller.enqueue(bytes("d"));
          }
          await new Promise<void>((resolve) => (finish = resolve));
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const patch = fixture.tus.handle(patchRequest(location, 0, body));
    while (!finish) await Bun.sleep(10);
    // The PATCH is still open: the offset on disk can only come from the checkpoint.
    const deadline = Date.now() + 3000;
    while ((await fixture.tus.store.get(idOf(location)))?.offset !== 4 && Date.now() < deadline) await Bun.sleep(10);
    expect((await fixture.tus.store.get(idOf(location)))?.offset).toBe(4);
    finish();
    expect((await patch).headers.get("Upload-Offset")).toBe("4");
  });

  test("bytes written past the recorded offset before a crash are cut off by the next PATCH", async () => {
    fixture = tusFixture();
    const location = await createUpload(fixture.tus, 6);
    await fixture.tus.handle(patchRequest(location, 0, bytes("abc")));
    // The crash: bytes reached the data file but the info was never updated.
    writeFileSync(dataPath(location), "abcXY");
    const response = await fixture.tus.handle(patchRequest(location, 3, bytes("def")));
    expect(response.status).toBe(204);
    expect(readFileSync(dataPath(location), "utf8")).toBe("abcdef");
  });
});

describe("expiry", () => {
  test("sweepExpired deletes an unfinished upload past its expiry and calls onTerminate", async () => {
    const terminated: [string, string][] = [];
    fixture = tusFixture({ onTerminate: (info, reason) => void terminated.push([info.id, reason]) }, { expirationMs: 1000 });
    const location = await createUpload(fixture.tus, 6);
    await fixture.tus.handle(patchRequest(location, 0, bytes("abc")));

    expect(await fixture.tus.store.sweepExpired(Date.now())).toBe(0);
    expect(await fixture.tus.store.sweepExpired(Date.now() + 2000)).toBe(1);
    expect(terminated).toEqual([[idOf(location), "expired"]]);
    expect(readdirSync(fixture.directory)).toEqual([]);
    expect((await fixture.tus.handle(tusRequest("HEAD", location))).status).toBe(404);
  });

  test("answers 410 to HEAD and PATCH on an expired upload not swept yet, and still lets DELETE free it", async () => {
    fixture = tusFixture({}, { expirationMs: 1 });
    const location = await createUpload(fixture.tus, 6);
    await Bun.sleep(5);
    expect((await fixture.tus.handle(tusRequest("HEAD", location))).status).toBe(410);
    expect((await fixture.tus.handle(patchRequest(location, 0, bytes("abc")))).status).toBe(410);
    expect((await fixture.tus.handle(tusRequest("DELETE", location))).status).toBe(204);
  });

  test("leaves completed uploads to their owner", async () => {
    fixture = tusFixture({}, { expirationMs: 1000 });
    const location = await createUpload(fixture.tus, 3);
    await fixture.tus.handle(patchRequest(location, 0, bytes("abc")));
    expect(await fixture.tus.store.sweepExpired(Date.now() + 2000)).toBe(0);
    expect(existsSync(dataPath(location))).toBe(true);
  });
});

describe("termination", () => {
  test("DELETE removes the upload's files, calls onTerminate and answers 204", async () => {
    const terminated: string[] = [];
    fixture = tusFixture({ onTerminate: (_info, reason) => void terminated.push(reason) });
    const location = await createUpload(fixture.tus, 6);
    const response = await fixture.tus.handle(tusRequest("DELETE", location));
    expect(response.status).toBe(204);
    expect(response.headers.get("Tus-Resumable")).toBe("1.0.0");
    expect(readdirSync(fixture.directory)).toEqual([]);
    expect(terminated).toEqual(["deleted"]);
    expect((await fixture.tus.handle(tusRequest("HEAD", location))).status).toBe(404);
  });

  test("DELETE of an unknown upload answers 404", async () => {
    fixture = tusFixture();
    expect((await fixture.tus.handle(tusRequest("DELETE", `${BASE_PATH}/AAAAAAAAAAAAAAAAAAAAAAAA`))).status).toBe(404);
  });

  test("DELETE during a PATCH stops the PATCH and leaves no files behind", async () => {
    fixture = tusFixture();
    const location = await createUpload(fixture.tus, 6);
    const neverEnding = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes("abc"));
      },
    });
    const patch = fixture.tus.handle(patchRequest(location, 0, neverEnding));
    await Bun.sleep(20);
    expect((await fixture.tus.handle(tusRequest("DELETE", location))).status).toBe(204);
    expect((await patch).status).toBe(410);
    expect(readdirSync(fixture.directory)).toEqual([]);
  });
});

describe("hooks", () => {
  test("onCreate refusing with a status answers with that status and message, and stores nothing", async () => {
    fixture = tusFixture({
      onCreate: async () => {
        throw new HttpError(415, "Only images are accepted here");
      },
    });
    const response = await fixture.tus.handle(tusRequest("POST", BASE_PATH, { "Upload-Length": "5" }));
    expect(response.status).toBe(415);
    expect(await response.text()).toBe("Only images are accepted here");
    expect(readdirSync(fixture.directory)).toEqual([]);
  });

  test("onCreate's owner data is stored with the upload", async () => {
    fixture = tusFixture({ onCreate: async () => ({ session: "s1" }) });
    const location = await createUpload(fixture.tus, 5);
    expect((await fixture.tus.store.get(idOf(location)))?.owner).toEqual({ session: "s1" });
  });

  test("authorize refusing with 404 hides the upload", async () => {
    fixture = tusFixture({
      onCreate: async (request) => ({ session: request.headers.get("X-Session") ?? "" }),
      authorize: (request, info) => {
        if (request.headers.get("X-Session") !== info.owner.session) throw new HttpError(404, "No such upload");
      },
    });
    const location = await createUpload(fixture.tus, 5, { "X-Session": "alice" });
    expect((await fixture.tus.handle(tusRequest("HEAD", location, { "X-Session": "mallory" }))).status).toBe(404);
    expect((await fixture.tus.handle(patchRequest(location, 0, bytes("x"), { "X-Session": "mallory" }))).status).toBe(404);
    expect((await fixture.tus.handle(tusRequest("DELETE", location, { "X-Session": "mallory" }))).status).toBe(404);
    expect((await fixture.tus.handle(tusRequest("HEAD", location, { "X-Session": "alice" }))).status).toBe(200);
  });

  test("onComplete runs once, after the last byte is stored", async () => {
    const completed: TusUploadInfo[] = [];
    fixture = tusFixture({
      onComplete: async (info) => {
        completed.push({ ...info, metadata: { data: await (await fixture.tus.store.data.read(info.id)).text() } });
      },
    });
    const location = await createUpload(fixture.tus, 6);
    await fixture.tus.handle(patchRequest(location, 0, bytes("abc")));
    expect(completed).toEqual([]);
    await fixture.tus.handle(patchRequest(location, 3, bytes("def")));
    await fixture.tus.handle(patchRequest(location, 6, new Uint8Array(0)));
    expect(completed.map((info) => [info.offset, info.metadata.data])).toEqual([[6, "abcdef"]]);
  });

  test("onComplete refusing answers with its status", async () => {
    fixture = tusFixture({
      onComplete: async () => {
        throw new HttpError(422, "The file is not a valid PNG");
      },
    });
    const location = await createUpload(fixture.tus, 3);
    const response = await fixture.tus.handle(patchRequest(location, 0, bytes("abc")));
    expect(response.status).toBe(422);
    expect(await response.text()).toBe("The file is not a valid PNG");
  });

  test("an upload of length 0 is complete at creation", async () => {
    let completions = 0;
    fixture = tusFixture({ onComplete: async () => void completions++ });
    await createUpload(fixture.tus, 0);
    expect(completions).toBe(1);
  });

  test("an empty upload sent with creation-with-upload is complete at creation", async () => {
    let completions = 0;
    fixture = tusFixture({ onComplete: async () => void completions++ });
    const response = await fixture.tus.handle(
      tusRequest("POST", BASE_PATH, { "Upload-Length": "0", "Content-Type": "application/offset+octet-stream" }, new Uint8Array(0)),
    );
    expect(response.status).toBe(201);
    expect(completions).toBe(1);
  });

  test("onProgress sees the offset grow as the bytes are stored", async () => {
    const offsets: number[] = [];
    fixture = tusFixture({ onProgress: (info) => void offsets.push(info.offset) });
    const location = await createUpload(fixture.tus, 6);
    const body = countedStream([bytes("ab"), bytes("cdef")]).stream;
    await fixture.tus.handle(patchRequest(location, 0, body));
    expect(offsets).toEqual([2, 6]);
  });

  test("with a checksum, onProgress hears the bytes arrive while the offset waits for the PATCH to verify", async () => {
    const seen: [number, number][] = [];
    fixture = tusFixture({ onProgress: (info, arrived) => void seen.push([info.offset, arrived]) });
    const location = await createUpload(fixture.tus, 6);
    const body = countedStream([bytes("ab"), bytes("cdef")]).stream;
    const response = await fixture.tus.handle(patchRequest(location, 0, body, { "Upload-Checksum": `sha256 ${sha("sha256", bytes("abcdef"))}` }));
    expect(response.status).toBe(204);
    expect(seen).toEqual([
      [0, 2],
      [0, 6],
      [6, 6],
    ]);
  });

  test("a failing hook that is not a refusal answers 500 without details", async () => {
    fixture = tusFixture({
      onCreate: async () => {
        throw new Error("database password is hunter2");
      },
    });
    const originalError = console.error;
    console.error = () => {};
    try {
      const response = await fixture.tus.handle(tusRequest("POST", BASE_PATH, { "Upload-Length": "5" }));
      expect(response.status).toBe(500);
      expect(await response.text()).not.toContain("hunter2");
      expect(response.headers.get("Tus-Resumable")).toBe("1.0.0");
    } finally {
      console.error = originalError;
    }
  });
});

describe("creation-with-upload", () => {
  test("a creation body past the length is refused, leaves nothing behind and tells onTerminate", async () => {
    const terminated: string[] = [];
    fixture = tusFixture({ onTerminate: (_info, reason) => void terminated.push(reason) });
    const response = await fixture.tus.handle(
      tusRequest("POST", BASE_PATH, { "Upload-Length": "2", "Content-Type": "application/offset+octet-stream" }, bytes("abc")),
    );
    expect(response.status).toBe(413);
    expect(readdirSync(fixture.directory)).toEqual([]);
    expect(terminated).toEqual(["deleted"]);
  });
});

describe("data file size", () => {
  test("a new upload starts with an empty data file", async () => {
    fixture = tusFixture();
    const location = await createUpload(fixture.tus, 6);
    expect(statSync(dataPath(location)).size).toBe(0);
  });
});
