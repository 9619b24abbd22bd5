import { describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { hyperstate } from "../../src/app";
import { events } from "../../src/events/refs";
import type { PageContext } from "../../src/render/context";
import { decodeFields, encodeFields, StateFieldError } from "../../src/state/serialize";
import { State } from "../../src/state/state";

const roundTrip = (fields: Record<string, unknown>) => decodeFields(JSON.parse(JSON.stringify(encodeFields("S", fields))));

describe("encodeFields and decodeFields", () => {
  test("a Date, a Map, a Set, a bigint and undefined come back as themselves through JSON text", () => {
    const back = roundTrip({
      when: new Date("2026-12-01T08:00:00Z"),
      counts: new Map([["apples", 3]]),
      tags: new Set(["home", "work"]),
      big: 2n ** 70n,
      missing: undefined,
    });
    expect(back.when).toBeInstanceOf(Date);
    expect((back.when as Date).toISOString()).toBe("2026-12-01T08:00:00.000Z");
    expect(back.counts).toEqual(new Map([["apples", 3]]));
    expect(back.tags).toEqual(new Set(["home", "work"]));
    expect(back.big).toBe(2n ** 70n);
    expect(Object.hasOwn(back, "missing")).toBe(true);
    expect(back.missing).toBeUndefined();
  });

  test("nested objects and arrays keep their typed values", () => {
    const back = roundTrip({ items: [{ text: "milk", added: new Date(0), seenBy: new Set([1]) }] });
    const [item] = back.items as { added: Date; seenBy: Set<number> }[];
    expect(item!.added).toEqual(new Date(0));
    expect(item!.seenBy.has(1)).toBe(true);
  });

  test("what is encoded is a JSON value", () => {
    const encoded = encodeFields("S", { when: new Date(0), tags: new Set(["a"]) });
    expect(JSON.parse(JSON.stringify(encoded))).toEqual(encoded);
  });

  test("each decode gives fresh objects, so changing one leaves the saved data alone", () => {
    const encoded = encodeFields("S", { items: ["apple"] });
    (decodeFields(encoded).items as string[]).push("pear");
    expect(decodeFields(encoded).items).toEqual(["apple"]);
  });

  test("an instance of an unknown class is refused with the field's name and its class", () => {
    class Point {
      x = 1;
    }
    expect(() => encodeFields("Map", { home: new Point() })).toThrow(
      /^Map\.home is an instance of Point, which a session cannot keep: .*name the field _home/,
    );
  });

  test("a function is refused with the field's name", () => {
    expect(() => encodeFields("Cart", { format: () => "" })).toThrow("Cart.format is a function");
  });

  test("a symbol is refused with the field's name", () => {
    expect(() => encodeFields("Cart", { marker: Symbol("m") })).toThrow("Cart.marker is a symbol");
  });

  test("a value deep inside a field is refused with its whole path", () => {
    class Point {}
    const error = (() => {
      try {
        encodeFields("Map", { routes: [{ stops: [new Point()] }] });
      } catch (error) {
        return error;
      }
    })();
    expect(error).toBeInstanceOf(StateFieldError);
    expect((error as StateFieldError).field).toBe("Map.routes[0].stops[0]");
  });
});

class Diary extends State {
  static on = events(this);
  when = new Date("2026-01-01T00:00:00Z");
  tags = new Set<string>();
  _scratch = new (class Scratch {})();

  async tag(name: string) {
    this.tags.add(name);
  }

  async later() {
    this.when = new Date(this.when.getTime() + 86_400_000);
  }

  async keepSomethingStrange() {
    (this as any).when = new (class Gadget {})();
  }
}

const DiaryPage = ({ use }: PageContext) => {
  const diary = use(Diary);
  // Calls that only work on a real Date and a real Set.
  return `<p id="when">${diary.when.toISOString()}</p><p id="tags">${[...diary.tags].join(",")}</p>`;
};

describe("state fields through an app", () => {
  const app = () => new Elysia().use(hyperstate({ states: [Diary], pages: { "/": DiaryPage }, secret: "test secret" }));
  const post = async (server: ReturnType<typeof app>, cookie: string, name: string, args: unknown[]) =>
    server.handle(
      new Request(`http://localhost/_event/Diary.${name}`, {
        method: "POST",
        headers: { Cookie: cookie, "HX-Request": "true", "HX-Current-URL": "http://localhost/", "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ "hs-args": JSON.stringify(args) }),
      }),
    );

  test("a Date field is still a Date and a Set still a Set after events", async () => {
    const server = app();
    const cookie = (await server.handle(new Request("http://localhost/"))).headers.get("Set-Cookie")!.split(";")[0]!;
    expect((await post(server, cookie, "later", [])).status).toBe(200);
    expect((await post(server, cookie, "tag", ["home"])).status).toBe(200);
    const response = await post(server, cookie, "tag", ["home"]);
    const html = await response.text();
    expect(html).toContain('<p id="when">2026-01-02T00:00:00.000Z</p>');
    expect(html).toContain('<p id="tags">home</p>');
  });

  test("a handler that puts an unknown class in a field fails with the field's name and saves nothing", async () => {
    const server = app();
    const cookie = (await server.handle(new Request("http://localhost/"))).headers.get("Set-Cookie")!.split(";")[0]!;
    await post(server, cookie, "later", []);
    const response = await post(server, cookie, "keepSomethingStrange", []);
    expect(await response.text()).toContain("Diary.when is an instance of Gadget");
    const page = await (await server.handle(new Request("http://localhost/", { headers: { Cookie: cookie } }))).text();
    expect(page).toContain('<p id="when">2026-01-02T00:00:00.000Z</p>');
  });
});
