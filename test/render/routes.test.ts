// The page table: which page a path names, with what parameters.

import { describe, expect, test } from "bun:test";
import type { Page } from "../../src/render/context";
import { Routes } from "../../src/render/routes";

const page = (name: string): Page => () => name;
const routes = new Routes({
  "/": page("home"),
  "/items/:id": page("item"),
  "/items/new": { page: page("new item"), title: "New item" },
  "/users/:user/posts/:post": page("post"),
});

describe("matching a path", () => {
  test("a literal path matches itself only", () => {
    expect(routes.match("/")?.pattern).toBe("/");
    expect(routes.match("/items")).toBeUndefined();
    expect(routes.match("/nope")).toBeUndefined();
  });

  test("a parameter takes one segment, percent-decoded", () => {
    expect(routes.match("/items/7")?.params).toEqual({ id: "7" });
    expect(routes.match("/items/a%20b%2Fc")?.params).toEqual({ id: "a b/c" });
    expect(routes.match("/users/ada/posts/3")?.params).toEqual({ user: "ada", post: "3" });
  });

  test("a literal segment wins over a parameter, whatever the order of the table", () => {
    expect(routes.match("/items/new")?.route.title).toBe("New item");
  });

  test("an empty segment, an extra segment or a trailing slash matches no page", () => {
    expect(routes.match("/items/")).toBeUndefined();
    expect(routes.match("/items/7/edit")).toBeUndefined();
    expect(routes.match("/items//7")).toBeUndefined();
  });

  test("malformed percent-encoding matches no page instead of throwing", () => {
    expect(routes.match("/items/%E0%A4%A")).toBeUndefined();
  });

  test("a parameter named like an Object property is a plain value", () => {
    const proto = new Routes({ "/x/:constructor": page("x") });
    expect(proto.match("/x/1")?.params).toEqual({ constructor: "1" });
  });
});

describe("a page table that cannot work is refused at start-up", () => {
  test("a path without a leading slash", () => {
    expect(() => new Routes({ items: page("x") })).toThrow('must start with "/"');
  });

  test("a parameter without a name, or named twice", () => {
    expect(() => new Routes({ "/items/:": page("x") })).toThrow("not a parameter name");
    expect(() => new Routes({ "/a/:id/b/:id": page("x") })).toThrow("twice");
  });

  test("a page that is not a function", () => {
    expect(() => new Routes({ "/": { page: "hello" as unknown as Page } })).toThrow("must be a function");
  });
});
