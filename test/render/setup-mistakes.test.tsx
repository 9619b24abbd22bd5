// Mistakes in how an app is put together are named where they happen, with
// what to change: a state the page uses that is not registered, a handler
// the page calls that does not exist.

import { afterEach, beforeEach, describe, expect, spyOn, test, type Mock } from "bun:test";
import { Elysia } from "elysia";
import { hyperstate } from "../../src/app";
import { events, type EventRef } from "../../src/events/refs";
import { Button } from "../../src/render/components";
import type { PageContext } from "../../src/render/context";
import { Form, Input } from "../../src/render/forms";
import { State } from "../../src/state/state";

class Listed extends State {
  static on = events(this);
  count = 0;
  async add() {
    this.count += 1;
  }
}

class Forgotten extends State {
  static on = events(this);
  count = 0;
  async add() {}
}

const misspelled = (Listed.on as unknown as Record<string, () => EventRef>).ad!();

function newApp() {
  return new Elysia().use(
    hyperstate({
      states: [Listed],
      pages: {
        "/uses-forgotten": ({ use }: PageContext) => <p>{use(Forgotten).count}</p>,
        "/calls-forgotten": () => <Button onClick={Forgotten.on.add()}>Add</Button>,
        "/calls-misspelled": () => <Button onClick={misspelled}>Add</Button>,
        "/form-misspelled": () => <Form onSubmit={misspelled}>{<Input name="x" />}</Form>,
        "/fine": ({ use }: PageContext) => <Button onClick={Listed.on.add()} safe>{`Add ${use(Listed).count}`}</Button>,
      },
    }),
  );
}

let logged: Mock<typeof console.error>;
beforeEach(() => {
  logged = spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => logged.mockRestore());

const get = (path: string) => newApp().handle(new Request(`http://localhost${path}`));

describe("a page", () => {
  test("that uses a state not registered answers 500 naming the state, the page and the fix", async () => {
    const response = await get("/uses-forgotten");
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("The page at /uses-forgotten uses the state Forgotten, which is not registered: add it to hyperstate({ states: [...] })");
  });

  test("that calls a handler of a state not registered answers 500 saying to register it", async () => {
    const response = await get("/calls-forgotten");
    expect(response.status).toBe(500);
    expect(await response.text()).toBe(
      "The page at /calls-forgotten calls Forgotten.add, which is no handler. No state named Forgotten is registered: add its class to hyperstate({ states: [...] }) (known: Listed)",
    );
  });

  test("that calls a handler name that does not exist answers 500 listing the state's handlers", async () => {
    for (const path of ["/calls-misspelled", "/form-misspelled"]) {
      const response = await get(path);
      expect(response.status).toBe(500);
      expect(await response.text()).toContain("calls Listed.ad, which is no handler. Listed has no handler named ad: its handlers are its public methods (add)");
    }
  });

  test("the mistake is logged on the server too", async () => {
    await get("/uses-forgotten");
    expect(String(logged.mock.calls[0]?.[0])).toContain("Forgotten");
  });

  test("that is put together right renders", async () => {
    const response = await get("/fine");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Add 0");
  });
});
