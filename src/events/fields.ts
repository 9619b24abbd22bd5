// What a form sends besides the fixed arguments: its fields, and the markers
// in hs-args that stand for them (see FieldsMarker and ValueMarker).

import { HttpError } from "../errors";
import { FIELDS, type FieldsMarker, type ValueMarker } from "../protocol";

/** A field as a handler receives it: text, a checkbox's state, or the values of a name sent more than once. */
export type FieldValue = string | boolean | string[];

/**
 * Checks a submit handler's parameter at compile time: an object whose
 * fields are text, booleans or lists of text. Anything else turns the
 * `onSubmit` prop into a type that names the rule.
 */
export type SubmitHandlerCheck<F> = unknown extends F
  ? unknown // a fixed call: no fields reach it
  : [F] extends [object]
    ? [F] extends [{ [K in keyof F]: FieldValue }]
      ? unknown
      : FieldsRule
    : FieldsRule;

type FieldsRule = { onSubmit: { "a submit handler takes an object of fields: text, booleans or lists of text": never } };

export type EventForm = URLSearchParams | FormData;

/** More fields than any form a person fills in; the body limit bounds their size. */
export const MAX_FIELDS = 256;
const MAX_NAME_LENGTH = 200;
const FORBIDDEN_NAMES = new Set(["__proto__", "constructor", "prototype"]);

export const FIELDS_MARKER: FieldsMarker = { $fields: true };

export function valueMarker(name: string, checked = false): ValueMarker {
  return checked ? { $value: name, checked: true } : { $value: name };
}

/**
 * The form's own fields: every name that does not start with "hs-". A name
 * sent more than once becomes a list; a checkbox (listed in hs-checkbox)
 * becomes true or false, or the list of checked values when several share it.
 */
export function readFields(form: EventForm): Record<string, FieldValue> {
  // A Map, not an object: a field named "toString" must not find Object's.
  const fields = new Map<string, FieldValue>();
  for (const [name, value] of form.entries()) {
    if (typeof value !== "string") throw new HttpError(400, `Field ${JSON.stringify(name)} is a file: events carry text, files go to an upload zone`);
    if (name.startsWith("hs-")) continue;
    checkName(name);
    const previous = fields.get(name);
    if (previous === undefined && fields.size === MAX_FIELDS) throw new HttpError(413, `An event carries at most ${MAX_FIELDS} fields`);
    fields.set(name, previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous as string, value]);
  }
  const checkboxes = new Map<string, number>();
  for (const name of form.getAll(FIELDS.checkbox)) {
    if (typeof name !== "string") throw new HttpError(400, `${FIELDS.checkbox} must name a field`);
    checkName(name);
    checkboxes.set(name, (checkboxes.get(name) ?? 0) + 1);
  }
  for (const [name, boxes] of checkboxes) {
    const sent = fields.get(name);
    if (boxes > 1) fields.set(name, sent === undefined ? [] : Array.isArray(sent) ? sent : [sent as string]);
    else if (Array.isArray(sent)) throw new HttpError(400, `Checkbox ${JSON.stringify(name)} was sent more than once`);
    else fields.set(name, sent !== undefined);
  }
  return Object.fromEntries(fields);
}

/** The handler's arguments with every field marker replaced by what the form sent. */
export function fillFieldMarkers(args: unknown[], form: EventForm): unknown[] {
  let fields: Record<string, FieldValue> | undefined;
  const fieldsOnce = () => (fields ??= readFields(form));
  const fill = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(fill);
    if (value === null || typeof value !== "object") return value;
    if (isFieldsMarker(value)) return fieldsOnce();
    if (isValueMarker(value)) return fieldValue(fieldsOnce(), value);
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item)]));
  };
  return args.map(fill);
}

function fieldValue(fields: Record<string, FieldValue>, marker: ValueMarker): FieldValue {
  checkName(marker.$value);
  const value = Object.hasOwn(fields, marker.$value) ? fields[marker.$value] : undefined;
  if (marker.checked) {
    if (Array.isArray(value)) throw new HttpError(400, `Checkbox ${JSON.stringify(marker.$value)} was sent more than once`);
    return value !== undefined && value !== false;
  }
  if (value === undefined) throw new HttpError(400, `The event's arguments name the field ${JSON.stringify(marker.$value)}, which the request does not carry`);
  return value;
}

function checkName(name: string): void {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) throw new HttpError(400, `A field name must have 1 to ${MAX_NAME_LENGTH} characters`);
  if (FORBIDDEN_NAMES.has(name)) throw new HttpError(400, `A field may not be named ${name}`);
}

function isFieldsMarker(value: object): value is FieldsMarker {
  return Object.keys(value).length === 1 && (value as FieldsMarker).$fields === true;
}

function isValueMarker(value: object): value is ValueMarker {
  return typeof (value as ValueMarker).$value === "string" && Object.keys(value).every((key) => key === "$value" || key === "checked");
}
