// Requests another site makes the browser send are refused; forms that post
// without JavaScript carry the page's token and come back with a 303.

import { describe, expect, test } from "bun:test";
import { APP_SECRET, newApp, newSession, postEvent, shownCount, type App } from "./fixture";
import { csrfToken } from "../../src/state/session";

/** A form posted by the browser itself: no HX-Request, urlencoded fields. */
function postForm(app: App, session: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return app.handle(
    new Request("http://localhost/_event/CounterState.increment", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: `hs_session=${session}`, ...headers },
      body: new URLSearchParams(fields),
    }),
  );
}

function tokenOf(app: App, session: string): string {
  return csrfToken(APP_SECRET, session);
}

describe("cross-site requests", () => {
  test("an event with another site's Origin is 403 and changes nothing", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "CounterState.increment", { session, args: "[1]", headers: { Origin: "http://evil.example" } });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("http://evil.example");
    expect(await shownCount(app, session)).toBe(0);
  });

  test("an event with this site's Origin runs", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "CounterState.increment", { session, args: "[1]", headers: { Origin: "http://localhost" } });
    expect(response.status).toBe(200);
    expect(await shownCount(app, session)).toBe(1);
  });

  test("an Origin that differs only in scheme or port is refused", async () => {
    const app = newApp();
    const session = await newSession(app);
    for (const origin of ["https://localhost", "http://localhost:8080", "null"]) {
      const response = await postEvent(app, "CounterState.increment", { session, args: "[1]", headers: { Origin: origin } });
      expect({ origin, status: response.status }).toEqual({ origin, status: 403 });
    }
    expect(await shownCount(app, session)).toBe(0);
  });

  test("an event marked Sec-Fetch-Site: cross-site is 403 and changes nothing", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "CounterState.increment", { session, args: "[1]", headers: { "Sec-Fetch-Site": "cross-site" } });
    expect(response.status).toBe(403);
    expect(await shownCount(app, session)).toBe(0);
  });

  test("an event marked Sec-Fetch-Site: same-origin runs", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "CounterState.increment", { session, args: "[1]", headers: { "Sec-Fetch-Site": "same-origin" } });
    expect(response.status).toBe(200);
  });
});

describe("forms posted without JavaScript", () => {
  test("a form without the token is 403 and changes nothing", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postForm(app, session, { "hs-args": "[1]", "hs-return": "/counter" });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("reload the page");
    expect(await shownCount(app, session)).toBe(0);
  });

  test("a form with another session's token is 403", async () => {
    const app = newApp();
    const session = await newSession(app);
    const other = await newSession(app);
    const response = await postForm(app, session, { "hs-args": "[1]", "hs-csrf": tokenOf(app, other) });
    expect(response.status).toBe(403);
    expect(await shownCount(app, session)).toBe(0);
  });

  test("a form with the session's token runs the handler and answers 303 to hs-return", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postForm(app, session, { "hs-args": "[2]", "hs-csrf": tokenOf(app, session), "hs-return": "/counter?tab=1" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/counter?tab=1");
    expect(await shownCount(app, session)).toBe(2);
  });

  test("without hs-return the form goes back to the same-origin Referer", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postForm(app, session, { "hs-args": "[1]", "hs-csrf": tokenOf(app, session) }, { Referer: "http://localhost/counter?x=1" });
    expect(response.headers.get("Location")).toBe("/counter?x=1");
  });

  test("a Referer from another site is not followed", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postForm(app, session, { "hs-args": "[1]", "hs-csrf": tokenOf(app, session) }, { Referer: "http://evil.example/page" });
    expect(response.headers.get("Location")).toBe("/");
  });

  test("an hs-return on another site is not followed", async () => {
    const app = newApp();
    const session = await newSession(app);
    for (const returnTo of ["//evil.example", "http://evil.example", "https://evil.example/counter", "/\\evil.example", "javascript:alert(1)"]) {
      const response = await postForm(app, session, { "hs-args": "[1]", "hs-csrf": tokenOf(app, session), "hs-return": returnTo });
      expect(response.status).toBe(303);
      expect({ returnTo, location: response.headers.get("Location") }).toEqual({ returnTo, location: "/" });
    }
  });

  test("an hs-return a browser would read as another site is not followed", async () => {
    // Browsers drop tabs and newlines from URLs (WHATWG URL), so "/\t/evil.example" becomes "//evil.example".
    const app = newApp();
    const session = await newSession(app);
    for (const returnTo of ["/\t/evil.example", "/\t\t/evil.example/counter"]) {
      const response = await postForm(app, session, { "hs-args": "[1]", "hs-csrf": tokenOf(app, session), "hs-return": returnTo });
      const target = new URL(response.headers.get("Location") ?? "", "http://localhost/counter");
      expect({ returnTo, origin: target.origin }).toEqual({ returnTo, origin: "http://localhost" });
    }
  });

  test("the token a form needs is the one the runtime gives the session", async () => {
    const app = newApp();
    const session = await newSession(app);
    const token = tokenOf(app, session);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenOf(app, session)).toBe(token);
    expect(tokenOf(app, await newSession(app))).not.toBe(token);
  });
});
