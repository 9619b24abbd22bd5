// `State.on` is typed from the class: tsc --noEmit (part of the test command)
// fails this file if a wrong call compiles, since each @ts-expect-error
// below must meet an error. The runtime checks say what the refs render to.

import { describe, expect, test } from "bun:test";
import { Button } from "../../src/render/components";
import { events, type EventRef } from "../../src/events/refs";
import { State } from "../../src/state/state";

class Thermostat extends State {
  static on = events(this);
  target = 20;
  mode: "heat" | "cool" = "heat";

  async setTarget(degrees: number) {
    this.target = degrees;
  }

  async setMode(mode: "heat" | "cool", reason?: string) {
    this.mode = mode;
    void reason;
  }

  async _calibrate() {}

  describe(): string {
    return `${this.target}`;
  }
}

describe("typed event references", () => {
  test("a correct call compiles and names the handler with its arguments", () => {
    const ref: EventRef = Thermostat.on.setTarget(21);
    expect(ref.handler).toBe("Thermostat.setTarget");
    expect(ref.args).toEqual([21]);
    expect(Thermostat.on.setMode("cool").args).toEqual(["cool"]);
    expect(Thermostat.on.setMode("heat", "winter").args).toEqual(["heat", "winter"]);
  });

  test("wrong handler names and argument types do not compile", () => {
    // @ts-expect-error: no handler of that name
    Thermostat.on.setTemperature(21);
    // @ts-expect-error: the argument is a number, not a string
    Thermostat.on.setTarget("21");
    // @ts-expect-error: "dry" is not a mode
    Thermostat.on.setMode("dry");
    // @ts-expect-error: a required argument is missing
    Thermostat.on.setTarget();
    // @ts-expect-error: too many arguments
    Thermostat.on.setTarget(21, 22);
    // @ts-expect-error: underscore methods are private, not handlers
    Thermostat.on._calibrate();
    // @ts-expect-error: a method that is not async is not a handler
    Thermostat.on.describe();
    // @ts-expect-error: fields are state, not handlers
    Thermostat.on.target();
    // @ts-expect-error: State's own update() is not a handler
    Thermostat.on.update();
  });

  test("a reference renders as an htmx post to its handler", () => {
    const html = Button({ onClick: Thermostat.on.setTarget(21), children: "Warmer" }) as string;
    expect(html).toContain('hx-post="/_event/Thermostat.setTarget"');
  });
});
