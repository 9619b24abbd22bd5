// What a form sends to POST /_event besides the fixed arguments, and what
// reaches the handler: the fields as an object, one field's value, field
// errors; and what is refused, with a 4xx that changes nothing.

import { describe, expect, test } from "bun:test";
import { FORM_APP_SECRET, got, newFormApp, pageHtml, postFields, sessionOf } from "./form-app";
import { csrfToken } from "../../src/state/session";

const FIELDS = JSON.stringify([{ $fields: true }]);

describe("a form's fields", () => {
  test("reach the handler as an object, a checkbox as true", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    const response = await postFields(app, "Recorder.save", [["hs-args", FIELDS], ["name", "Ada"], ["agree", "on"], ["hs-checkbox", "agree"]], { session });
    expect(response.status).toBe(200);
    expect(got.fields).toEqual({ name: "Ada", agree: true });
  });

  test("an unchecked checkbox arrives as false, though the browser sends nothing for it", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    await postFields(app, "Recorder.save", [["hs-args", FIELDS], ["name", "Ada"], ["hs-checkbox", "agree"]], { session });
    expect(got.fields).toEqual({ name: "Ada", agree: false });
  });

  test("a name sent more than once arrives as the list of its values", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    await postFields(app, "Recorder.save", [["hs-args", FIELDS], ["name", "a"], ["name", "b"]], { session });
    expect(got.fields).toEqual({ name: ["a", "b"] });
  });

  test("checkboxes that share a name arrive as the list of the checked values", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    const sent: [string, string][] = [["hs-args", FIELDS], ["hs-checkbox", "tags"], ["hs-checkbox", "tags"], ["hs-checkbox", "tags"], ["tags", "red"], ["tags", "blue"]];
    await postFields(app, "Recorder.save", sent, { session });
    expect(got.fields).toEqual({ tags: ["red", "blue"] });
  });

  test("come after the fixed arguments where the marker stands", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    await postFields(app, "Recorder.rename", [["hs-args", JSON.stringify([7, { $fields: true }])], ["name", "Grace"]], { session });
    expect(got.args).toEqual([7, { name: "Grace" }]);
  });

  test("hs- fields are the framework's and never reach the handler", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    await postFields(app, "Recorder.save", [["hs-args", FIELDS], ["name", "Ada"], ["hs-return", "/recorder"], ["hs-whatever", "x"]], { session });
    expect(got.fields).toEqual({ name: "Ada" });
  });

  test("a field named like an Object method is an ordinary field", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    await postFields(app, "Recorder.save", [["hs-args", FIELDS], ["toString", "x"], ["hasOwnProperty", "y"]], { session });
    expect(got.fields).toEqual({ toString: "x", hasOwnProperty: "y" });
  });
});

describe("one field's value", () => {
  test("reaches the handler where its marker stands", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    await postFields(app, "Recorder.setName", [["hs-args", JSON.stringify([{ $value: "name" }])], ["name", "Lin"]], { session });
    expect(got.args).toEqual(["Lin"]);
  });

  test("a checkbox's marker becomes whether it is checked, also inside an object", async () => {
    const app = newFormApp();
    const session = await sessionOf(app, "/todos");
    await postFields(app, "TodoState.add", [["hs-args", FIELDS], ["text", "milk"]], { session, page: "/todos" });
    const checked = JSON.stringify([1, { done: { $value: "done", checked: true } }]);
    let html = await (await postFields(app, "TodoState.setDone", [["hs-args", checked], ["done", "on"]], { session, page: "/todos" })).text();
    expect(html).toContain("0 left");
    html = await (await postFields(app, "TodoState.setDone", [["hs-args", checked]], { session, page: "/todos" })).text();
    expect(html).toContain("1 left");
  });
});

describe("field errors", () => {
  test("from htmx: the page comes back with the message next to its field, the field marked invalid and still holding what was typed", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    const response = await postFields(app, "Recorder.refuse", [["hs-args", FIELDS], ["name", "Al"]], { session });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<p class="hs-field-error" id="hs-field-name-error">Pick a &lt;longer&gt; name</p>');
    expect(html).toMatch(/<input[^>]*aria-invalid="true"[^>]*aria-describedby="hs-field-name-error"[^>]*value="Al"/);
  });

  test("without JavaScript: 422 with the whole page, the message and what was typed, instead of a redirect that would lose them", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    const response = await postFields(app, "Recorder.refuse", [["hs-args", FIELDS], ["name", "Al"], ["agree", "on"], ["hs-checkbox", "agree"]], { session, native: true });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toStartWith("<!doctype html>");
    expect(html).toContain("Pick a &lt;longer&gt; name");
    expect(html).toMatch(/<input[^>]*value="Al"/);
    expect(html).toMatch(/<input[^>]*type="checkbox"[^>]*checked/);
  });

  test("are shown once: the next render of the page has none", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    await postFields(app, "Recorder.refuse", [["hs-args", FIELDS], ["name", "Al"]], { session });
    expect(await pageHtml(app, session, "/recorder")).not.toContain("hs-field-error");
  });
});

describe("without JavaScript", () => {
  test("a form's native post runs the same handler with its fields and answers 303 back to the page", async () => {
    const app = newFormApp();
    const session = await sessionOf(app, "/todos");
    const response = await postFields(app, "TodoState.add", [["hs-args", FIELDS], ["text", "bread"]], { session, native: true, page: "/todos" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/todos");
    expect(await pageHtml(app, session, "/todos")).toContain("1 left");
  });

  test("an event button's post (the events form plus the button's own hs-args) runs its handler", async () => {
    const app = newFormApp();
    const session = await sessionOf(app, "/counter");
    const response = await postFields(app, "CounterState.increment", [["hs-args", "[1]"]], { session, native: true, page: "/counter" });
    expect(response.status).toBe(303);
    expect(await pageHtml(app, session, "/counter")).toMatch(/<strong id="count"[^>]*>1<\/strong>/);
  });

  test("a page with event buttons carries the events form with the session's token and the way back", async () => {
    const app = newFormApp();
    const session = await sessionOf(app, "/counter");
    const html = await pageHtml(app, session, "/counter");
    const form = /<form id="hs-events" method="post" hidden>(.*?)<\/form>/.exec(html)?.[1] ?? "";
    expect(form).toContain(`name="hs-csrf" value="${csrfToken(FORM_APP_SECRET, session)}"`);
    expect(form).toContain('name="hs-return" value="/counter"');
  });

  test("a page without event buttons has no events form", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    expect(await pageHtml(app, session, "/recorder")).not.toContain('id="hs-events"');
  });
});

describe("bad form input: a 4xx with a message, the state untouched", () => {
  test("a native post without the page's token is 403", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    const response = await postFields(app, "Recorder.save", [["hs-args", FIELDS], ["name", "x"]], { session, native: true, headers: {} });
    expect(response.status).toBe(303);
    const forged = await app.handle(
      new Request("http://localhost/_event/Recorder.save", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: `hs_session=${session}` },
        body: new URLSearchParams({ "hs-args": FIELDS, name: "x", "hs-csrf": "forged" }),
      }),
    );
    expect(forged.status).toBe(403);
    expect(await pageHtml(app, session, "/recorder")).toContain('<p id="saved">1</p>');
  });

  test("a form posted from another origin is 403", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    const response = await postFields(app, "Recorder.save", [["hs-args", FIELDS], ["name", "x"]], { session, native: true, headers: { Origin: "http://evil.example" } });
    expect(response.status).toBe(403);
    expect(await pageHtml(app, session, "/recorder")).toContain('<p id="saved">0</p>');
  });

  test("a field named __proto__, constructor or prototype is 400", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    for (const name of ["__proto__", "constructor", "prototype"]) {
      const response = await postFields(app, "Recorder.save", [["hs-args", FIELDS], [name, "polluted"]], { session });
      expect({ name, status: response.status }).toEqual({ name, status: 400 });
      expect(await response.text()).toContain(`may not be named ${name}`);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await pageHtml(app, session, "/recorder")).toContain('<p id="saved">0</p>');
  });

  test("a checkbox named __proto__ is 400", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    const response = await postFields(app, "Recorder.save", [["hs-args", FIELDS], ["hs-checkbox", "__proto__"]], { session });
    expect(response.status).toBe(400);
  });

  test("a marker naming a field the request does not carry is 400 and names it", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    const response = await postFields(app, "Recorder.setName", [["hs-args", JSON.stringify([{ $value: "name" }])], ["other", "x"]], { session });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('field "name"');
  });

  test("a single checkbox sent twice is 400", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    const response = await postFields(app, "Recorder.save", [["hs-args", FIELDS], ["hs-checkbox", "agree"], ["agree", "on"], ["agree", "on"]], { session });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("more than once");
  });

  test("a file among an event's fields is 400: files go to an upload zone", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    const body = new FormData();
    body.set("hs-args", FIELDS);
    body.set("name", new File(["x"], "x.txt"));
    const response = await app.handle(
      new Request("http://localhost/_event/Recorder.save", {
        method: "POST",
        headers: { "HX-Request": "true", "HX-Current-URL": "http://localhost/recorder", Cookie: `hs_session=${session}` },
        body,
      }),
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("upload zone");
  });

  test("more than 256 fields is 413", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    const many: [string, string][] = Array.from({ length: 257 }, (_, index) => [`f${index}`, "x"]);
    const response = await postFields(app, "Recorder.save", [["hs-args", FIELDS], ...many], { session });
    expect(response.status).toBe(413);
    expect(await pageHtml(app, session, "/recorder")).toContain('<p id="saved">0</p>');
  });

  test("a form body over 64 KiB is 413", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    const response = await postFields(app, "Recorder.save", [["hs-args", FIELDS], ["name", "x".repeat(70 * 1024)]], { session });
    expect(response.status).toBe(413);
  });

  test("an empty or overlong field name is 400", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    for (const name of ["", "n".repeat(201)]) {
      const response = await postFields(app, "Recorder.save", [["hs-args", FIELDS], [name, "x"]], { session });
      expect(response.status).toBe(400);
    }
  });

  test("a malformed hs-args is 400", async () => {
    const app = newFormApp();
    const session = await sessionOf(app);
    const response = await postFields(app, "Recorder.save", [["hs-args", "[{"], ["name", "x"]], { session });
    expect(response.status).toBe(400);
  });
});
