// POST /_event/<State.handler> from htmx: runs the handler, saves, answers with the root.

import { afterEach, beforeEach, describe, expect, spyOn, test, type Mock } from "bun:test";
import { APP_SECRET, countIn, newApp, newSession, postEvent, probeCount, received, shownCount } from "./fixture";
import { csrfToken } from "../../src/state/session";

describe("events", () => {
  test("an increment answers 200 with the re-rendered root showing the new count", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "CounterState.increment", { session, args: "[1]" });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toStartWith("text/html");
    const html = await response.text();
    // The root's inner HTML only: htmx morphs it into #hs-root.
    expect(html).not.toContain("<html");
    expect(html).not.toContain('id="hs-root"');
    expect(countIn(html)).toBe(1);
  });

  test("the state an event changed is saved for the next page load", async () => {
    const app = newApp();
    const session = await newSession(app);
    await postEvent(app, "CounterState.increment", { session, args: "[5]" });
    await postEvent(app, "CounterState.increment", { session, args: "[-2]" });
    expect(await shownCount(app, session)).toBe(3);
  });

  test("a handler with no arguments runs when hs-args is absent", async () => {
    const app = newApp();
    const session = await newSession(app);
    await postEvent(app, "CounterState.increment", { session, args: "[4]" });
    const response = await postEvent(app, "CounterState.reset", { session });
    expect(countIn(await response.text())).toBe(0);
  });

  test("the answer renders the page the event came from", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "Probe.record", { session, args: "[]", page: "/probe?from=test" });
    expect(await response.text()).toBe('<p id="probe-count">1</p>');
  });

  test("fifty concurrent increments of one session lose no update", async () => {
    const app = newApp();
    const session = await newSession(app);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => postEvent(app, "CounterState.increment", { session, args: "[1]" })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(await shownCount(app, session)).toBe(50);
  });

  test("the handler receives the JSON arguments as given", async () => {
    const app = newApp();
    const session = await newSession(app);
    await postEvent(app, "Probe.record", { session, args: '[1, "two", {"three": [3]}, null]', page: "/probe" });
    expect(received.args).toEqual([1, "two", { three: [3] }, null]);
  });

  test("an event sent as multipart form data works too", async () => {
    const app = newApp();
    const session = await newSession(app);
    const body = new FormData();
    body.set("hs-args", "[7]");
    const response = await app.handle(
      new Request("http://localhost/_event/CounterState.increment", {
        method: "POST",
        headers: { "HX-Request": "true", "HX-Current-URL": "http://localhost/counter", Cookie: `hs_session=${session}` },
        body,
      }),
    );
    expect(response.status).toBe(200);
    expect(countIn(await response.text())).toBe(7);
  });

  test("an htmx event without HX-Current-URL is 400 and says why", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await app.handle(
      new Request("http://localhost/_event/CounterState.reset", {
        method: "POST",
        headers: { "HX-Request": "true", Cookie: `hs_session=${session}` },
      }),
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("HX-Current-URL");
  });

});

describe("client actions a handler returns", () => {
  test("ride in HX-Trigger as the hs:actions event, whose detail htmx sets to the list of actions", async () => {
    // htmx 4 dispatches each key of an HX-Trigger object with its value as the event's detail;
    // the client script (src/client/actions.ts) reads that detail as the array of actions.
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "Probe.clearTray", { session, args: "[]", page: "/probe" });
    expect(response.status).toBe(200);
    const trigger = JSON.parse(response.headers.get("HX-Trigger") ?? "{}");
    expect(trigger["hs:actions"]).toEqual([{ type: "clearSelectedFiles", id: "photos" }]);
  });

  test("a redirect is sent as HX-Redirect", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "Probe.leave", { session, args: '["/counter"]', page: "/probe" });
    expect(response.headers.get("HX-Redirect")).toBe("/counter");
  });

  test("a form posted without JavaScript follows a redirect to a local path", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await app.handle(
      new Request("http://localhost/_event/Probe.leave", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: `hs_session=${session}` },
        body: new URLSearchParams({ "hs-args": '["/counter"]', "hs-csrf": csrfToken(APP_SECRET, session) }),
      }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/counter");
  });

  test("no actions, no HX-Trigger", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "CounterState.increment", { session, args: "[1]" });
    expect(response.headers.get("HX-Trigger")).toBeNull();
  });
});

describe("a handler that throws", () => {
  let logged: Mock<typeof console.error>;
  beforeEach(() => {
    logged = spyOn(console, "error").mockImplementation(() => {});
  });
  afterEach(() => logged.mockRestore());

  test("answers with the page and a banner naming the handler and its message", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "Probe.incrementThenFail", { session, page: "/probe" });
    const html = await response.text();
    const banner = /<div class="hs-error" role="alert">([^<]*)<\/div>/.exec(html)?.[1];
    expect(banner).toContain("Probe.incrementThenFail");
    expect(banner).toContain("the printer is on fire");
    expect(html).toContain('<p id="probe-count">0</p>');
  });

  test("leaves the state exactly as it was before the event", async () => {
    const app = newApp();
    const session = await newSession(app);
    await postEvent(app, "Probe.record", { session, args: "[]", page: "/probe" });
    await postEvent(app, "Probe.incrementThenFail", { session, page: "/probe" });
    expect(await probeCount(app, session)).toBe(1);
  });

  test("the next event is served normally, without the banner", async () => {
    const app = newApp();
    const session = await newSession(app);
    await postEvent(app, "Probe.incrementThenFail", { session, page: "/probe" });
    const response = await postEvent(app, "Probe.record", { session, args: "[]", page: "/probe" });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toContain('role="alert"');
    expect(html).toBe('<p id="probe-count">1</p>');
  });

  test("an error message with markup is shown as text", async () => {
    const app = newApp();
    const session = await newSession(app);
    const html = await (await postEvent(app, "Probe.fail", { session, args: '["<img src=x onerror=alert(1)>"]', page: "/probe" })).text();
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  test("the failure is logged on the server with the handler's name", async () => {
    const app = newApp();
    const session = await newSession(app);
    await postEvent(app, "Probe.incrementThenFail", { session, page: "/probe" });
    expect(String(logged.mock.calls[0]?.[0])).toContain("Probe.incrementThenFail");
  });
});

describe("a background handler", () => {
  test("answers htmx with nothing to swap, so a render of the state before its first update cannot undo that update on the page", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "CounterState.runTask", { session, args: "[]" });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    // It runs all the same: the state moves on, as the stream shows every tab.
    let html = "";
    for (let tries = 0; tries < 50 && !html.includes("Status: running"); tries++) {
      await Bun.sleep(20);
      html = await (await app.handle(new Request("http://localhost/counter", { headers: { Cookie: `hs_session=${session}` } }))).text();
    }
    expect(html).toContain("Status: running");
  });
});
