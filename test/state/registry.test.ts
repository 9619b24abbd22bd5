import { describe, expect, test } from "bun:test";
import { instantiate, snapshot, StateRegistry } from "../../src/state/registry";
import { encodeFields } from "../../src/state/serialize";
import { background, State } from "../../src/state/state";

class Cart extends State {
  items: string[] = [];
  total = 0;
  _cache = "not saved";

  async add(item: string) {
    this.items.push(item);
  }

  async _recompute() {}

  sync() {
    return 1;
  }

  @background
  async checkout() {}
}

class SpecialCart extends Cart {
  async applyCoupon() {}
}

class NotAState {
  async add() {}
}

describe("StateRegistry.resolve", () => {
  const registry = new StateRegistry([Cart, SpecialCart]);

  test("finds a public async handler", () => {
    expect(registry.resolve("Cart.add")).toEqual({ stateClass: Cart, stateName: "Cart", method: "add", background: false });
  });

  test("finds a public method that is not async: it is a handler too", () => {
    expect(registry.resolve("Cart.sync")?.method).toBe("sync");
  });

  test("says why a name is no handler, and what to change", () => {
    expect(registry.whyNoHandler("Cart.nothing")).toBe("Cart has no handler named nothing: its handlers are its public methods (add, checkout, sync)");
    expect(registry.whyNoHandler("Cart._recompute")).toBe("Cart._recompute is private (it starts with _), not a handler");
    expect(registry.whyNoHandler("Unknown.add")).toBe("No state named Unknown is registered: add its class to hyperstate({ states: [...] }) (known: Cart, SpecialCart)");
    expect(registry.whyNoHandler("Cart/add")).toContain("handlers are named State.method");
  });

  test("marks a background handler", () => {
    expect(registry.resolve("Cart.checkout")?.background).toBe(true);
  });

  test("finds a handler a subclass inherits", () => {
    expect(registry.resolve("SpecialCart.add")?.method).toBe("add");
    expect(registry.resolve("SpecialCart.applyCoupon")?.method).toBe("applyCoupon");
  });

  test("refuses names that are not handlers", () => {
    for (const name of [
      "Cart.constructor",
      "Cart.__proto__",
      "Cart.update",
      "Cart._recompute",
      "Cart.items",
      "Cart.toString",
      "Cart.hasOwnProperty",
      "Cart.nothing",
      "Unknown.add",
      "NotAState.add",
      "Cart",
      "Cart.add.call",
      "../Cart.add",
      "Cart/add",
      "",
    ]) {
      expect(registry.resolve(name)).toBeUndefined();
    }
  });

  test("refuses to register a class that does not extend State", () => {
    expect(() => new StateRegistry([NotAState as never])).toThrow("must extend State");
  });

  test("refuses two different classes with the same name", () => {
    const Twin = class Cart extends State {};
    expect(() => new StateRegistry([Cart, Twin])).toThrow("Two state classes are named Cart");
  });

  test("refuses a state whose default field value could not be saved, naming the field", () => {
    class Socket {}
    class Chat extends State {
      connection = new Socket();
    }
    expect(() => new StateRegistry([Chat])).toThrow("Chat.connection is an instance of Socket");
  });

  test("registers a state whose unsaveable value sits in a private field", () => {
    class Socket {}
    class Chat extends State {
      _connection = new Socket();
      since = new Date();
    }
    expect(new StateRegistry([Chat]).has(Chat)).toBe(true);
  });

  test("nameOf tells how to register a state it does not know", () => {
    expect(() => new StateRegistry([]).nameOf(Cart)).toThrow("add it to hyperstate({ states: [...] })");
  });
});

describe("instantiate and snapshot", () => {
  test("a Date field saved by a snapshot is a Date in the next instance", () => {
    class Note extends State {
      when = new Date(0);
    }
    const note = new Note();
    note.when = new Date("2026-12-01T00:00:00Z");
    expect(instantiate(Note, snapshot(note)).when.getUTCDate()).toBe(1);
  });

  test("lays saved fields over the defaults", () => {
    const cart = instantiate(Cart, encodeFields("Cart", { items: ["apple"] }));
    expect(cart.items).toEqual(["apple"]);
    expect(cart.total).toBe(0);
  });

  test("ignores saved fields the class no longer declares", () => {
    const cart = instantiate(Cart, encodeFields("Cart", { items: [], removedField: 1 }));
    expect("removedField" in cart).toBe(false);
  });

  test("copies saved values, so changing the instance leaves the saved data alone", () => {
    const saved = encodeFields("Cart", { items: ["apple"] });
    instantiate(Cart, saved).items.push("pear");
    expect(instantiate(Cart, saved).items).toEqual(["apple"]);
  });

  test("a snapshot holds the public fields only", () => {
    const cart = instantiate(Cart, encodeFields("Cart", { items: ["apple"], total: 3 }));
    expect(snapshot(cart)).toEqual(encodeFields("Cart", { items: ["apple"], total: 3 }));
  });

  test("a snapshot does not share objects with the instance", () => {
    const cart = instantiate(Cart, undefined);
    const data = snapshot(cart);
    cart.items.push("late");
    expect(instantiate(Cart, data).items).toEqual([]);
  });
});
