// <Upload>, <Upload.Root> and <SelectedFiles> as HTML: a real form that posts
// without JavaScript, and the attributes the client script reads.

import { afterAll, describe, expect, test } from "bun:test";
import { Window } from "happy-dom";
import { events } from "../../../src/events/refs";
import type { FileRejection, InterruptedUpload, UploadProgress } from "../../../src/protocol";
import { withRenderScope, type RenderScope } from "../../../src/render/context";
import { State } from "../../../src/state/state";
import { SelectedFiles, Upload, type UploadProps } from "../../../src/upload/zone/component";
import { verifyUploadConfig } from "../../../src/upload/zone/config-token";
import { uploadFiles } from "../../../src/upload/zone/refs";
import type { UploadFile } from "../../../src/upload/intake/upload-file";

class Gallery extends State {
  static on = events(this);
  async save(_files: UploadFile[]) {}
  async saveTagged(_tag: string, _files: UploadFile[]) {}
  async rejected(_rejections: FileRejection[]) {}
  async onProgress(_progress: UploadProgress) {}
  async interrupted(_uploads: InterruptedUpload[]) {}
  async ping() {}
}

const CSRF = "csrf-token-of-this-session";
const window = new Window();
afterAll(() => window.happyDOM.close());

/** Renders `view` inside a page scope for /gallery?tab=2 and parses the HTML. */
function render(view: () => JSX.Element): { html: string; document: Document } {
  const scope: RenderScope = {
    url: new URL("http://localhost/gallery?tab=2"),
    params: {},
    csrfToken: CSRF,
    signingKey: "test-signing-key",
    zoneDefaults: {},
    use: () => {
      throw new Error("no state in these tests");
    },
  };
  const html = withRenderScope(scope, view) as string;
  const document = new window.DOMParser().parseFromString(`<body>${html}</body>`, "text/html") as unknown as Document;
  return { html, document };
}

function renderUpload(props: UploadProps, root = false) {
  const { html, document } = render(() => (root ? Upload.Root(props) : Upload(props)));
  const form = document.querySelector("form")!;
  const zone = form.querySelector(`div[id="${props.id}"]`)!;
  const input = form.querySelector('input[type="file"]') as HTMLInputElement;
  return { html, document, form, zone, input };
}

describe("the upload form", () => {
  test("is a multipart POST form named after the zone, posting to /_upload with the zone id", () => {
    const { form } = renderUpload({ id: "photos" });
    expect(form.id).toBe("hs-form-photos");
    expect(form.getAttribute("method")).toBe("post");
    expect(form.getAttribute("enctype")).toBe("multipart/form-data");
    expect(form.getAttribute("action")).toBe("/_upload?id=photos");
  });

  test("carries the token, the page to return to and the signed limits before the file input", () => {
    const { form } = renderUpload({ id: "photos", maxFiles: 4, maxSize: 1000, accept: { "image/png": [".png"] } });
    const inputs = [...form.querySelectorAll("input")].map((input) => [input.getAttribute("type"), input.getAttribute("name")]);
    expect(inputs).toEqual([
      ["hidden", "hs-csrf"],
      ["hidden", "hs-return"],
      ["hidden", "hs-upload"],
      ["file", "files"],
    ]);
    const value = (name: string) => form.querySelector(`input[name="${name}"]`)!.getAttribute("value");
    expect(value("hs-csrf")).toBe(CSRF);
    expect(value("hs-return")).toBe("/gallery?tab=2");
    expect(verifyUploadConfig("test-signing-key", value("hs-upload"))).toEqual({ id: "photos", maxFiles: 4, maxSize: 1000, accept: { "image/png": [".png"] } });
  });

  test("the zone is a focusable button named by its own text, with its limits as JSON", () => {
    const { zone } = renderUpload({ id: "photos", maxSize: 2048, minSize: 1, noClick: true });
    expect(zone.getAttribute("tabindex")).toBe("0");
    expect(zone.getAttribute("role")).toBe("button");
    // A button's name comes from its content: what a person sees is what a screen reader says.
    expect(zone.hasAttribute("aria-label")).toBe(false);
    expect(zone.textContent).toBe("Drag and drop files here or click to select files");
    expect(zone.hasAttribute("aria-disabled")).toBe(false);
    expect(JSON.parse(zone.getAttribute("data-hs-upload")!)).toEqual({ id: "photos", maxSize: 2048, minSize: 1, noClick: true });
  });

  test("the refusal message area follows the zone rather than sitting among the author's children", () => {
    const { zone } = renderUpload({ id: "photos" });
    expect(zone.querySelector("[data-hs-upload-message]")).toBeNull();
    expect(zone.nextElementSibling!.getAttribute("data-hs-upload-message")).toBe("photos");
    expect(zone.nextElementSibling!.getAttribute("role")).toBe("alert");
  });

  test("a label names both the zone and its file input", () => {
    const { zone, input } = renderUpload({ id: "photos", label: "Add holiday photos" });
    expect(zone.getAttribute("aria-label")).toBe("Add holiday photos");
    expect(input.getAttribute("aria-label")).toBe("Add holiday photos");
  });

  test("the file input is named files and takes the accept map's types and extensions", () => {
    const { input } = renderUpload({ id: "photos", accept: { "image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "application/pdf": [] } });
    expect(input.getAttribute("name")).toBe("files");
    expect(input.getAttribute("accept")).toBe("image/png,.png,image/jpeg,.jpg,.jpeg,application/pdf");
  });

  test("the file input takes several files unless maxFiles is 1 or multiple is false", () => {
    expect(renderUpload({ id: "a" }).input.hasAttribute("multiple")).toBe(true);
    expect(renderUpload({ id: "b", maxFiles: 5 }).input.hasAttribute("multiple")).toBe(true);
    expect(renderUpload({ id: "c", maxFiles: 1 }).input.hasAttribute("multiple")).toBe(false);
    expect(renderUpload({ id: "d", multiple: false }).input.hasAttribute("multiple")).toBe(false);
    expect(renderUpload({ id: "e", accept: undefined }).input.hasAttribute("accept")).toBe(false);
  });

  test("maxFiles 1 signs multiple false, so the server too takes one file", () => {
    const { form } = renderUpload({ id: "avatar", maxFiles: 1 });
    const config = verifyUploadConfig("test-signing-key", form.querySelector('input[name="hs-upload"]')!.getAttribute("value"));
    expect(config?.multiple).toBe(false);
  });

  test("a disabled zone leaves the tab order and disables its input", () => {
    const { zone, input } = renderUpload({ id: "photos", disabled: true });
    expect(zone.getAttribute("tabindex")).toBe("-1");
    expect(zone.getAttribute("aria-disabled")).toBe("true");
    expect(input.hasAttribute("disabled")).toBe(true);
    expect(JSON.parse(zone.getAttribute("data-hs-upload")!).disabled).toBe(true);
  });

  test("a label or class cannot break out of its attribute", () => {
    const label = '"><script>alert(1)</script>';
    const { document, zone } = renderUpload({ id: "photos", label, class: '"><img src=x onerror=alert(1)>' });
    expect(document.querySelector("script, img")).toBeNull();
    expect(zone.getAttribute("aria-label")).toBe(label);
  });
});

describe("onDrop and onDropRejected", () => {
  test("onDrop puts the handler call in the form's action and adds a submit button for browsers without JavaScript", () => {
    const { form, zone } = renderUpload({ id: "photos", onDrop: Gallery.on.saveTagged("trip", uploadFiles("photos")) });
    const action = new URL(form.getAttribute("action")!, "http://localhost");
    expect(action.pathname).toBe("/_upload");
    expect(action.searchParams.get("id")).toBe("photos");
    expect(action.searchParams.get("handler")).toBe("Gallery.saveTagged");
    expect(JSON.parse(action.searchParams.get("args")!)).toEqual(["trip", { $upload: "photos" }]);
    expect(JSON.parse(zone.getAttribute("data-hs-on-drop")!)).toEqual({ handler: "Gallery.saveTagged", args: ["trip", { $upload: "photos" }] });
    const button = form.querySelector("button[data-hs-noscript]")!;
    expect(button.getAttribute("type")).toBe("submit");
  });

  test("onDrop with a progress handler names it in the action", () => {
    const { form } = renderUpload({ id: "photos", onDrop: Gallery.on.save(uploadFiles("photos", { onUploadProgress: Gallery.on.onProgress })) });
    expect(new URL(form.getAttribute("action")!, "http://localhost").searchParams.get("progress")).toBe("Gallery.onProgress");
  });

  test("without onDrop there is no submit button: the page's own buttons post the form", () => {
    const { form, zone } = renderUpload({ id: "photos" });
    expect(form.querySelector("button")).toBeNull();
    expect(zone.hasAttribute("data-hs-on-drop")).toBe(false);
  });

  test("onDropRejected names the handler that receives the refused files", () => {
    const { zone } = renderUpload({ id: "photos", onDropRejected: Gallery.on.rejected });
    expect(JSON.parse(zone.getAttribute("data-hs-on-drop-rejected")!)).toEqual({ handler: "Gallery.rejected", args: [{ $rejections: true }] });
  });

  test("onUploadInterrupted names the handler that receives the uploads a reload stopped", () => {
    const { zone } = renderUpload({ id: "photos", onUploadInterrupted: Gallery.on.interrupted });
    expect(JSON.parse(zone.getAttribute("data-hs-on-upload-interrupted")!)).toEqual({ handler: "Gallery.interrupted", args: [{ $interrupted: true }] });
  });

  test("an onDrop whose uploadFiles names another zone throws, naming the zone", () => {
    expect(() => renderUpload({ id: "photos", onDrop: Gallery.on.save(uploadFiles("videos")) })).toThrow('onDrop of upload "photos" must carry uploadFiles("photos")');
  });

  test("an onDrop that carries no uploadFiles at all throws", () => {
    expect(() => renderUpload({ id: "photos", onDrop: Gallery.on.ping() })).toThrow('must carry uploadFiles("photos")');
  });
});

describe("styled and unstyled zones", () => {
  test("Upload is styled and shows a hint when given no children", () => {
    const { zone } = renderUpload({ id: "photos" });
    expect(zone.getAttribute("class")).toBe("hs-upload hs-upload-styled");
    expect(zone.querySelector(".hs-upload-hint")?.textContent).toBe("Drag and drop files here or click to select files");
  });

  test("Upload.Root has no styled class and no hint", () => {
    const { zone } = renderUpload({ id: "photos", class: "mine" }, true);
    expect(zone.getAttribute("class")).toBe("hs-upload mine");
    expect(zone.querySelector(".hs-upload-hint")).toBeNull();
  });

  test("children replace the hint, and style props become the zone's style", () => {
    const { zone } = renderUpload({ id: "photos", children: "<p id='mine'>Drop here</p>", padding: "5em", border: "1px dotted red" });
    expect(zone.querySelector("#mine")?.textContent).toBe("Drop here");
    expect(zone.querySelector(".hs-upload-hint")).toBeNull();
    expect(zone.getAttribute("style")).toContain("padding:5em");
    expect(zone.getAttribute("style")).toContain("border:1px dotted red");
  });
});

describe("zone ids", () => {
  test("an id that is not a plain name throws before anything renders", () => {
    for (const id of ["a b", '"><script>alert(1)</script>', "1photos", "", "photos/../x"]) {
      expect(() => renderUpload({ id })).toThrow("must start with a letter");
    }
  });

  test("an Upload outside a page render says where it must be rendered", () => {
    expect(() => Upload({ id: "photos" })).toThrow("needs a hyperstate page");
  });
});

describe("SelectedFiles", () => {
  test("renders a list the morph leaves alone, tied to its zone", () => {
    const { document } = render(() => SelectedFiles({ id: "photos" }));
    const list = document.querySelector("ul")!;
    expect(list.hasAttribute("hx-morph-skip-children")).toBe(true);
    expect(list.getAttribute("data-hs-selected-files")).toBe("photos");
    expect(list.getAttribute("aria-label")).toBe("Selected files");
    expect(list.hasAttribute("data-hs-thumbnails")).toBe(false);
    expect(list.children).toHaveLength(0);
  });

  test("asks for thumbnails when told to, and keeps its own class", () => {
    const { document } = render(() => SelectedFiles({ id: "photos", thumbnails: true, class: "grid" }));
    const list = document.querySelector("ul")!;
    expect(list.hasAttribute("data-hs-thumbnails")).toBe(true);
    expect(list.getAttribute("class")).toBe("hs-selected-files grid");
  });
});
