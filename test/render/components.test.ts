// The layout components: style props folded into `style`, events into
// attributes. Output is parsed with happy-dom so attribute escaping is
// read the way a browser reads it.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Window } from "happy-dom";
import { uploadActionText } from "../../src/upload/zone/signing";
import { clearSelectedFiles, events } from "../../src/events/refs";
import { withRenderScope } from "../../src/render/context";
import { isSigned } from "../../src/state/session";
import { Box, Button, Center, Grid, HStack, Icon, Image, Progress, Text, Video, VStack } from "../../src/render/components";
import { State } from "../../src/state/state";

class Gallery extends State {
  static on = events(this);
  async upload(_files: unknown, album: string) {
    void album;
  }
  async select(index: number) {
    void index;
  }
}

const window = new Window();

/** The first element the HTML renders. */
function parse(html: JSX.Element): Element {
  const template = window.document.createElement("template");
  template.innerHTML = html as string;
  const element = template.content.firstElementChild;
  if (!element) throw new Error(`Rendered no element: ${String(html)}`);
  return element as unknown as Element;
}

/** The element's inline style as name -> value. */
function styleOf(element: Element): Record<string, string> {
  const declarations: Record<string, string> = {};
  for (const part of (element.getAttribute("style") ?? "").split(";")) {
    const colon = part.indexOf(":");
    if (colon > 0) declarations[part.slice(0, colon)] = part.slice(colon + 1);
  }
  return declarations;
}

describe("style props", () => {
  test("border, padding, color, bg and width become CSS declarations, bg as background", () => {
    const box = parse(Box({ border: "1px solid red", padding: "2px", color: "navy", bg: "white", width: "10rem", children: "x" }));
    expect(styleOf(box)).toEqual({ border: "1px solid red", padding: "2px", color: "navy", background: "white", width: "10rem" });
  });

  test("camelCase style props and style object keys become kebab-case", () => {
    const box = parse(Box({ borderRadius: "4px", maxWidth: "30rem", style: { backgroundColor: "red", zIndex: 2 } }));
    expect(styleOf(box)).toEqual({ "border-radius": "4px", "max-width": "30rem", "background-color": "red", "z-index": "2" });
  });

  test("align and justify take Reflex's words", () => {
    const box = parse(Box({ align: "start", justify: "between" }));
    expect(styleOf(box)).toEqual({ "align-items": "flex-start", "justify-content": "space-between" });
  });

  test("an element with no style props has no style attribute", () => {
    expect(parse(Box({ children: "x" })).hasAttribute("style")).toBe(false);
  });

  test("a style value with a quote stays inside the style attribute", () => {
    const box = parse(Box({ color: 'red" onclick="alert(1)', children: "x" }));
    expect(box.hasAttribute("onclick")).toBe(false);
    expect(styleOf(box).color).toBe('red" onclick="alert(1)');
  });

  test("style props are not passed on as attributes", () => {
    const box = parse(Box({ padding: "1px", bg: "red", id: "panel", "data-role": "main" }));
    expect(box.hasAttribute("padding")).toBe(false);
    expect(box.hasAttribute("bg")).toBe(false);
    expect(box.id).toBe("panel");
    expect(box.getAttribute("data-role")).toBe("main");
  });
});

describe("layout components", () => {
  test("VStack is a flex column with a spacing gap, and the props' styles after", () => {
    const stack = parse(VStack({ spacing: "4", padding: "1rem", children: ["<p>a</p>", "<p>b</p>"] }));
    expect(stack.tagName).toBe("DIV");
    expect(styleOf(stack)).toEqual({ display: "flex", "flex-direction": "column", gap: "1rem", padding: "1rem" });
    expect(stack.children.length).toBe(2);
  });

  test("HStack is a wrapping flex row centred on the cross axis", () => {
    const stack = parse(HStack({ spacing: "2rem", children: "x" }));
    expect(styleOf(stack)).toMatchObject({ display: "flex", "flex-direction": "row", "align-items": "center", gap: "2rem" });
  });

  test("a style prop overrides a component's own declaration", () => {
    expect(styleOf(parse(HStack({ align: "end" })))["align-items"]).toBe("flex-end");
  });

  test("Center centres both ways", () => {
    expect(styleOf(parse(Center({ children: "x" })))).toEqual({ display: "flex", "align-items": "center", "justify-content": "center" });
  });

  test("Grid lays out the given number of equal columns", () => {
    const grid = parse(Grid({ columns: "3", spacing: "1", children: "x" }));
    expect(styleOf(grid)).toEqual({ display: "grid", "grid-template-columns": "repeat(3, minmax(0, 1fr))", gap: "0.25rem" });
    expect(grid.hasAttribute("columns")).toBe(false);
  });

  test("Text renders the tag it is asked for, a paragraph by default", () => {
    expect(parse(Text({ children: "hi" })).tagName).toBe("P");
    const heading = parse(Text({ as: "h2", fontWeight: 700, children: "Title" }));
    expect(heading.tagName).toBe("H2");
    expect(heading.textContent).toBe("Title");
    expect(styleOf(heading)).toEqual({ margin: "0", "font-weight": "700" });
  });

  test("Image and Video keep their sources and never overflow", () => {
    const image = parse(Image({ src: "/_upload/a.png", alt: "A cat", width: "4rem" }));
    expect(image.tagName).toBe("IMG");
    expect(image.getAttribute("src")).toBe("/_upload/a.png");
    expect(image.getAttribute("alt")).toBe("A cat");
    expect(styleOf(image)).toEqual({ "max-width": "100%", width: "4rem" });
    expect(parse(Image({ src: "/a.png" })).getAttribute("alt")).toBe("");
    const video = parse(Video({ src: "/_upload/a.mp4" }));
    expect(video.tagName).toBe("VIDEO");
    expect(video.hasAttribute("controls")).toBe(true);
    expect(video.getAttribute("src")).toBe("/_upload/a.mp4");
  });

  test("with safe, text from users is shown as text, not markup", () => {
    const text = parse(Text({ safe: true, children: '<img src=x onerror="alert(1)">' }));
    expect(text.querySelector("img")).toBeNull();
    expect(text.textContent).toBe('<img src=x onerror="alert(1)">');
    expect(text.hasAttribute("safe")).toBe(false);
  });

  test("Progress carries its value, maximum and an accessible label", () => {
    const progress = parse(Progress({ value: 40, label: "Upload" }));
    expect(progress.tagName).toBe("PROGRESS");
    expect(progress.getAttribute("value")).toBe("40");
    expect(progress.getAttribute("max")).toBe("100");
    expect(progress.getAttribute("aria-label")).toBe("Upload");
  });
});

describe("Icon", () => {
  const lucideIcons = join(dirname(createRequire(import.meta.url).resolve("lucide-static/package.json")), "icons");

  test("renders the paths of the lucide icon named in Reflex's snake_case", () => {
    const icon = parse(Icon({ tag: "cloud_upload" }));
    const source = readFileSync(join(lucideIcons, "cloud-upload.svg"), "utf8");
    const expected = [...source.matchAll(/<path d="([^"]+)"/g)].map((match) => match[1]);
    expect(expected.length).toBeGreaterThan(0);
    expect([...icon.querySelectorAll("path")].map((path) => path.getAttribute("d"))).toEqual(expected);
    expect(icon.tagName.toLowerCase()).toBe("svg");
    expect(icon.getAttribute("viewBox")).toBe("0 0 24 24");
    expect(icon.getAttribute("class")).toContain("lucide-cloud-upload");
  });

  test("is hidden from screen readers without a label, and an image with one", () => {
    expect(parse(Icon({ tag: "cloud_upload" })).getAttribute("aria-hidden")).toBe("true");
    const labelled = parse(Icon({ tag: "cloud-upload", label: "Upload" }));
    expect(labelled.getAttribute("role")).toBe("img");
    expect(labelled.getAttribute("aria-label")).toBe("Upload");
    expect(labelled.hasAttribute("aria-hidden")).toBe(false);
  });

  test("takes its size as width and height", () => {
    expect(styleOf(parse(Icon({ tag: "cloud_upload", size: "3rem" })))).toEqual({ width: "3rem", height: "3rem" });
  });

  test("refuses a name that is a path", () => {
    expect(() => Icon({ tag: "../x" })).toThrow("Not an icon name");
    expect(() => Icon({ tag: "../../package" })).toThrow("Not an icon name");
    expect(() => Icon({ tag: "icons/x" })).toThrow("Not an icon name");
    expect(() => Icon({ tag: "" })).toThrow("Not an icon name");
  });

  test("says where to look for an icon that does not exist", () => {
    expect(() => Icon({ tag: "no_such_icon_here" })).toThrow("https://lucide.dev/icons");
  });
});

describe("events on components", () => {
  test("a Button with onClick posts its handler with htmx and morphs the root", () => {
    const button = parse(Button({ onClick: Gallery.on.select(2), children: "Pick" }));
    expect(button.getAttribute("hx-post")).toBe("/_event/Gallery.select");
    expect(JSON.parse(button.getAttribute("hx-vals")!)).toEqual({ "hs-args": "[2]" });
    expect(button.getAttribute("hx-target")).toBe("#hs-root");
    expect(button.getAttribute("hx-swap")).toBe("innerMorph");
    expect(button.getAttribute("hx-trigger")).toBe("click");
    expect(button.textContent).toBe("Pick");
  });

  test("without JavaScript a Button with onClick submits the page's events form to its handler, its arguments as its value", () => {
    const button = parse(Button({ onClick: Gallery.on.select(2), children: "Pick" }));
    expect(button.getAttribute("type")).toBe("submit");
    expect(button.getAttribute("form")).toBe("hs-events");
    expect(button.getAttribute("formaction")).toBe("/_event/Gallery.select");
    expect(button.getAttribute("formmethod")).toBe("post");
    expect(button.getAttribute("name")).toBe("hs-args");
    expect(button.getAttribute("value")).toBe("[2]");
  });

  test("a Button without onClick stays a plain button that submits nothing", () => {
    const button = parse(Button({ children: "Nothing" }));
    expect(button.getAttribute("type")).toBe("button");
    expect(button.hasAttribute("form")).toBe(false);
  });

  test("every event waits for the page's earlier events, so they reach the server in order", () => {
    expect(parse(Button({ onClick: Gallery.on.select(2), children: "Pick" })).getAttribute("hx-sync")).toBe("#hs-root:queue all");
  });

  test("onChange fires on the change event", () => {
    expect(parse(Box({ onChange: Gallery.on.select(1) })).getAttribute("hx-trigger")).toBe("change");
  });

  test("arguments with quotes and markup survive the attribute", () => {
    const button = parse(Button({ onClick: Gallery.on.upload(null, `"><script>x</script>`), children: "x" }));
    expect(button.querySelector("script")).toBeNull();
    expect(JSON.parse(JSON.parse(button.getAttribute("hx-vals")!)["hs-args"])).toEqual([null, `"><script>x</script>`]);
  });

  test("a client action renders as data-hs-action, with no request", () => {
    const button = parse(Button({ onClick: clearSelectedFiles("a"), children: "Clear" }));
    expect(JSON.parse(button.getAttribute("data-hs-action")!)).toEqual([{ type: "clearSelectedFiles", id: "a" }]);
    expect(button.hasAttribute("hx-post")).toBe(false);
  });

  test("several client actions render in order", () => {
    const button = parse(Button({ onClick: [clearSelectedFiles("a"), clearSelectedFiles("b")] }));
    expect(JSON.parse(button.getAttribute("data-hs-action")!).map((action: { id: string }) => action.id)).toEqual(["a", "b"]);
  });

  test("an onClick that is neither a reference nor an action is refused", () => {
    expect(() => Button({ onClick: { type: "launchMissiles" } as never })).toThrow("Expected an event reference or client actions");
  });

  test("a reference carrying an upload marker submits the upload's form to /_upload, signed for the session", () => {
    const scope = { url: new URL("http://localhost/"), params: {}, csrfToken: "t", signingKey: "k", zoneDefaults: {}, use: () => { throw new Error("unused"); } };
    const button = parse(withRenderScope(scope, () => Button({ onClick: Gallery.on.upload({ $upload: "u1" }, "holidays"), children: "Upload" })) as string);
    expect(button.getAttribute("type")).toBe("submit");
    expect(button.getAttribute("form")).toBe("hs-form-u1");
    expect(button.getAttribute("formmethod")).toBe("post");
    expect(button.getAttribute("formenctype")).toBe("multipart/form-data");
    expect(button.hasAttribute("hx-post")).toBe(false);
    const action = new URL(button.getAttribute("formaction")!, "http://localhost");
    expect(action.pathname).toBe("/_upload");
    expect(action.searchParams.get("id")).toBe("u1");
    expect(action.searchParams.get("handler")).toBe("Gallery.upload");
    expect(JSON.parse(action.searchParams.get("args")!)).toEqual([{ $upload: "u1" }, "holidays"]);
    const text = uploadActionText({ id: "u1", handler: "Gallery.upload", args: action.searchParams.get("args")!, progress: "" });
    expect(isSigned("k", text, action.searchParams.get("sig"))).toBe(true);
  });
});
