// Uploaded files in a bucket: the conformance suite against the s3rver
// emulator through Bun's S3 client; an app whose handlers save there and
// another instance that serves the files back; a bucket that refuses writes.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { s3Storage } from "../../../src/upload/storage/s3";
import { chooseUploadStorage } from "../../../src/upload/storage/storage";
import { startS3, type S3Server } from "../../support/s3";
import { filePart, hiddenParts, hooks, openPage, ORIGIN, postUpload, resetRecords, uploadApp, type App, type RenderedPage } from "../fixture";
import { uploadStorageConformance } from "./storage.conformance";

let s3: S3Server;
let prefixes = 0;
const root = mkdtempSync(join(tmpdir(), "hs-s3-storage-"));
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3.close();
  rmSync(root, { recursive: true, force: true });
});

uploadStorageConformance("S3", async () => ({ storage: s3Storage({ ...s3.options, prefix: `files${++prefixes}/` }), dispose: async () => {} }));

const keysUnder = async (prefix: string) => ((await s3.client.list({ prefix })).contents ?? []).map((object) => object.key);

/** An app instance whose handler saves each file it gets to `storage`, as the demo pages do. */
function savingApp(storage = s3Storage({ ...s3.options, prefix: "app/" })): App {
  return uploadApp({ tempDir: join(root, `tmp-${crypto.randomUUID()}`), storage });
}

function send(app: App, page: RenderedPage, name: string, content: string): Promise<Response> {
  return postUpload(app, page.buttons.get("send-any")!, [...hiddenParts(page.forms.get("any")!), filePart(name, content, "text/plain")], { session: page.session });
}

describe("S3 upload storage in an app", () => {
  test("a handler's save() puts the file in the bucket, and another instance serves it with Range and ETag", async () => {
    resetRecords();
    hooks.take = async (files) => void (await Promise.all(files.map((file) => file.save())));
    const first = savingApp();
    const second = savingApp();
    const page = await openPage(first);
    expect((await send(first, page, "report.txt", "abcdefghij")).status).toBe(200);
    expect(await s3.client.file("app/report.txt").text()).toBe("abcdefghij");

    const whole = await second.handle(new Request(`${ORIGIN}/_upload/report.txt`));
    expect(whole.status).toBe(200);
    expect(await whole.text()).toBe("abcdefghij");
    expect(whole.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(whole.headers.get("Content-Disposition")).toStartWith("attachment");
    const etag = whole.headers.get("ETag")!;

    const part = await second.handle(new Request(`${ORIGIN}/_upload/report.txt`, { headers: { Range: "bytes=2-4" } }));
    expect(part.status).toBe(206);
    expect(part.headers.get("Content-Range")).toBe("bytes 2-4/10");
    expect(await part.text()).toBe("cde");

    const again = await second.handle(new Request(`${ORIGIN}/_upload/report.txt`, { headers: { "If-None-Match": etag } }));
    expect(again.status).toBe(304);
    expect((await second.handle(new Request(`${ORIGIN}/_upload/missing.txt`))).status).toBe(404);
  });

  test("tus's pieces in the same bucket are never served as files", async () => {
    await s3.client.write("tus/some-upload/manifest.json", "{}");
    const app = savingApp(s3Storage(s3.options));
    expect((await app.handle(new Request(`${ORIGIN}/_upload/tus/some-upload/manifest.json`))).status).toBe(404);
  });

  test("a bucket that does not exist fails the handler's save with a message naming it, and keeps nothing", async () => {
    resetRecords();
    const failures: string[] = [];
    hooks.take = async (files) => {
      for (const file of files) await file.save().catch((error: Error) => void failures.push(error.message) as never);
    };
    const app = savingApp(s3Storage({ ...s3.options, bucket: "no-such-bucket" }));
    const page = await openPage(app);
    await send(app, page, "lost.txt", "lost");
    expect(failures).toEqual([expect.stringContaining('The upload storage (bucket "no-such-bucket") refused to write "lost.txt"')]);
    expect(failures[0]).toContain("the file was not kept");
    expect(await s3.client.exists("files/lost.txt")).toBe(false);
  });

  test("a handler whose save fails because the bucket is away shows the message on the page, and nothing is stored", async () => {
    resetRecords();
    hooks.take = async (files) => void (await Promise.all(files.map((file) => file.save())));
    const app = savingApp(s3Storage({ ...s3.options, prefix: "away/" }));
    const page = await openPage(app);
    await s3.stop();
    try {
      const response = await send(app, page, "away.txt", "away");
      expect(await response.text()).toContain("The upload storage (bucket &quot;hyperstate-test&quot;) refused to write &quot;away.txt&quot;");
    } finally {
      await s3.start();
    }
    expect(await keysUnder("away/")).toEqual([]);
  });
});

describe("choosing the storage", () => {
  test("S3_BUCKET picks the bucket, and without it the upload directory", async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { S3_BUCKET: s3.options.bucket, S3_ENDPOINT: s3.options.endpoint, S3_ACCESS_KEY_ID: "S3RVER", S3_SECRET_ACCESS_KEY: "S3RVER", S3_REGION: "us-east-1" });
      await chooseUploadStorage().save("chosen.txt", { blob: new Blob(["chosen"]), discard: async () => {} });
      expect(await s3.client.file("files/chosen.txt").text()).toBe("chosen");
      delete process.env.S3_BUCKET;
      process.env.UPLOADED_FILES_DIR = join(root, "dir");
      await chooseUploadStorage().save("chosen.txt", { blob: new Blob(["on disk"]), discard: async () => {} });
      expect(await Bun.file(join(root, "dir", "chosen.txt")).text()).toBe("on disk");
    } finally {
      for (const name of ["S3_BUCKET", "S3_ENDPOINT", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_REGION", "UPLOADED_FILES_DIR"]) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });
});
