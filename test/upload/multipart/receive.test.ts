// POST /_upload end to end through app.handle: what a handler receives, and
// what is left on disk after the answer.

import { describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { getUploadDir } from "../../../src/upload/storage/paths";
import { demo } from "../../../views/app";
import {
  filePart,
  filesIn,
  hiddenParts,
  hooks,
  openPage,
  ORIGIN,
  pngBytes,
  postUpload,
  readPage,
  records,
  shownState,
  stateIn,
  uploadApp,
  type App,
  type Part,
  type RenderedPage,
  useUploadTestbed,
} from "../fixture";

const testbed = useUploadTestbed("hs-receive-");


/** Posts `files` with the hidden fields of `zone` to the formaction of button `button`, from the client script. */
function send(page: RenderedPage, button: string, zone: string, files: Part[]): Promise<Response> {
  return postUpload(testbed.app, page.buttons.get(button)!, [...hiddenParts(page.forms.get(zone)!), ...files], { session: page.session });
}

describe("what the handler receives", () => {
  test("each file arrives with its name, size, declared type and bytes through text(), bytes() and stream()", async () => {
    const page = await openPage(testbed.app);
    const seen: { name: string; size: number; contentType: string; text: string; bytes: number[]; streamed: string }[] = [];
    hooks.take = async (files) => {
      for (const file of files) {
        seen.push({
          name: file.name,
          size: file.size,
          contentType: file.contentType,
          text: await file.text(),
          bytes: [...(await file.bytes())],
          streamed: await new Response(file.stream()).text(),
        });
      }
    };
    const response = await send(page, "send-any", "any", [
      filePart("notes.txt", "hello notes", "text/plain"),
      filePart("data.bin", new Uint8Array([0, 1, 2, 255]), "application/octet-stream"),
    ]);
    expect(response.status).toBe(200);
    expect(seen).toEqual([
      { name: "notes.txt", size: 11, contentType: "text/plain", text: "hello notes", bytes: [...Buffer.from("hello notes")], streamed: "hello notes" },
      { name: "data.bin", size: 4, contentType: "application/octet-stream", text: "\u0000\u0001\u0002\ufffd", bytes: [0, 1, 2, 255], streamed: "\u0000\u0001\u0002\ufffd" },
    ]);
  });

  test("an empty file is delivered with size 0", async () => {
    const page = await openPage(testbed.app);
    const response = await send(page, "send-any", "any", [filePart("empty.txt", "", "text/plain")]);
    expect(response.status).toBe(200);
    expect(records.take[0]!.map((file) => [file.name, file.size])).toEqual([["empty.txt", 0]]);
  });

  test("hostile file names arrive without folders, drive letters or NUL, never empty and at most 255 bytes", async () => {
    const page = await openPage(testbed.app);
    const longName = `${"a".repeat(296)}.png`;
    const response = await send(page, "send-any", "any", [
      filePart("../../etc/passwd", "1"),
      filePart("C:\\evil.png", "2"),
      filePart("a\u0000b.png", "3"),
      filePart("...", "4"),
      filePart(longName, "5"),
    ]);
    expect(response.status).toBe(200);
    const names = records.take[0]!.map((file) => file.name);
    expect(names.slice(0, 4)).toEqual(["passwd", "evil.png", "ab.png", "file"]);
    expect(names[4]).toBe(`${"a".repeat(251)}.png`);
    expect(Buffer.byteLength(names[4]!)).toBe(255);
    for (const name of names) expect(join(getUploadDir(), name).startsWith(getUploadDir() + "/")).toBe(true);
  });

  test("files of a folder keep their path inside it as relativePath, made safe, and save() recreates the tree", async () => {
    const page = await openPage(testbed.app);
    hooks.take = async (files) => {
      for (const file of files) await file.save();
    };
    const response = await send(page, "send-any", "any", [
      filePart("photos/2024/a.png", "a"),
      filePart("photos/../../../escape.txt", "b"),
      filePart("plain.txt", "c"),
    ]);
    expect(response.status).toBe(200);
    const files = records.take[0]!;
    expect(files.map((file) => [file.name, file.relativePath])).toEqual([
      ["a.png", "photos/2024/a.png"],
      ["escape.txt", "photos/escape.txt"],
      ["plain.txt", "plain.txt"],
    ]);
    expect(await Bun.file(join(getUploadDir(), "photos", "2024", "a.png")).text()).toBe("a");
    expect(await Bun.file(join(getUploadDir(), "photos", "escape.txt")).text()).toBe("b");
  });

  test("arguments bound around uploadFiles arrive in order, with the files in the marker's place", async () => {
    const page = await openPage(testbed.app);
    const response = await send(page, "send-with", "any", [filePart("a.txt", "a"), filePart("b.txt", "b")]);
    expect(response.status).toBe(200);
    const [label, files, times] = records.takeWith[0]!;
    expect(label).toBe("x");
    expect((files as { name: string }[]).map((file) => file.name)).toEqual(["a.txt", "b.txt"]);
    expect(times).toBe(3);
    expect(stateIn(await response.text()).count).toBe("3");
  });
});

describe("files on disk", () => {
  test("a file the handler moves stays where it was moved, and is served from the upload folder", async () => {
    const page = await openPage(testbed.app);
    hooks.take = async (files) => {
      for (const file of files) await file.moveTo(join(getUploadDir(), file.name));
    };
    const response = await send(page, "send-any", "any", [filePart("kept.txt", "keep me", "text/plain")]);
    expect(response.status).toBe(200);
    const kept = join(getUploadDir(), "kept.txt");
    expect(readFileSync(kept, "utf8")).toBe("keep me");
    expect(records.take[0]![0]!.path).toBe(kept);
    expect(filesIn(testbed.tempDir)).toEqual([]);
    const served = await testbed.app.handle(new Request(`${ORIGIN}/_upload/kept.txt`));
    expect(await served.text()).toBe("keep me");
  });

  test("files the handler did not move are gone from the temporary folder once the answer is sent", async () => {
    const page = await openPage(testbed.app);
    let duringHandler: string[] = [];
    hooks.take = async (files) => {
      duringHandler = files.map((file) => file.path!);
    };
    const response = await send(page, "send-any", "any", [filePart("one.txt", "1"), filePart("two.txt", "2")]);
    expect(response.status).toBe(200);
    expect(duringHandler).toHaveLength(2);
    for (const path of duringHandler) {
      expect(path.startsWith(testbed.tempDir)).toBe(true);
      expect(existsSync(path)).toBe(false);
    }
    expect(filesIn(testbed.tempDir)).toEqual([]);
  });

  test("a handler that throws answers 500 with its message, keeps the state as it was and leaves no file behind", async () => {
    const page = await openPage(testbed.app);
    hooks.take = async () => {
      throw new Error("the disk is full");
    };
    const response = await send(page, "send-any", "any", [filePart("one.txt", "1")]);
    expect(response.status).toBe(500);
    const html = await response.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain("the disk is full");
    expect(stateIn(html).count).toBe("0");
    expect(filesIn(testbed.tempDir)).toEqual([]);
  });
});

describe("the answer", () => {
  test("the client script gets the re-rendered page testbed.root showing the handler's change", async () => {
    const page = await openPage(testbed.app);
    const response = await send(page, "send-any", "any", [filePart("photo.png", pngBytes(), "image/png")]);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    const html = await response.text();
    expect(html).not.toContain("<!doctype html>");
    expect(stateIn(html)).toEqual({ count: "1", names: ["photo.png"] });
    expect(await shownState(testbed.app, page.session)).toEqual({ count: "1", names: ["photo.png"] });
  });

  test("a zone with onDrop posts to its form's own action, which names the handler", async () => {
    const page = await openPage(testbed.app);
    const form = page.forms.get("dropped")!;
    expect(form.action).toContain("handler=Inbox.take");
    const response = await postUpload(testbed.app, form.action, [...hiddenParts(form), filePart("dropped.txt", "d")], { session: page.session });
    expect(response.status).toBe(200);
    expect(stateIn(await response.text()).names).toEqual(["dropped.txt"]);
  });

  test("each session's upload changes only that session's state", async () => {
    const alice = await openPage(testbed.app);
    const bob = await openPage(testbed.app);
    await send(alice, "send-any", "any", [filePart("alice.txt", "a")]);
    expect((await shownState(testbed.app, alice.session)).names).toEqual(["alice.txt"]);
    expect((await shownState(testbed.app, bob.session)).count).toBe("0");
  });
});

describe("the demo testbed.app", () => {
  test("the basic page saves an uploaded image to the upload folder and shows it", async () => {
    const demoApp = new Elysia().use(demo({ upload: { tempDir: testbed.tempDir } }));
    const first = await demoApp.handle(new Request(`${ORIGIN}/basic`));
    const session = /^hs_session=([^;]+)/.exec(first.headers.get("Set-Cookie") ?? "")![1]!;
    const page = readPage(await first.text(), session);
    const button = [...page.buttons.values()][0]!;
    const parts = [...hiddenParts(page.forms.get("upload")!), filePart("demo photo.png", pngBytes(), "image/png")];
    const response = await postUpload(demoApp, button, parts, { session, headers: { Referer: `${ORIGIN}/basic` } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('src="/_upload/demo%20photo.png"');
    expect(readFileSync(join(getUploadDir(), "demo photo.png"))).toEqual(Buffer.from(pngBytes()));
    expect(filesIn(testbed.tempDir)).toEqual([]);
  });
});
