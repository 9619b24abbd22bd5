// eventPage() inside upload handlers: the page the upload came from, with
// its route's parameters, for a multipart upload from the client script or
// from a form without JavaScript, and for a tus upload from the page.

import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hyperstate } from "../../src/app";
import { events } from "../../src/events/refs";
import { Button } from "../../src/render/components";
import type { PageContext } from "../../src/render/context";
import { eventPage } from "../../src/state/event-page";
import { State } from "../../src/state/state";
import type { UploadFile } from "../../src/upload/intake/upload-file";
import { Upload } from "../../src/upload/zone/component";
import { uploadFiles } from "../../src/upload/zone/refs";
import { filePart, hiddenParts, postUpload, readPage } from "./fixture";
import { createUpload, openZone, ORIGIN as TUS_ORIGIN, tusRequest } from "./tus/app";

/** Where each upload's handler said it came from. */
let seen: string[] = [];

class Album extends State {
  static on = events(this);

  async add(files: UploadFile[]) {
    const page = eventPage();
    seen.push(`${files.map((file) => file.name).join(",")} on ${page.url.pathname} (album ${page.params.album})`);
  }
}

function AlbumPage({ params }: PageContext): JSX.Element {
  return (
    <main>
      <h1 safe>{params.album}</h1>
      <Upload id="photos" />
      <Button id="add" onClick={Album.on.add(uploadFiles("photos"))}>
        Add
      </Button>
    </main>
  );
}

const ORIGIN = "http://localhost";
let root: string;
let app: ReturnType<typeof newApp>;
const newApp = () =>
  new Elysia().use(hyperstate({ states: [Album], pages: { "/albums/:album": AlbumPage }, secret: "event page secret", upload: { tempDir: join(root, "temp"), resumableAbove: 1 } }));

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "hs-upload-event-page-"));
  app = newApp();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  seen = [];
});

async function openAlbum(album: string) {
  const response = await app.handle(new Request(`${ORIGIN}/albums/${album}`));
  const session = /^hs_session=([^;]+)/.exec(response.headers.get("Set-Cookie") ?? "")![1]!;
  return readPage(await response.text(), session);
}

test("a multipart upload from the client script: eventPage() is the page it was sent from", async () => {
  const page = await openAlbum("summer");
  const form = page.forms.get("photos")!;
  const response = await postUpload(app, page.buttons.get("add")!, [...hiddenParts(form), filePart("a.jpg", "jpeg bytes")], {
    session: page.session,
    headers: { Referer: `${ORIGIN}/albums/summer` },
  });
  expect(response.status).toBe(200);
  expect(seen).toEqual(["a.jpg on /albums/summer (album summer)"]);
});

test("a form posted without JavaScript: eventPage() is the page it returns to", async () => {
  const page = await openAlbum("winter");
  const form = page.forms.get("photos")!;
  const response = await postUpload(app, page.buttons.get("add")!, [...hiddenParts(form), filePart("b.jpg", "jpeg bytes")], { session: page.session, script: false });
  expect(response.status).toBe(303);
  expect(seen).toEqual(["b.jpg on /albums/winter (album winter)"]);
});

test("a tus upload from the page: eventPage() is the page its creation came from", async () => {
  const zone = await openZone(app, "/albums/autumn", "photos", "add");
  const location = await createUpload(
    // The client script's requests carry the page as their Referer.
    { handle: (request) => app.handle(withReferer(request, `${TUS_ORIGIN}/albums/autumn`)) },
    zone,
    4,
    { filename: "c.jpg" },
  );
  const patch = tusRequest("PATCH", location, zone.session, { "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0" }, "abcd");
  expect((await app.handle(patch)).status).toBe(204);
  expect(seen).toEqual(["c.jpg on /albums/autumn (album autumn)"]);
});

function withReferer(request: Request, referer: string): Request {
  const headers = new Headers(request.headers);
  headers.set("Referer", referer);
  return new Request(request, { headers });
}
