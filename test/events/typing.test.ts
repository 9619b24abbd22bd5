// `State.on` is typed from the class: tsc --noEmit (part of the test command)
// fails this file if a wrong call compiles, since each @ts-expect-error
// below must meet an error. The runtime checks say what the refs render to.

import { describe, expect, test } from "bun:test";
import { Button } from "../../src/render/components";
import { Checkbox, Form, Input } from "../../src/render/forms";
import { withRenderScope } from "../../src/render/context";
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

  async saveSchedule(fields: { from: string; to: string; eco: boolean }) {
    void fields;
  }

  async saveRoom(room: number, fields: { name: string }) {
    void [room, fields];
  }

  async setCount(count: number) {
    void count;
  }

  async setLabel(label: string) {
    void label;
  }

  async setEco(on: boolean) {
    void on;
  }

  nudge(by: number) {
    this.target += by;
  }

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

  test("a method that is not async is a handler too", () => {
    expect(Thermostat.on.nudge(2)).toMatchObject({ handler: "Thermostat.nudge", args: [2] });
    // @ts-expect-error: its arguments are checked like any handler's
    Thermostat.on.nudge("2");
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
    // @ts-expect-error: a method that returns something other than client actions or field errors is not a handler
    Thermostat.on.describe();
    // @ts-expect-error: fields are state, not handlers
    Thermostat.on.target();
    // @ts-expect-error: State's own update() is not a handler
    Thermostat.on.update();
  });

  test("a form's submit handler must take an object of fields, checked against its parameter", () => {
    const scope = { url: new URL("http://localhost/"), params: {}, csrfToken: "t", signingKey: "k", zoneDefaults: {}, use: () => { throw new Error("unused"); } };
    const html = withRenderScope(scope, () => [
      Form({ onSubmit: Thermostat.on.saveSchedule }),
      Form({ onSubmit: Thermostat.on.saveRoom.bind(null, 2) }),
      Form({ onSubmit: Thermostat.on.setMode("cool") }),
      // @ts-expect-error: a form's fields are an object, not a number
      Form({ onSubmit: Thermostat.on.setCount }),
      // @ts-expect-error: fields are text, booleans or lists of text, never numbers
      Form({ onSubmit: (fields: { degrees: number }) => Thermostat.on.setTarget(fields.degrees) }),
      // @ts-expect-error: a room number must be bound before the fields
      Form({ onSubmit: Thermostat.on.saveRoom }),
      Input({ name: "label", onChange: Thermostat.on.setLabel }),
      // @ts-expect-error: an input's value is text, not a number
      Input({ name: "count", onChange: Thermostat.on.setCount }),
      Checkbox({ name: "eco", onChange: Thermostat.on.setEco }),
      // @ts-expect-error: a checkbox gives a boolean, not text
      Checkbox({ name: "eco", onChange: Thermostat.on.setLabel }),
    ]);
    expect(html.join("")).toContain('action="/_event/Thermostat.saveSchedule"');
  });

  test("a reference renders as an htmx post to its handler", () => {
    const html = Button({ onClick: Thermostat.on.setTarget(21), children: "Warmer" }) as string;
    expect(html).toContain('hx-post="/_event/Thermostat.setTarget"');
  });
});
