// POST /_upload with requests no honest page sends: altered limits, forged
// handler calls, missing tokens, other sites, and broken multipart bodies.
// Each is a 4xx with a message, runs no handler and leaves no file.

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { signUploadConfig } from "../../../src/upload/zone/config-token";
import {
  BOUNDARY,
  filePart,
  filesIn,
  hiddenParts,
  multipart,
  openPage,
  pngBytes,
  postUpload,
  records,
  uploadApp,
  withConfigInQuery,
  type App,
  type Part,
  type PostOptions,
  type RenderedPage,
  useUploadTestbed,
} from "../fixture";

const testbed = useUploadTestbed("hs-receive-bad-");


const anyFile = () => filePart("notes.txt", "hello", "text/plain");

/** Posts to `url` as the client script would, or as `options` say. */
function post(page: RenderedPage, url: string, body: Part[] | Uint8Array<ArrayBuffer>, options: Partial<PostOptions> = {}): Promise<Response> {
  return postUpload(testbed.app, url, body, { session: page.session, ...options });
}

async function expectRefused(response: Response, status: number, message: string) {
  expect(response.status).toBe(status);
  expect(await response.text()).toContain(message);
  expect(records.take).toHaveLength(0);
  expect(records.takeWith).toHaveLength(0);
  expect(filesIn(testbed.tempDir)).toEqual([]);
}

function uploadUrl(id: string, handler: string, args: string): string {
  return `/_upload?${new URLSearchParams({ id, handler, args })}`;
}

const LIMITS_ALTERED = "The upload form's limits are missing or were altered";

describe("the signed limits", () => {
  test("a limits token altered by one character is refused with 400", async () => {
    const page = await openPage(testbed.app);
    const config = page.forms.get("images")!.config;
    const altered = `${config.slice(0, 5)}${config[5] === "A" ? "B" : "A"}${config.slice(6)}`;
    const response = await post(page, page.buttons.get("send-images")!, [
      ...hiddenParts(page.forms.get("images")!, { "hs-upload": altered }),
      filePart("x.png", pngBytes(), "image/png"),
    ]);
    await expectRefused(response, 400, LIMITS_ALTERED);
  });

  test("limits signed for another session are refused with 400", async () => {
    const alice = await openPage(testbed.app);
    const bob = await openPage(testbed.app);
    expect(bob.session).not.toBe(alice.session);
    const response = await post(bob, bob.buttons.get("send-any")!, [...hiddenParts(alice.forms.get("any")!), anyFile()]);
    await expectRefused(response, 400, LIMITS_ALTERED);
  });

  test("an upload button signed for another session is refused with 400", async () => {
    const alice = await openPage(testbed.app);
    const bob = await openPage(testbed.app);
    const response = await post(bob, alice.buttons.get("send-any")!, [...hiddenParts(bob.forms.get("any")!), anyFile()]);
    await expectRefused(response, 400, "not the ones the page was rendered with");
  });

  test("an upload without its limits token is refused with 400", async () => {
    const page = await openPage(testbed.app);
    const response = await post(page, page.buttons.get("send-any")!, [...hiddenParts(page.forms.get("any")!, { "hs-upload": null }), anyFile()]);
    await expectRefused(response, 400, LIMITS_ALTERED);
  });

  test("the limits of one zone do not pass for another zone's id", async () => {
    const page = await openPage(testbed.app);
    const response = await post(page, page.buttons.get("send-any")!, [...hiddenParts(page.forms.get("images")!), anyFile()]);
    await expectRefused(response, 400, LIMITS_ALTERED);
  });

  test("limits the browser signs itself with the page's own token are refused", async () => {
    const page = await openPage(testbed.app);
    const images = page.forms.get("images")!;
    // hs-csrf is in the page: a client that knows the signing key can loosen any zone.
    const forged = signUploadConfig(images.csrf, { id: "images" });
    const response = await post(page, page.buttons.get("send-images")!, [
      ...hiddenParts(images, { "hs-upload": forged }),
      filePart("setup.exe", new Uint8Array([0x4d, 0x5a, ...new Uint8Array(100)])),
    ]);
    await expectRefused(response, 400, LIMITS_ALTERED);
  });

  test("a handler rendered for a strict zone cannot be fed files through a looser zone's limits", async () => {
    const page = await openPage(testbed.app);
    // Inbox.takeImage is only ever rendered with uploadFiles("images"); the "any" zone takes everything.
    const url = uploadUrl("any", "Inbox.takeImage", JSON.stringify([{ $upload: "any" }]));
    const response = await post(page, url, [...hiddenParts(page.forms.get("any")!), filePart("setup.exe", new Uint8Array(100))]);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(records.take).toHaveLength(0);
  });
});

describe("the handler call in the query", () => {
  test("an upload without a zone id is refused with 400", async () => {
    const page = await openPage(testbed.app);
    const response = await post(page, "/_upload?handler=Inbox.take", [...hiddenParts(page.forms.get("any")!), anyFile()]);
    await expectRefused(response, 400, "names no upload zone");
  });

  test("an unknown handler is refused with 404", async () => {
    const page = await openPage(testbed.app);
    const response = await post(page, uploadUrl("any", "Inbox.nope", '[{"$upload":"any"}]'), [...hiddenParts(page.forms.get("any")!), anyFile()]);
    await expectRefused(response, 404, "No handler named Inbox.nope");
  });

  test("an unknown progress handler is refused with 404", async () => {
    const page = await openPage(testbed.app);
    const url = `${uploadUrl("any", "Inbox.take", '[{"$upload":"any"}]')}&progress=Inbox.nope`;
    await expectRefused(await post(page, url, [...hiddenParts(page.forms.get("any")!), anyFile()]), 404, "No handler named Inbox.nope");
  });

  test("arguments that do not carry the zone's uploadFiles marker are refused with 400", async () => {
    const page = await openPage(testbed.app);
    const form = page.forms.get("any")!;
    const noMarker = await post(page, uploadUrl("any", "Inbox.take", '["x"]'), [...hiddenParts(form), anyFile()]);
    await expectRefused(noMarker, 400, 'do not carry uploadFiles("any")');
    const otherZone = await post(page, uploadUrl("any", "Inbox.take", '[{"$upload":"images"}]'), [...hiddenParts(form), anyFile()]);
    await expectRefused(otherZone, 400, 'do not carry uploadFiles("any")');
  });

  test("arguments that are not JSON are refused with 400", async () => {
    const page = await openPage(testbed.app);
    const response = await post(page, uploadUrl("any", "Inbox.take", "[{$upload:any"), [...hiddenParts(page.forms.get("any")!), anyFile()]);
    await expectRefused(response, 400, "is not valid JSON");
  });

  test("a form sent with no file chosen is refused with 422", async () => {
    const page = await openPage(testbed.app);
    // A file input left empty sends a part with an empty filename and no bytes.
    const response = await post(page, page.buttons.get("send-any")!, [...hiddenParts(page.forms.get("any")!), filePart("", "")]);
    await expectRefused(response, 422, "No file was chosen");
  });
});

describe("where the request comes from", () => {
  test("a form posted without JavaScript and without its token is refused with 403", async () => {
    const page = await openPage(testbed.app);
    const response = await post(page, page.buttons.get("send-any")!, [...hiddenParts(page.forms.get("any")!, { "hs-csrf": null }), anyFile()], { script: false });
    await expectRefused(response, 403, "did not come from this site");
  });

  test("a form posted without JavaScript with another session's token is refused with 403", async () => {
    const page = await openPage(testbed.app);
    const other = await openPage(testbed.app);
    const parts = [...hiddenParts(page.forms.get("any")!, { "hs-csrf": other.forms.get("any")!.csrf }), anyFile()];
    await expectRefused(await post(page, page.buttons.get("send-any")!, parts, { script: false }), 403, "did not come from this site");
  });

  test("an upload with another site's Origin is refused with 403", async () => {
    const page = await openPage(testbed.app);
    const parts = [...hiddenParts(page.forms.get("any")!), anyFile()];
    const url = page.buttons.get("send-any")!;
    await expectRefused(await post(page, url, parts, { headers: { Origin: "https://evil.example" } }), 403, "https://evil.example");
    await expectRefused(await post(page, url, parts, { script: false, headers: { Origin: "https://evil.example" } }), 403, "https://evil.example");
  });

  test("an upload a browser marks as cross-site is refused with 403", async () => {
    const page = await openPage(testbed.app);
    const parts = [...hiddenParts(page.forms.get("any")!), anyFile()];
    const response = await post(page, page.buttons.get("send-any")!, parts, { headers: { "Sec-Fetch-Site": "cross-site" } });
    await expectRefused(response, 403, "another site");
  });
});

describe("malformed multipart bodies", () => {
  /** The zone's hidden fields in the query, as the client script sends them, so only the body is at fault. */
  async function target() {
    const page = await openPage(testbed.app);
    const form = page.forms.get("any")!;
    return { page, url: withConfigInQuery(page.buttons.get("send-any")!, form), fields: hiddenParts(form) };
  }

  test("a multipart Content-Type without a boundary is refused with 400", async () => {
    const { page, url, fields } = await target();
    const response = await post(page, url, multipart([...fields, anyFile()]), { contentType: "multipart/form-data" });
    await expectRefused(response, 400, "no boundary");
  });

  test("a body that is not multipart at all is refused with 400", async () => {
    const { page, url } = await target();
    const response = await post(page, url, new TextEncoder().encode("files=x"), { contentType: "application/x-www-form-urlencoded" });
    await expectRefused(response, 400, "Expected Content-Type multipart/form-data");
  });

  test("a body whose boundary is not the one its Content-Type names is refused with 400", async () => {
    const { page, url, fields } = await target();
    const response = await post(page, url, multipart([...fields, anyFile()], "someOtherBoundary"));
    await expectRefused(response, 400, "does not contain the boundary");
  });

  test("a body cut off in the middle of a file is refused with 400 and its partial file is removed", async () => {
    const { page, url, fields } = await target();
    const whole = multipart([...fields, filePart("cut.bin", new Uint8Array(64 * 1024).fill(7))]);
    const response = await post(page, url, whole.subarray(0, whole.length - 1000));
    await expectRefused(response, 400, "cut short");
  });

  test("an empty body is refused with 400", async () => {
    const { page, url } = await target();
    await expectRefused(await post(page, url, new Uint8Array(0)), 400, "does not contain the boundary");
  });

  test("a part whose headers are larger than 8 KB is refused with 431", async () => {
    const { page, url, fields } = await target();
    const headers = `Content-Disposition: form-data; name="files"; filename="a.txt"\r\nX-Padding: ${"p".repeat(10_000)}\r\n`;
    const response = await post(page, url, multipart([...fields, { name: "files", headers, data: "a" }]));
    await expectRefused(response, 431, "headers are larger than 8192 bytes");
  });

  test("a body of 5,000 parts is refused with 413", async () => {
    const { page, url, fields } = await target();
    const many: Part[] = Array.from({ length: 5000 }, (_, i) => ({ name: `field${i}`, data: "v" }));
    const response = await post(page, url, multipart([...fields, ...many, anyFile()]));
    await expectRefused(response, 413, "more than 1000 parts");
  });

  test("a part without a name is refused with 400", async () => {
    const { page, url, fields } = await target();
    const nameless: Part = { name: "", headers: 'Content-Disposition: form-data; filename="a.txt"\r\n', data: "a" };
    const response = await post(page, url, multipart([...fields, nameless]));
    await expectRefused(response, 400, "no Content-Disposition name");
  });

  test("a boundary followed by something other than a line break is refused with 400", async () => {
    const { page, url } = await target();
    const body = new TextEncoder().encode(`--${BOUNDARY}garbage\r\n\r\nhello\r\n--${BOUNDARY}--\r\n`);
    await expectRefused(await post(page, url, body), 400, "followed by something other than a line break");
  });
});
