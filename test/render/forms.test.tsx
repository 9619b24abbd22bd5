// The form components: what they render for the browser (htmx attributes,
// the native post, labels, checkboxes' declaration) and for a refused form
// (messages and what was typed). Parsed with happy-dom.

import { describe, expect, test } from "bun:test";
import { Window } from "happy-dom";
import { events } from "../../src/events/refs";
import { withRenderScope, type FormEcho, type RenderScope } from "../../src/render/context";
import { Checkbox, Form, Input, Radio, Select, TextArea } from "../../src/render/forms";
import { State } from "../../src/state/state";

class Profile extends State {
  static on = events(this);
  async save(fields: { name: string; bio: string }) {
    void fields;
  }
  async setName(name: string) {
    void name;
  }
  async setPublic(id: number, visible: boolean) {
    void [id, visible];
  }
  async rename(id: number, fields: { name: string }) {
    void [id, fields];
  }
}

const window = new Window();

function scope(form?: FormEcho): RenderScope {
  return { url: new URL("http://localhost/profile?tab=2"), params: {}, csrfToken: "token-1", signingKey: "k", zoneDefaults: {}, form, use: () => { throw new Error("no state here"); } };
}

function render(view: () => JSX.Element, form?: FormEcho): Element {
  const template = window.document.createElement("template");
  template.innerHTML = withRenderScope(scope(form), view) as string;
  return template.content as unknown as Element;
}

const $ = (root: Element, selector: string): Element => {
  const element = root.querySelector(selector);
  if (!element) throw new Error(`nothing matches ${selector}`);
  return element;
};

describe("Form", () => {
  test("posts natively to its handler, and with htmx morphs the answer into the root", () => {
    const form = $(render(() => <Form onSubmit={Profile.on.save}>{""}</Form>), "form");
    expect(form.getAttribute("method")).toBe("post");
    expect(form.getAttribute("action")).toBe("/_event/Profile.save");
    expect(form.getAttribute("hx-post")).toBe("/_event/Profile.save");
    expect(form.getAttribute("hx-target")).toBe("#hs-root");
    expect(form.getAttribute("hx-swap")).toBe("innerMorph");
  });

  test("carries the fields marker as its arguments, the session's token and the way back to the page", () => {
    const root = render(() => <Form onSubmit={Profile.on.save}>{""}</Form>);
    expect(JSON.parse($(root, 'input[name="hs-args"]').getAttribute("value")!)).toEqual([{ $fields: true }]);
    expect($(root, 'input[name="hs-csrf"]').getAttribute("value")).toBe("token-1");
    expect($(root, 'input[name="hs-return"]').getAttribute("value")).toBe("/profile?tab=2");
  });

  test("fixed arguments bound to the handler come before the fields", () => {
    const root = render(() => <Form onSubmit={Profile.on.rename.bind(null, 3)}>{""}</Form>);
    expect(JSON.parse($(root, 'input[name="hs-args"]').getAttribute("value")!)).toEqual([3, { $fields: true }]);
  });

  test("keeps its children after its own hidden fields", () => {
    const root = render(() => (
      <Form onSubmit={Profile.on.save}>
        <Input name="name" label="Name" />
      </Form>
    ));
    expect([...$(root, "form").querySelectorAll("input")].map((input) => input.getAttribute("name"))).toEqual(["hs-args", "hs-csrf", "hs-return", "name"]);
  });
});

describe("Input", () => {
  test("is labelled by its label, named, and shows its value", () => {
    const root = render(() => <Input name="name" label="Your name" value="Ada" />);
    const input = $(root, "input");
    expect(input.getAttribute("name")).toBe("name");
    expect(input.getAttribute("value")).toBe("Ada");
    expect($(root, "label").getAttribute("for")).toBe(input.getAttribute("id")!);
    expect($(root, "label").textContent).toBe("Your name");
  });

  test("onChange posts the input's value in place of its marker, on change", () => {
    const input = $(render(() => <Input name="name" onChange={Profile.on.setName} />), "input");
    expect(input.getAttribute("hx-post")).toBe("/_event/Profile.setName");
    expect(input.getAttribute("hx-trigger")).toBe("change");
    expect(JSON.parse(JSON.parse(input.getAttribute("hx-vals")!)["hs-args"])).toEqual([{ $value: "name" }]);
  });

  test("onInput without debounce posts on every input event", () => {
    const input = $(render(() => <Input name="name" onInput={Profile.on.setName} />), "input");
    expect(input.getAttribute("hx-trigger")).toBe("input");
    expect(input.hasAttribute("data-hs-debounce")).toBe(false);
  });

  test("onInput with debounce leaves the timing to the client script, which can flush it", () => {
    const input = $(render(() => <Input name="name" onInput={Profile.on.setName} debounce={300} />), "input");
    expect(input.getAttribute("hx-trigger")).toBe("hs:flush");
    expect(input.getAttribute("data-hs-debounce")).toBe("300");
  });

  test("refuses onChange and onInput together, and a debounce that is not a duration", () => {
    expect(() => render(() => <Input name="name" onInput={Profile.on.setName} onChange={Profile.on.setName} />)).toThrow("not both");
    expect(() => render(() => <Input name="name" onInput={Profile.on.setName} debounce={-1} />)).toThrow("milliseconds");
  });

  test("a value with quotes and markup stays a value", () => {
    const input = $(render(() => <Input name="name" value={`"><script>alert(1)</script>`} />), "input");
    expect(input.getAttribute("value")).toBe(`"><script>alert(1)</script>`);
  });
});

describe("a refused form shown again", () => {
  const echo: FormEcho = { errors: { name: "Too <short>" }, values: { name: "Al", bio: "hi", public: true } };

  test("shows each message next to its field, describing it, and marks the field invalid", () => {
    const root = render(() => <Input name="name" label="Name" />, echo);
    const input = $(root, "input");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const message = $(root, `#${input.getAttribute("aria-describedby")}`);
    expect(message.textContent).toBe("Too <short>");
    expect(message.parentElement).toBe(input.parentElement);
  });

  test("fills the fields with what was sent, not the state's values", () => {
    expect($(render(() => <Input name="name" value="from state" />, echo), "input").getAttribute("value")).toBe("Al");
    expect($(render(() => <TextArea name="bio" value="from state" />, echo), "textarea").textContent).toBe("hi");
    expect($(render(() => <Checkbox name="public" />, echo), 'input[type="checkbox"]').hasAttribute("checked")).toBe(true);
  });

  test("a field without a message is left alone", () => {
    const root = render(() => <Input name="bio" />, echo);
    expect($(root, "input").hasAttribute("aria-invalid")).toBe(false);
    expect(root.querySelector(".hs-field-error")).toBeNull();
  });
});

describe("TextArea, Select, Checkbox, Radio", () => {
  test("a TextArea holds its value as escaped text", () => {
    expect($(render(() => <TextArea name="bio" value="</textarea><b>x</b>" />), "textarea").textContent).toBe("</textarea><b>x</b>");
  });

  test("a Select renders its options and selects the value", () => {
    const root = render(() => <Select name="size" label="Size" options={["s", { value: "m", label: "Medium" }]} value="m" />);
    const options = [...root.querySelectorAll("option")];
    expect(options.map((option) => [option.getAttribute("value"), option.textContent, option.hasAttribute("selected")])).toEqual([
      ["s", "s", false],
      ["m", "Medium", true],
    ]);
  });

  test("a Checkbox is labelled by its text and declares itself, so unchecked it still arrives as false", () => {
    const root = render(() => <Checkbox name="public" label="Public" checked />);
    const box = $(root, 'input[type="checkbox"]');
    expect(box.hasAttribute("checked")).toBe(true);
    expect(box.closest("label")!.textContent).toBe("Public");
    expect($(root, 'input[name="hs-checkbox"]').getAttribute("value")).toBe("public");
  });

  test("a Checkbox's onChange posts whether it is checked", () => {
    const box = $(render(() => <Checkbox name="public" onChange={(visible) => Profile.on.setPublic(4, visible)} />), 'input[type="checkbox"]');
    expect(JSON.parse(JSON.parse(box.getAttribute("hx-vals")!)["hs-args"])).toEqual([4, { $value: "public", checked: true }]);
  });

  test("Radios of one name are one field; the one whose value is chosen is checked", () => {
    const root = render(() => (
      <>
        <Radio name="size" value="s" label="Small" />
        <Radio name="size" value="m" label="Medium" checked />
      </>
    ));
    const radios = [...root.querySelectorAll('input[type="radio"]')];
    expect(radios.map((radio) => [radio.getAttribute("name"), radio.getAttribute("value"), radio.hasAttribute("checked")])).toEqual([
      ["size", "s", false],
      ["size", "m", true],
    ]);
    expect(new Set(radios.map((radio) => radio.id)).size).toBe(2);
  });
});
