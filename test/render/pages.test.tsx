// Pages through the app: parameters reach the page and its handlers, each
// page has its own title and head, unknown paths get a 404 page the app can
// replace, and public/ files are served without escaping their folder.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Elysia } from "elysia";
import { hyperstate, type HyperstateOptions } from "../../src/app";
import { eventPage } from "../../src/state/event-page";
import { events } from "../../src/events/refs";
import { Button } from "../../src/render/components";
import type { PageContext } from "../../src/render/context";
import { State } from "../../src/state/state";
import { csrfToken } from "../../src/state/session";

class Items extends State {
  static on = events(this);
  opened: string[] = [];

  async open(id: string) {
    this.opened.push(`${id} from ${eventPage().url.pathname} (${eventPage().params.id})`);
  }
}

function ItemPage({ params, use }: PageContext): JSX.Element {
  return (
    <main>
      <h1 id="item" safe>{`Item ${params.id}`}</h1>
      <Button onClick={Items.on.open(params.id!)}>Open</Button>
      <ul>
        {use(Items).opened.map((line) => (
          <li safe>{line}</li>
        ))}
      </ul>
    </main>
  );
}

let root: string;
let publicDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "hs-pages-"));
  publicDir = join(root, "public");
  await mkdir(join(publicDir, "css"), { recursive: true });
  await writeFile(join(publicDir, "css", "site.css"), "body { color: teal }");
  await writeFile(join(publicDir, "page.html"), "<script>alert(1)</script>");
  await writeFile(join(root, "secret.txt"), "do not serve");
});

afterAll(() => rm(root, { recursive: true, force: true }));

const SECRET = "test secret";

function newApp(options: Partial<HyperstateOptions> = {}) {
  return new Elysia().use(
    hyperstate({
      states: [Items],
      title: "The shop",
      pages: {
        "/": () => <p>home</p>,
        "/items/:id": { page: ItemPage, title: ({ params }) => `Item ${params.id} <b>`, head: () => <meta name="description" content="An item" /> },
        "/about": { page: () => <p>about</p>, title: "About us" },
      },
      secret: SECRET,
      publicDir,
      ...options,
    }),
  );
}

type App = ReturnType<typeof newApp>;

const get = (app: App, path: string, headers: Record<string, string> = {}) => app.handle(new Request(`http://localhost${path}`, { headers }));

async function sessionOf(app: App): Promise<string> {
  const cookie = (await get(app, "/")).headers.get("Set-Cookie") ?? "";
  return /^hs_session=([^;]+)/.exec(cookie)![1]!;
}

describe("path parameters", () => {
  test("reach the page as ctx.params, decoded", async () => {
    const html = await (await get(newApp(), "/items/blue%20hat")).text();
    expect(html).toContain('<h1 id="item">Item blue hat</h1>');
  });

  test("reach a handler as its arguments, and eventPage() names the page the event came from", async () => {
    const app = newApp();
    const session = await sessionOf(app);
    const response = await app.handle(
      new Request("http://localhost/_event/Items.open", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true", "HX-Current-URL": "http://localhost/items/42", Cookie: `hs_session=${session}` },
        body: new URLSearchParams({ "hs-args": '["42"]' }),
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("<li>42 from /items/42 (42)</li>");
  });

  test("a native post learns its page from the path it returns to", async () => {
    const app = newApp();
    const session = await sessionOf(app);
    const response = await app.handle(
      new Request("http://localhost/_event/Items.open", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: `hs_session=${session}` },
        body: new URLSearchParams({ "hs-args": '["9"]', "hs-csrf": csrfToken(SECRET, session), "hs-return": "/items/9" }),
      }),
    );
    expect(response.status).toBe(303);
    expect(await (await get(app, "/items/9", { Cookie: `hs_session=${session}` })).text()).toContain("<li>9 from /items/9 (9)</li>");
  });

  test("eventPage() outside a handler says where it works", () => {
    expect(() => eventPage()).toThrow("only inside a handler");
  });
});

describe("titles and heads", () => {
  test("each page has its own title, made from its params and escaped", async () => {
    expect(await (await get(newApp(), "/items/7")).text()).toContain("<title>Item 7 &lt;b&gt;</title>");
    expect(await (await get(newApp(), "/about")).text()).toContain("<title>About us</title>");
  });

  test("a page without a title has the app's", async () => {
    expect(await (await get(newApp(), "/")).text()).toContain("<title>The shop</title>");
  });

  test("a page's head goes into <head>", async () => {
    const html = await (await get(newApp(), "/items/7")).text();
    expect(html.slice(0, html.indexOf("</head>"))).toContain('<meta name="description" content="An item"/>');
  });
});

describe("a path no page has", () => {
  test("answers 404 with a page that names the path, escaped", async () => {
    const response = await get(newApp(), "/no/such/<page>");
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toStartWith("text/html");
    const html = await response.text();
    expect(html).toContain("<title>Page not found</title>");
    expect(html).toContain("/no/such/%3Cpage%3E");
    expect(html).not.toContain("<page>");
  });

  test("a parameter path with the wrong number of segments is 404 too", async () => {
    expect((await get(newApp(), "/items/7/edit")).status).toBe(404);
    expect((await get(newApp(), "/items/%E0%A4%A")).status).toBe(404);
  });

  test("the app's own notFound page replaces the default", async () => {
    const app = newApp({ notFound: { page: ({ url }) => <p id="lost" safe>{`Lost at ${url.pathname}`}</p>, title: "Lost" } });
    const response = await get(app, "/somewhere");
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain('<p id="lost">Lost at /somewhere</p>');
    expect(html).toContain("<title>Lost</title>");
  });

  test("notFound: false leaves unknown paths to the app hyperstate is mounted in", async () => {
    const app = new Elysia().use(hyperstate({ states: [], pages: { "/": () => "home" }, notFound: false, publicDir })).get("/own", () => "the app's own");
    expect(await (await app.handle(new Request("http://localhost/own"))).text()).toBe("the app's own");
    expect((await app.handle(new Request("http://localhost/css/site.css"))).status).toBe(404);
  });

  test("does not shadow the app's own routes", async () => {
    const app = newApp().get("/health", () => "ok");
    expect(await (await app.handle(new Request("http://localhost/health"))).text()).toBe("ok");
  });
});

describe("public files", () => {
  test("are served from publicDir at the site's root, with their type and nosniff", async () => {
    const response = await get(newApp(), "/css/site.css");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toStartWith("text/css");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(await response.text()).toBe("body { color: teal }");
  });

  test("an HTML file cannot run script in the site's origin", async () => {
    const response = await get(newApp(), "/page.html");
    expect(response.headers.get("Content-Security-Policy")).toContain("sandbox");
  });

  test("never from outside the folder, encoded or not: those get the 404 page", async () => {
    const app = newApp();
    for (const path of ["/../secret.txt", "/%2e%2e/secret.txt", "/css/..%2f..%2fsecret.txt", "/css/%2e%2e/%2e%2e/secret.txt", "/..%5csecret.txt", "/%00secret.txt"]) {
      const response = await get(app, path);
      const body = await response.text();
      expect({ path, status: response.status, leaked: body.includes("do not serve") }).toEqual({ path, status: 404, leaked: false });
    }
  });

  test("publicDir: false serves none", async () => {
    expect((await get(newApp({ publicDir: false }), "/css/site.css")).status).toBe(404);
  });

  test("a page wins over a file of the same path", async () => {
    await writeFile(join(publicDir, "about"), "the file");
    expect(await (await get(newApp(), "/about")).text()).toContain("<p>about</p>");
  });
});

describe("the demo", () => {
  test("gives each page its own title", async () => {
    const { demo } = await import("../../views/app");
    const app = demo();
    const titles = [];
    for (const path of ["/", "/counter", "/todos", "/basic", "/multiple", "/video", "/customized", "/unstyled", "/progress", "/chunked"]) {
      const html = await (await app.handle(new Request(`http://localhost${path}`))).text();
      titles.push(/<title>([^<]*)<\/title>/.exec(html)?.[1]);
    }
    expect(new Set(titles).size).toBe(titles.length);
    expect(titles).toContain("Todos · hyperstate");
  });
});

describe("the fallback for unknown paths", () => {
  test("leaves every route of hyperstate's own to it, for GET and HEAD too", async () => {
    const app = newApp();
    const options = await app.handle(new Request("http://localhost/_tus/no-such-upload", { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } }));
    expect(options.headers.get("Tus-Resumable")).toBe("1.0.0");
    const asset = await get(app, "/_hyperstate/hyperstate.css");
    expect(asset.headers.get("Content-Type")).toStartWith("text/css");
  });

  test("answers another method on an unknown path with a plain 404", async () => {
    const response = await newApp().handle(new Request("http://localhost/nowhere", { method: "DELETE" }));
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("Not found");
  });
});
