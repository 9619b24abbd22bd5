// POST /_upload from a browser without JavaScript: the form posts natively,
// success is a 303 back to the page, and a refusal is the page again with the
// reason on it and the 4xx status.

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
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
  uploadApp,
  type App,
  type Part,
  type PostOptions,
  type RenderedPage,
  useUploadTestbed,
} from "../fixture";

const testbed = useUploadTestbed("hs-receive-nojs-");


/** A native form post: no script headers, the browser's Origin and Referer. */
function postNatively(page: RenderedPage, url: string, parts: Part[], options: Partial<PostOptions> = {}): Promise<Response> {
  return postUpload(testbed.app, url, parts, { session: page.session, script: false, ...options });
}

function sendNatively(page: RenderedPage, zone: string, files: Part[]): Promise<Response> {
  return postNatively(page, page.buttons.get(`send-${zone}`)!, [...hiddenParts(page.forms.get(zone)!), ...files]);
}

/** The error banner's text in a page, if it has one. */
function bannerIn(html: string): string | undefined {
  return /<div class="hs-error" role="alert">(.*?)<\/div>/s.exec(html)?.[1];
}

describe("an accepted native upload", () => {
  test("runs the handler and answers 303 to the page the form names in hs-return", async () => {
    const page = await openPage(testbed.app);
    expect(page.forms.get("any")!.returnTo).toBe("/zones");
    const response = await sendNatively(page, "any", [filePart("native.txt", "n", "text/plain")]);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/zones");
    expect(records.take[0]!.map((file) => file.name)).toEqual(["native.txt"]);
    expect(await shownState(testbed.app, page.session)).toEqual({ count: "1", names: ["native.txt"] });
    expect(filesIn(testbed.tempDir)).toEqual([]);
  });

  test("a zone's own form, with its onDrop handler in the action, posts natively too", async () => {
    const page = await openPage(testbed.app);
    expect(page.html).toContain("data-hs-noscript");
    const form = page.forms.get("dropped")!;
    const response = await postNatively(page, form.action, [...hiddenParts(form), filePart("dropped.txt", "d")]);
    expect(response.status).toBe(303);
    expect((await shownState(testbed.app, page.session)).names).toEqual(["dropped.txt"]);
  });

  test("never redirects to another site, whatever hs-return says", async () => {
    const page = await openPage(testbed.app);
    for (const returnTo of ["https://evil.example/", "//evil.example/x", "/\\evil.example"]) {
      const parts = [...hiddenParts(page.forms.get("any")!, { "hs-return": returnTo }), filePart("a.txt", "a")];
      const response = await postNatively(page, page.buttons.get("send-any")!, parts);
      expect(response.status).toBe(303);
      expect(response.headers.get("Location")).toBe("/zones");
    }
  });

  test("a handler that fails does not pass for a success: the person sees its message", async () => {
    const page = await openPage(testbed.app);
    hooks.take = async () => {
      throw new Error("the disk is full");
    };
    const response = await sendNatively(page, "any", [filePart("a.txt", "a")]);
    const location = response.headers.get("Location");
    const shown = location ? await (await testbed.app.handle(new Request(new URL(location, ORIGIN), { headers: { Cookie: `hs_session=${page.session}` } }))).text() : await response.text();
    expect(bannerIn(shown) ?? "no error banner on the page").toContain("the disk is full");
  });
});

describe("a refused native upload", () => {
  test("answers the whole page with the reason in an alert banner and the 415 status", async () => {
    const page = await openPage(testbed.app);
    const response = await sendNatively(page, "images", [filePart("setup.exe", new Uint8Array(64))]);
    expect(response.status).toBe(415);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    const html = await response.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(bannerIn(html)).toBe("setup.exe: File type must be .png, .jpg, .jpeg");
    expect(records.take).toHaveLength(0);
    expect(filesIn(testbed.tempDir)).toEqual([]);
  });

  test("answers 413 with the page when a file is over the zone's maxSize", async () => {
    const page = await openPage(testbed.app);
    const response = await sendNatively(page, "sized", [filePart("big.bin", new Uint8Array(101))]);
    expect(response.status).toBe(413);
    const html = await response.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(bannerIn(html)).toContain("big.bin");
    expect(filesIn(testbed.tempDir)).toEqual([]);
  });

  test("answers 403 with the page when the form's token is missing", async () => {
    const page = await openPage(testbed.app);
    const parts = [...hiddenParts(page.forms.get("any")!, { "hs-csrf": null }), filePart("a.txt", "a")];
    const response = await postNatively(page, page.buttons.get("send-any")!, parts);
    expect(response.status).toBe(403);
    expect(bannerIn(await response.text())).toContain("reload the page and try again");
    expect(records.take).toHaveLength(0);
  });

  test("answers 422 with the page when no file was chosen", async () => {
    const page = await openPage(testbed.app);
    const response = await sendNatively(page, "any", [filePart("", "")]);
    expect(response.status).toBe(422);
    expect(bannerIn(await response.text())).toBe("No file was chosen");
  });

  test("the page it answers with carries fresh forms, so the person can try again", async () => {
    const page = await openPage(testbed.app);
    const response = await sendNatively(page, "images", [filePart("x.png", pngBytes(), "text/html")]);
    const again = readPage(await response.text(), page.session);
    const form = again.forms.get("images")!;
    expect(form.csrf).toBe(page.forms.get("images")!.csrf);
    const retry = await postNatively(again, again.buttons.get("send-images")!, [...hiddenParts(form), filePart("x.png", pngBytes(), "image/png")]);
    expect(retry.status).toBe(303);
  });

  test("without a Referer it still answers with the status and the reason", async () => {
    const page = await openPage(testbed.app);
    const parts = [...hiddenParts(page.forms.get("images")!), filePart("setup.exe", new Uint8Array(64))];
    const response = await postNatively(page, page.buttons.get("send-images")!, parts, { headers: { Referer: "" } });
    expect(response.status).toBe(415);
    expect(await response.text()).toContain("setup.exe: File type must be");
  });
});
