// What POST /_event refuses, and how: a 4xx with a message, never a 500, state untouched.

import { describe, expect, test } from "bun:test";
import { newApp, newSession, postEvent, probeCount, received, shownCount } from "./fixture";

describe("handler names", () => {
  test("an unknown handler is 404 with a message that says what to check", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "CounterState.explode", { session, args: "[]" });
    expect(response.status).toBe(404);
    const message = await response.text();
    expect(message).toContain("No handler named CounterState.explode");
    // It names the handlers the state does have.
    expect(message).toContain("CounterState has no handler named explode: its handlers are its public methods (increment, reset, runTask)");
  });

  test("an unknown state is 404 and the message says to register it, listing the states that are", async () => {
    const app = newApp();
    const response = await postEvent(app, "Nobody.increment", { session: await newSession(app), args: "[1]" });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("No state named Nobody is registered: add its class to hyperstate({ states: [...] }) (known: CounterState, Probe)");
  });

  test("State's own members and the prototype chain are not handlers", async () => {
    const app = newApp();
    const session = await newSession(app);
    for (const name of ["CounterState.constructor", "CounterState.__proto__", "CounterState.update", "CounterState.toString", "CounterState.count"]) {
      const response = await postEvent(app, name, { session, args: "[]" });
      expect({ name, status: response.status }).toEqual({ name, status: 404 });
    }
    expect(await shownCount(app, session)).toBe(0);
  });

  test("a method whose name starts with an underscore is not a handler", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "Probe._private", { session, args: "[]", page: "/probe" });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("Probe._private is private");
    expect(await probeCount(app, session)).toBe(0);
  });

  test("a method that is not async is a handler too: it runs and its change is saved", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "Probe.addSync", { session, args: "[3]", page: "/probe" });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<p id="probe-count">3</p>');
    expect(await probeCount(app, session)).toBe(3);
  });

  test("a name with dots, slashes or dot-dot segments is 404", async () => {
    const app = newApp();
    const session = await newSession(app);
    for (const name of [
      "CounterState..increment",
      "..%2FCounterState.increment",
      "%2E%2E%2FCounterState.increment",
      "CounterState%2Fincrement",
      "CounterState.increment%2F..",
      "CounterState.increment.call",
      "CounterState/increment",
      "%2E%2E",
    ]) {
      const response = await postEvent(app, name, { session, args: "[1]" });
      expect({ name, status: response.status }).toEqual({ name, status: 404 });
    }
    expect(await shownCount(app, session)).toBe(0);
  });
});

describe("hs-args", () => {
  test("arguments that are not JSON are 400", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "CounterState.increment", { session, args: "[1" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("hs-args is not valid JSON");
    expect(await shownCount(app, session)).toBe(0);
  });

  test("arguments that are JSON but not an array are 400", async () => {
    const app = newApp();
    const session = await newSession(app);
    for (const args of ["1", '{"0": 1}', '"[1]"', "null"]) {
      const response = await postEvent(app, "CounterState.increment", { session, args });
      expect({ args, status: response.status }).toEqual({ args, status: 400 });
      expect(await response.text()).toContain("must be a JSON array");
    }
    expect(await shownCount(app, session)).toBe(0);
  });

  test("a __proto__ key in an argument pollutes no prototype and is not passed on", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "Probe.record", {
      session,
      args: '[{"__proto__": {"polluted": true}, "name": "x"}]',
      page: "/probe",
    });
    expect(response.status).toBe(200);
    const [argument] = received.args as [Record<string, unknown>];
    expect(argument.name).toBe("x");
    expect(Object.hasOwn(argument, "__proto__")).toBe(false);
    expect(Object.getPrototypeOf(argument)).toBe(Object.prototype);
    expect(argument.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("a nested __proto__ key is dropped too", async () => {
    const app = newApp();
    const session = await newSession(app);
    await postEvent(app, "Probe.record", { session, args: '[[{"a": {"__proto__": {"polluted": true}}}]]', page: "/probe" });
    const [[{ a }]] = received.args as [[{ a: object }]];
    expect(Object.hasOwn(a, "__proto__")).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("request bodies", () => {
  test("a body over 64 KiB is 413", async () => {
    const app = newApp();
    const session = await newSession(app);
    const args = JSON.stringify(["x".repeat(64 * 1024)]);
    const response = await postEvent(app, "Probe.record", { session, args, page: "/probe" });
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("at most 65536 bytes");
    expect(await probeCount(app, session)).toBe(0);
  });

  test("a streamed body over 64 KiB without a Content-Length is 413", async () => {
    const app = newApp();
    const session = await newSession(app);
    const chunk = new TextEncoder().encode("hs-args=" + "x".repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await postEvent(app, "Probe.record", { session, body, page: "/probe" });
    expect(response.status).toBe(413);
    // Reading stopped at the limit instead of taking in the whole body.
    expect(sent).toBeLessThan(8);
  });

  test("a body of exactly 64 KiB is accepted", async () => {
    const app = newApp();
    const session = await newSession(app);
    const prefix = 'hs-args=["';
    const suffix = '"]';
    const body = prefix + "x".repeat(64 * 1024 - prefix.length - suffix.length) + suffix;
    const response = await postEvent(app, "Probe.record", { session, body, page: "/probe" });
    expect(response.status).toBe(200);
  });

  test("a JSON body is 415 and says which types are accepted", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "CounterState.increment", {
      session,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ "hs-args": [1] }),
    });
    expect(response.status).toBe(415);
    expect(await response.text()).toContain("application/x-www-form-urlencoded");
    expect(await shownCount(app, session)).toBe(0);
  });

  test("a broken multipart body is 400", async () => {
    const app = newApp();
    const session = await newSession(app);
    const response = await postEvent(app, "CounterState.increment", {
      session,
      headers: { "Content-Type": "multipart/form-data; boundary=xyz" },
      body: "this is not multipart",
    });
    expect(response.status).toBe(400);
  });
});
