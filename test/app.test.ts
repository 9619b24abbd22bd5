// The plugin as a whole, through app.handle: sessions, pages and assets.

import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { Elysia } from "elysia";
import { hyperstate } from "../src/app";
import { ASSET_VERSION } from "../src/render/assets";
import { events } from "../src/events/refs";
import type { PageContext } from "../src/render/context";
import { State } from "../src/state/state";

class Tally extends State {
  static on = events(this);
  count = 0;

  async increment(by: number) {
    this.count += by;
  }
}

function TallyPage({ use }: PageContext): JSX.Element {
  return `<p id="count">${use(Tally).count}</p>`;
}

function newApp() {
  return new Elysia().use(hyperstate({ title: "tally", states: [Tally], pages: { "/tally": TallyPage } }));
}

type App = ReturnType<typeof newApp>;

function sessionFrom(response: Response): string {
  const cookie = response.headers.get("Set-Cookie") ?? "";
  const match = /^hs_session=([^;]+)/.exec(cookie);
  if (!match) throw new Error(`No session cookie in ${JSON.stringify(cookie)}`);
  return match[1]!;
}

async function newSession(app: App): Promise<string> {
  return sessionFrom(await app.handle(new Request("http://localhost/tally")));
}

async function increment(app: App, session: string, by: number): Promise<Response> {
  return app.handle(
    new Request("http://localhost/_event/Tally.increment", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "HX-Request": "true",
        "HX-Current-URL": "http://localhost/tally",
        Cookie: `hs_session=${session}`,
      },
      body: new URLSearchParams({ "hs-args": JSON.stringify([by]) }),
    }),
  );
}

async function countShown(app: App, session: string): Promise<string | undefined> {
  const response = await app.handle(new Request("http://localhost/tally", { headers: { Cookie: `hs_session=${session}` } }));
  return /<p id="count">(-?\d+)<\/p>/.exec(await response.text())?.[1];
}

describe("sessions", () => {
  test("the first page load sets an HttpOnly, SameSite=Lax session cookie for the whole site", async () => {
    const response = await newApp().handle(new Request("http://localhost/tally"));
    const cookie = response.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/^hs_session=[^;]+; /);
    expect(cookie).toContain("; HttpOnly");
    expect(cookie).toContain("; SameSite=Lax");
    expect(cookie).toContain("; Path=/");
    expect(cookie).not.toContain("Secure");
  });

  test("the session id has at least 128 bits in URL-safe characters, and two sessions differ", async () => {
    const app = newApp();
    const first = await newSession(app);
    const second = await newSession(app);
    expect(first).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(first.length * 6).toBeGreaterThanOrEqual(128);
    expect(second).not.toBe(first);
  });

  test("the session cookie is Secure when the page is served over https", async () => {
    const response = await newApp().handle(new Request("https://localhost/tally"));
    expect(response.headers.get("Set-Cookie")).toContain("; Secure");
  });

  test("a request with a valid session cookie gets no new cookie", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await app.handle(new Request("http://localhost/tally", { headers: { Cookie: `hs_session=${session}` } }));
    expect(response.headers.get("Set-Cookie")).toBeNull();
  });

  test("a malformed session cookie gets a new session", async () => {
    const app = newApp();
    for (const value of ["abc", "../../etc/passwd", `${"a".repeat(42)}!`]) {
      const response = await app.handle(new Request("http://localhost/tally", { headers: { Cookie: `hs_session=${value}` } }));
      const id = sessionFrom(response);
      expect(id).not.toBe(value);
      expect(id.length * 6).toBeGreaterThanOrEqual(128);
    }
  });

  test("each session has its own state", async () => {
    const app = newApp();
    const alice = await newSession(app);
    const bob = await newSession(app);
    await increment(app, alice, 5);
    await increment(app, bob, 2);
    await increment(app, alice, 1);
    expect(await countShown(app, alice)).toBe("6");
    expect(await countShown(app, bob)).toBe("2");
  });

  test("an event from a browser without a session starts one and answers with its cookie", async () => {
    const app = newApp();
    const response = await app.handle(
      new Request("http://localhost/_event/Tally.increment", {
        method: "POST",
        headers: { "HX-Request": "true", "HX-Current-URL": "http://localhost/tally" },
      }),
    );
    expect(response.status).toBe(200);
    expect(sessionFrom(response)).toMatch(/^[A-Za-z0-9_-]{22,}$/);
  });
});

describe("pages", () => {
  test("a page is a whole document with the title, the scripts and the rendered state", async () => {
    const response = await newApp().handle(new Request("http://localhost/tally"));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toStartWith("text/html");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const html = await response.text();
    expect(html).toStartWith("<!doctype html>");
    expect(html).toContain("<title>tally</title>");
    expect(html).toContain(`<script src="/_hyperstate/htmx.js?v=${ASSET_VERSION}"`);
    expect(html).toContain(`<script src="/_hyperstate/hyperstate.js?v=${ASSET_VERSION}"`);
    expect(html).toContain('<p id="count">0</p>');
  });

  test("the page root names its tab and opens the stream for this page", async () => {
    const html = await (await newApp().handle(new Request("http://localhost/tally?x=1"))).text();
    const tab = /data-hs-tab="([^"]+)"/.exec(html)?.[1];
    expect(tab).toMatch(/^[\w-]{16,64}$/);
    const stream = /hx-sse:connect="([^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&");
    expect(stream).toBe(`/_stream?tab=${tab}&page=%2Ftally%3Fx%3D1`);
  });

  test("every load of a page gets a new tab id", async () => {
    const app = newApp();
    const tabOf = async () => /data-hs-tab="([^"]+)"/.exec(await (await app.handle(new Request("http://localhost/tally"))).text())?.[1];
    expect(await tabOf()).not.toBe(await tabOf());
  });

  test("a path that is not a page is 404", async () => {
    const response = await newApp().handle(new Request("http://localhost/nothing-here"));
    expect(response.status).toBe(404);
  });
});

describe("assets", () => {
  test("serves htmx and the stylesheet with an ETag, and 304 when it matches", async () => {
    const app = newApp();
    const htmx = await app.handle(new Request("http://localhost/_hyperstate/htmx.js"));
    expect(htmx.status).toBe(200);
    expect(htmx.headers.get("Content-Type")).toStartWith("text/javascript");
    expect((await htmx.text()).length).toBeGreaterThan(1000);
    const css = await app.handle(new Request("http://localhost/_hyperstate/hyperstate.css"));
    expect(css.headers.get("Content-Type")).toStartWith("text/css");
    const etag = css.headers.get("ETag")!;
    const again = await app.handle(new Request("http://localhost/_hyperstate/hyperstate.css", { headers: { "If-None-Match": etag } }));
    expect(again.status).toBe(304);
  });

  test("htmx.js carries htmx and its SSE extension in one file, so the stream can never miss its extension", async () => {
    const text = await (await newApp().handle(new Request("http://localhost/_hyperstate/htmx.js"))).text();
    expect(text).toStartWith("var htmx=");
    expect(text).toContain('registerExtension("sse"');
  });

  test("builds and serves the client script", async () => {
    const response = await newApp().handle(new Request("http://localhost/_hyperstate/hyperstate.js"));
    expect(response.status).toBe(200);
    expect((await response.text()).length).toBeGreaterThan(500);
  });

  test("serves the checksum worker, which answers a chunk with its SHA-256 in base64, as Upload-Checksum wants it", async () => {
    const response = await newApp().handle(new Request("http://localhost/_hyperstate/hash-worker.js"));
    expect(response.headers.get("Content-Type")).toStartWith("text/javascript");
    const worker = new Worker(URL.createObjectURL(new Blob([await response.text()], { type: "text/javascript" })));
    try {
      const answer = new Promise<unknown>((resolve) => worker.addEventListener("message", (event) => resolve(event.data)));
      worker.postMessage({ id: 7, chunk: new Blob(["0123"]) });
      expect(await answer).toEqual({ id: 7, digest: createHash("sha256").update("0123").digest("base64") });
    } finally {
      worker.terminate();
    }
  });

  test("an asset name it does not know is 404, not a file read", async () => {
    const app = newApp();
    expect((await app.handle(new Request("http://localhost/_hyperstate/package.json"))).status).toBe(404);
    expect((await app.handle(new Request("http://localhost/_hyperstate/%2E%2E%2Fpackage.json"))).status).toBe(404);
  });
});

describe("what the plugin gives the app", () => {
  test("nothing in the context of the app's own handlers: no runtime, no secret", async () => {
    const app = new Elysia()
      .use(hyperstate({ states: [], pages: {}, secret: "not for the app's handlers" }))
      .get("/own", (context) => JSON.stringify(Object.keys(context)));
    const keys: string[] = JSON.parse(await (await app.handle(new Request("http://localhost/own"))).text());
    expect(keys).not.toContain("hyperstate");
    expect(JSON.stringify(app.decorator)).not.toContain("not for the app's handlers");
  });

  test("render, for pages the app renders itself", () => {
    expect(typeof hyperstate({ states: [], pages: {} }).render).toBe("function");
  });
});
