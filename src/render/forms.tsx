import Html, { type Children } from "@kitajs/html";
import { eventPostAttributes, eventUrl, type Attributes } from "../events/attributes";
import { FIELDS_MARKER, valueMarker, type FieldValue, type SubmitHandlerCheck } from "../events/fields";
import type { EventRef } from "../events/refs";
import { ATTRS, EVENTS_FORM_ID, FIELDS, FLUSH_EVENT } from "../protocol";
import { currentRenderScope, type RenderScope } from "./context";
import { styleString, withoutStyleProps, type StyleProps } from "./style";

/** A handler for a control: a fixed call, or one that receives the control's value. */
export type ValueHandler<V> = EventRef | ((value: V) => EventRef);

/** Props every field takes. */
export interface FieldProps extends StyleProps {
  /** The field's name: its key in the fields a form hands its handler. */
  name: string;
  /** The visible label, which is also the field's accessible name. */
  label?: string;
  /** @default "hs-field-<name>" */
  id?: string;
  class?: string;
  disabled?: boolean;
  required?: boolean;
  [attribute: `aria-${string}` | `data-${string}`]: string | number | boolean | undefined;
}

export interface TextEvents {
  /** Fires when the value is committed (blur, Enter). */
  onChange?: ValueHandler<string>;
  /** Fires as the person types; with `debounce`, after that many quiet milliseconds. */
  onInput?: ValueHandler<string>;
  /**
   * Milliseconds without typing before `onInput` is sent. A click or a
   * submit anywhere on the page sends a pending value first, so none is lost.
   */
  debounce?: number;
}

export interface InputProps extends FieldProps, TextEvents {
  type?: "text" | "email" | "password" | "search" | "tel" | "url" | "number" | "date" | "time" | "datetime-local" | "month" | "week" | "color" | "range";
  value?: string | number;
  placeholder?: string;
  autocomplete?: string;
  autofocus?: boolean;
  min?: string | number;
  max?: string | number;
  step?: string | number;
  minlength?: number;
  maxlength?: number;
  pattern?: string;
}

/** A text-like input with its label and the message a handler set for it. */
export function Input(props: InputProps): JSX.Element {
  const { name, label, id = fieldId(name), onChange, onInput, debounce, value, type = "text", ...rest } = controlProps(props);
  const scope = currentRenderScope();
  const shown = echoed(scope, name) ?? value;
  const attributes = {
    ...rest,
    ...invalidAttributes(scope, name, id),
    ...textEventAttributes(name, { onChange, onInput, debounce }),
    type,
    id,
    name,
    value: shown === undefined ? undefined : String(shown),
  };
  return labelled(id, label, Html.createElement("input", attributes), fieldError(scope, name, id), props);
}

export interface TextAreaProps extends FieldProps, TextEvents {
  value?: string;
  rows?: number;
  placeholder?: string;
  maxlength?: number;
}

export function TextArea(props: TextAreaProps): JSX.Element {
  const { name, label, id = fieldId(name), onChange, onInput, debounce, value, ...rest } = controlProps(props);
  const scope = currentRenderScope();
  const shown = String(echoed(scope, name) ?? value ?? "");
  const attributes = { ...rest, ...invalidAttributes(scope, name, id), ...textEventAttributes(name, { onChange, onInput, debounce }), id, name };
  return labelled(id, label, Html.createElement("textarea", attributes, Html.escapeHtml(shown)), fieldError(scope, name, id), props);
}

export interface SelectOption {
  value: string;
  label: string;
}

export interface SelectProps extends FieldProps {
  /** The choices: plain strings (value and label alike) or `{ value, label }`. */
  options: (string | SelectOption)[];
  value?: string;
  onChange?: ValueHandler<string>;
}

export function Select(props: SelectProps): JSX.Element {
  const { name, label, id = fieldId(name), options, value, onChange, ...rest } = controlProps(props);
  const scope = currentRenderScope();
  const chosen = echoed(scope, name) ?? value;
  const attributes = { ...rest, ...invalidAttributes(scope, name, id), ...changeAttributes(onChange, valueMarker(name)), id, name };
  const choices = options.map((option) => (typeof option === "string" ? { value: option, label: option } : option));
  const optionHtml = choices.map((option) =>
    Html.createElement("option", { value: option.value, selected: option.value === chosen }, Html.escapeHtml(option.label)),
  );
  return labelled(id, label, Html.createElement("select", attributes, ...optionHtml), fieldError(scope, name, id), props);
}

export interface CheckboxProps extends FieldProps {
  checked?: boolean;
  /** Receives whether the box is now checked. */
  onChange?: ValueHandler<boolean>;
}

/** A checkbox; in a form's fields it is `true` or `false`. */
export function Checkbox(props: CheckboxProps): JSX.Element {
  const { name, label, id = fieldId(name), checked, onChange, ...rest } = controlProps(props);
  const scope = currentRenderScope();
  const shown = echoed(scope, name);
  const attributes = {
    ...rest,
    ...invalidAttributes(scope, name, id),
    ...changeAttributes(onChange, valueMarker(name, true)),
    type: "checkbox",
    id,
    name,
    checked: typeof shown === "boolean" ? shown : Boolean(checked),
  };
  // Unchecked boxes are not sent: this names it, so the server can say false.
  const declared = <input type="hidden" name={FIELDS.checkbox} value={name} />;
  return checkLabel(Html.createElement("input", attributes), label, [declared, fieldError(scope, name, id)], props);
}

export interface RadioProps extends FieldProps {
  /** What the group's field holds when this one is chosen. */
  value: string;
  checked?: boolean;
  /** Receives the chosen value. */
  onChange?: ValueHandler<string>;
}

/** One choice of a radio group: radios that share a name are one field. */
export function Radio(props: RadioProps): JSX.Element {
  const { name, label, id = fieldId(`${name}-${props.value}`), value, checked, onChange, ...rest } = controlProps(props);
  const scope = currentRenderScope();
  const shown = echoed(scope, name);
  const attributes = {
    ...rest,
    ...changeAttributes(onChange, valueMarker(name)),
    type: "radio",
    id,
    name,
    value,
    checked: shown === undefined ? Boolean(checked) : shown === value,
  };
  return checkLabel(Html.createElement("input", attributes), label, [], props);
}

export interface FormProps<F> extends StyleProps {
  children?: Children;
  /**
   * The submit handler: `S.on.save` receives the fields as an object (its
   * parameter type is checked against what fields can be), or
   * `(fields) => S.on.save(id, fields)` to add fixed arguments.
   */
  onSubmit: EventRef | ((fields: F) => EventRef);
  id?: string;
  class?: string;
  [attribute: `aria-${string}` | `data-${string}`]: string | number | boolean | undefined;
}

/**
 * A form whose submit (a submit button, or Enter in a field) runs a handler
 * with its fields. Without JavaScript it posts natively to the same handler
 * and the server answers with the page again.
 */
export function Form<F>(props: FormProps<F> & SubmitHandlerCheck<NoInfer<F>>): JSX.Element {
  const { children, onSubmit, ...rest } = withoutStyleProps(props as FormProps<F>);
  const scope = currentRenderScope();
  const ref = typeof onSubmit === "function" ? onSubmit(FIELDS_MARKER as unknown as F) : onSubmit;
  const attributes = { ...rest, class: ["hs-form", rest.class].filter(Boolean).join(" "), style: styleString(props), method: "post", action: eventUrl(ref), ...eventPostAttributes(ref) };
  return Html.createElement(
    "form",
    attributes,
    <input type="hidden" name={FIELDS.args} value={JSON.stringify(ref.args)} />,
    ...pageFields(scope),
    ...(Array.isArray(children) ? children : [children ?? ""]),
  );
}

/** The form event buttons submit without JavaScript: the page's token and the way back to it. */
export function EventsForm(scope: RenderScope): JSX.Element {
  return Html.createElement("form", { id: EVENTS_FORM_ID, method: "post", hidden: true }, ...pageFields(scope));
}

function pageFields(scope: RenderScope): JSX.Element[] {
  return [
    <input type="hidden" name={FIELDS.csrf} value={scope.csrfToken} />,
    <input type="hidden" name={FIELDS.returnTo} value={scope.url.pathname + scope.url.search} />,
  ];
}

// ---------------------------------------------------------------- events

function textEventAttributes(name: string, events: TextEvents): Attributes {
  if (events.onChange && events.onInput) throw new Error(`Field ${name} takes onChange or onInput, not both`);
  if (events.onChange) return changeAttributes(events.onChange, valueMarker(name));
  if (!events.onInput) return {};
  const debounce = events.debounce ?? 0;
  if (!Number.isFinite(debounce) || debounce < 0) throw new Error(`debounce of field ${name} must be a number of milliseconds`);
  // The client script sends a debounced input itself (FLUSH_EVENT), so a click can flush it first.
  const trigger = debounce > 0 ? FLUSH_EVENT : "input";
  return { ...changeAttributes(events.onInput, valueMarker(name), trigger), ...(debounce > 0 ? { [ATTRS.debounce]: String(debounce) } : {}) };
}

function changeAttributes<V>(handler: ValueHandler<V> | undefined, marker: unknown, trigger = "change"): Attributes {
  if (!handler) return {};
  const ref = typeof handler === "function" ? handler(marker as V) : handler;
  return { ...eventPostAttributes(ref), "hx-vals": JSON.stringify({ [FIELDS.args]: JSON.stringify(ref.args) }), "hx-trigger": trigger };
}

// ---------------------------------------------------------------- layout and messages

function fieldId(name: string): string {
  return `hs-field-${name}`;
}

function controlProps<P extends FieldProps>(props: P) {
  const { style, class: className, ...rest } = withoutStyleProps(props) as P & { style?: unknown };
  void style;
  return { ...rest, class: ["hs-control", className].filter(Boolean).join(" ") };
}

/** What the person sent, when a handler refused it and the form is shown again. */
function echoed(scope: RenderScope, name: string): FieldValue | undefined {
  const value = scope.form?.values[name];
  return typeof value === "string" || typeof value === "boolean" ? value : undefined;
}

function invalidAttributes(scope: RenderScope, name: string, id: string): Attributes {
  return scope.form?.errors[name] ? { "aria-invalid": "true", "aria-describedby": `${id}-error` } : {};
}

function fieldError(scope: RenderScope, name: string, id: string): JSX.Element {
  const message = scope.form?.errors[name];
  if (!message) return "";
  return (
    <p class="hs-field-error" id={`${id}-error`} safe>
      {message}
    </p>
  );
}

function labelled(id: string, label: string | undefined, control: JSX.Element, error: JSX.Element, props: StyleProps): JSX.Element {
  const text = label === undefined ? "" : (
    <label class="hs-label" for={id} safe>
      {label}
    </label>
  );
  return Html.createElement("div", { class: "hs-field", style: styleString(props) }, text, control, error);
}

function checkLabel(control: JSX.Element, label: string | undefined, after: JSX.Element[], props: StyleProps): JSX.Element {
  const text = label === undefined ? "" : <span safe>{label}</span>;
  return Html.createElement("div", { class: "hs-field hs-check", style: styleString(props) }, Html.createElement("label", {}, control, text), ...after);
}
